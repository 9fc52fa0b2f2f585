/**
 * An in-memory Auto Scaling group behind aws-sdk-client-mock, for the fault harness and the
 * model-based test: the calls both scaler handlers make (Auto Scaling, CloudWatch, Budgets) with
 * AWS's rules where they matter here (UpdateAutoScalingGroup refuses MinSize > MaxSize and moves
 * the desired capacity into the bounds; a scheduled action whose MinSize would exceed the MaxSize
 * in force fails when due and is recorded), the group's own recurring schedules run on a
 * simulated clock, and a fault injector that kills a run at its k-th AWS call. moto_server cannot
 * run scheduled actions on a clock nor fail between two calls of one run, hence this fake.
 */
import {
  AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  SetDesiredCapacityCommand,
  StartInstanceRefreshCommand,
  type StartInstanceRefreshCommandInput,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { type AttributeValue, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { GroupBaseline } from '../../lambda/contract/group-baseline';
import { type CostState, encodeCostState } from '../../lambda/core/cost';
import { signState } from '../../lambda/shared/state-signature';
import { nextOccurrence, parseCron, scheduleFirings, scheduledBounds } from '../../lambda/core/capacity';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export interface OneTimeAction {
  readonly name: string;
  readonly startTime: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

/** The group's state at one instant (what the invariants are checked on). */
export interface GroupView {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

/** How a run dies: at its k-th AWS call, before the call takes effect or after (the response is lost). */
export interface Fault {
  readonly k: number;
  readonly mode: 'before' | 'after';
}

export class FakeGroup {
  min: number;
  max: number;
  desired: number;
  now: number;
  readonly tags = new Map<string, string>();
  /** The instances DescribeAutoScalingGroups lists (none unless a test sets them). */
  instances: Array<{ InstanceId: string; LifecycleState: string }> = [];
  readonly actions = new Map<string, OneTimeAction>();
  targetValue = 50;
  /** Scheduled actions that failed when due, with AWS's message. */
  readonly failedActions: string[] = [];
  /** Every state the group was in, with who changed it. */
  readonly trace: Array<GroupView & { by: string; at: number }> = [];
  /** AWS calls made, by command name. */
  readonly calls: string[] = [];
  /** Load per minute for the predictive scaler's metric (undefined: no datapoint). */
  load: (t: number) => number | undefined = () => undefined;
  /** Average CPU per period for the cost optimizer. */
  cpu: (t: number) => number | undefined = () => 40;
  /** The budget's forecast as a percentage of the limit. */
  forecastPercent = 80;
  /** Set to make every GetMetricData answer carry a NextToken (an endless pager). */
  endlessMetricPages = false;
  /**
   * The group's launch template, for the vertical step: the instance type of each version
   * (version n at index n-1), its default version and the version the group names ('$Default',
   * '$Latest' or a number). An instance refresh with a desired configuration succeeds at once
   * (the fake has no instances to replace): the group then names the desired version.
   */
  template?: { readonly id: string; readonly types: string[]; defaultVersion: number; groupVersion: string; readonly imageId?: string };
  /** The instance refreshes started, as requested. */
  readonly refreshes: StartInstanceRefreshCommandInput[] = [];
  /** When each refresh started (the group's clock), as DescribeInstanceRefreshes reports it. */
  readonly refreshStarts: number[] = [];
  /**
   * Refreshes run until {@link finishRefresh} (as on AWS, where another is refused meanwhile)
   * instead of succeeding at once.
   */
  refreshesRun = false;
  private runningRefresh?: { version?: string };
  /** How the last refresh ended, as DescribeInstanceRefreshes reports it. */
  private refreshEnd: 'Successful' | 'RollbackSuccessful' = 'Successful';

  /** Ends the running refresh successfully: the group then names its desired version. */
  finishRefresh(): void {
    const v = this.runningRefresh?.version;
    if (v && this.template) this.template.groupVersion = v;
    this.runningRefresh = undefined;
    this.refreshEnd = 'Successful';
  }
  /** Rolls the running refresh back (an alarm went off): the group keeps the version it named. */
  rollBackRefresh(): void {
    this.runningRefresh = undefined;
    this.refreshEnd = 'RollbackSuccessful';
  }
  /** The coordination table's item for this group (the lease and the state key), as DynamoDB keeps it. */
  readonly leaseItem: Record<string, AttributeValue> = {};
  /** The state key the functions share (seeded: as if an earlier run created it). */
  readonly stateKey = Buffer.from('fake-group-state-key-0123456789ab').toString('base64');
  /** Called once per UpdateItem that takes the lease, after it was taken (tests run the other function there). */
  onLeaseTaken?: (holder: string) => void;
  private fault?: Fault;
  private dead = false;
  private count = 0;

  constructor(
    readonly name: string,
    readonly baseline: GroupBaseline,
    start: number,
    live?: Partial<GroupView>,
  ) {
    const b = scheduledBounds(baseline, start);
    this.now = start;
    this.min = live?.min ?? b.minSize;
    this.max = live?.max ?? b.maxSize;
    this.desired = live?.desired ?? Math.max(this.min, b.desiredCapacity ?? this.min);
    this.record('initial');
    this.leaseItem.stateKey = { S: this.stateKey };
  }

  /** The cost optimizer's state as its tag value, signed with the functions' key. */
  signedState(state: CostState): string {
    return signState(encodeCostState(state), this.stateKey, this.name);
  }

  /** Who holds the lease now (undefined when free). */
  get leaseHolder(): string | undefined {
    return this.leaseItem.holder?.S;
  }

  view(): GroupView {
    return { min: this.min, max: this.max, desired: this.desired };
  }

  /** The predictive scaler's (or anyone's) pending one-time actions, by start time. */
  pending(): OneTimeAction[] {
    return [...this.actions.values()].sort((a, b) => a.startTime - b.startTime || a.name.localeCompare(b.name));
  }

  private record(by: string): void {
    this.trace.push({ ...this.view(), by, at: this.now });
  }

  /** Kills the next run at its k-th call (counted from now). */
  armFault(fault: Fault | undefined): void {
    this.fault = fault;
    this.dead = false;
    this.count = 0;
  }

  /** AWS calls made since the fault was armed. */
  get callCount(): number {
    return this.count;
  }

  /** Runs `effect` as one AWS call, with the armed fault. */
  call<T>(name: string, effect: () => T): T {
    this.count++;
    this.calls.push(name);
    if (this.dead) throw Object.assign(new Error(`${name}: the run is dead (injected)`), { name: 'TimeoutError' });
    if (this.fault && this.count === this.fault.k) {
      this.dead = true;
      if (this.fault.mode === 'after') effect();
      throw Object.assign(
        new Error(`${name}: injected ${this.fault.mode === 'after' ? 'timeout after the call took effect' : 'failure'} at call ${this.count}`),
        { name: 'TimeoutError' },
      );
    }
    return effect();
  }

  /** Target tracking sets the desired capacity within the bounds. */
  targetTracking(desired: number): void {
    this.desired = Math.min(this.max, Math.max(this.min, desired));
    this.record('target-tracking');
  }

  /**
   * Moves the clock to `to`, running what is due in time order: the group's own recurring
   * schedules (from the baseline) and the one-time actions (deleted once run). An action whose
   * MinSize would exceed the MaxSize in force fails, as on AWS.
   */
  advance(to: number): void {
    type Due = { at: number; name: string; minSize?: number; maxSize?: number; desiredCapacity?: number; oneTime: boolean };
    const due: Due[] = [];
    for (const s of this.baseline.schedules) {
      for (const at of scheduleFirings(s, this.now, to)) {
        due.push({ at, name: s.name, minSize: s.minSize, maxSize: s.maxSize, desiredCapacity: s.desiredCapacity, oneTime: false });
      }
    }
    for (const a of this.actions.values()) if (a.startTime <= to) due.push({ ...a, at: a.startTime, oneTime: true });
    due.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
    for (const d of due) {
      this.now = Math.max(this.now, d.at);
      if (d.oneTime) this.actions.delete(d.name);
      const min = d.minSize ?? this.min;
      const max = d.maxSize ?? this.max;
      if (min > max) {
        this.failedActions.push(`${new Date(d.at).toISOString()} ${d.name}: MinSize ${min} would exceed MaxSize ${max}`);
        continue;
      }
      this.min = min;
      this.max = max;
      this.desired = Math.min(max, Math.max(min, d.desiredCapacity ?? this.desired));
      this.record(`schedule ${d.name}`);
    }
    this.now = to;
  }

  private nextRun(s: GroupBaseline['schedules'][number]): number {
    const start = s.startTime !== undefined ? Date.parse(s.startTime) : undefined;
    return start !== undefined && start > this.now ? start : (nextOccurrence(parseCron(s.recurrence), this.now, s.timeZone) ?? this.now);
  }

  private describe() {
    return {
      AutoScalingGroups: [
        {
          AutoScalingGroupName: this.name,
          MinSize: this.min,
          MaxSize: this.max,
          DesiredCapacity: this.desired,
          Instances: this.instances,
          ...(this.template ? { LaunchTemplate: { LaunchTemplateId: this.template.id, Version: this.template.groupVersion } } : {}),
          Tags: [...this.tags].map(([Key, Value]) => ({ Key, Value, ResourceId: this.name })),
        },
      ],
    };
  }

  /** The instance type the group launches now (undefined without a template). */
  launchedType(): string | undefined {
    const t = this.template;
    if (!t) return undefined;
    const v = t.groupVersion === '$Latest' ? t.types.length : t.groupVersion === '$Default' ? t.defaultVersion : Number(t.groupVersion);
    return t.types[v - 1];
  }

  /** Installs the fake behind the SDK clients; returns a restore function. */
  install(): () => void {
    const asg = mockClient(AutoScalingClient);
    const cw = mockClient(CloudWatchClient);
    const budgets = mockClient(BudgetsClient);
    const ce = mockClient(CostExplorerClient);
    const ec2 = mockClient(EC2Client);
    const ddb = mockClient(DynamoDBClient);
    const conditionFailed = () =>
      Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    // The two requests of lambda/shared/coordination.ts, with DynamoDB's conditional semantics
    // (checked against DynamoDB itself by test/lambda/shared/lease.emulator.test.ts).
    ddb.on(UpdateItemCommand).callsFake((input) =>
      this.call('UpdateItem', () => {
        const v = input.ExpressionAttributeValues ?? {};
        const item = this.leaseItem;
        if (input.UpdateExpression!.startsWith('SET holder')) {
          const free = !item.holder || item.holder.S === v[':me'].S || Number(item.expiresAt.N) < Number(v[':now'].N);
          if (!free) throw conditionFailed();
          item.holder = v[':me'];
          item.runId = v[':run'];
          item.expiresAt = v[':exp'];
          item.stateKey ??= v[':newKey'];
          this.onLeaseTaken?.(item.holder.S!);
          return { Attributes: { ...item } };
        }
        if (item.runId?.S !== v[':run'].S) throw conditionFailed();
        delete item.holder;
        delete item.runId;
        delete item.expiresAt;
        return {};
      }),
    );
    const invalid = (m: string) => Object.assign(new Error(m), { name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    asg.on(DescribeAutoScalingGroupsCommand).callsFake(() => this.call('DescribeAutoScalingGroups', () => this.describe()));
    asg.on(DescribeScheduledActionsCommand).callsFake(() =>
      this.call('DescribeScheduledActions', () => ({
        ScheduledUpdateGroupActions: [
          ...this.baseline.schedules.map((s) => ({
            ScheduledActionName: s.name,
            Recurrence: s.recurrence,
            TimeZone: s.timeZone,
            // As AWS reports a recurring action with a StartTime: its next run (the StartTime
            // itself until then). Left out for the ones without, as before.
            ...(s.startTime !== undefined ? { StartTime: new Date(this.nextRun(s)) } : {}),
            ...(s.endTime !== undefined ? { EndTime: new Date(s.endTime) } : {}),
            MinSize: s.minSize,
            MaxSize: s.maxSize,
            DesiredCapacity: s.desiredCapacity,
          })),
          ...this.pending().map((a) => ({
            ScheduledActionName: a.name,
            StartTime: new Date(a.startTime),
            MinSize: a.minSize,
            MaxSize: a.maxSize,
            DesiredCapacity: a.desiredCapacity,
          })),
        ],
      })),
    );
    asg.on(BatchPutScheduledUpdateGroupActionCommand).callsFake((input) =>
      this.call('BatchPutScheduledUpdateGroupAction', () => {
        for (const a of input.ScheduledUpdateGroupActions ?? []) {
          this.actions.set(a.ScheduledActionName, {
            name: a.ScheduledActionName!,
            startTime: (a.StartTime as Date).getTime(),
            ...(a.MinSize !== undefined ? { minSize: a.MinSize } : {}),
            ...(a.MaxSize !== undefined ? { maxSize: a.MaxSize } : {}),
            ...(a.DesiredCapacity !== undefined ? { desiredCapacity: a.DesiredCapacity } : {}),
          });
        }
        return { FailedScheduledUpdateGroupActions: [] };
      }),
    );
    asg.on(BatchDeleteScheduledActionCommand).callsFake((input) =>
      this.call('BatchDeleteScheduledAction', () => {
        for (const n of input.ScheduledActionNames ?? []) this.actions.delete(n);
        return { FailedScheduledActions: [] };
      }),
    );
    asg.on(SetDesiredCapacityCommand).callsFake((input) =>
      this.call('SetDesiredCapacity', () => {
        const d = input.DesiredCapacity!;
        if (d < this.min || d > this.max) throw invalid(`New SetDesiredCapacity value ${d} is outside [${this.min}, ${this.max}]`);
        this.desired = d;
        this.record('SetDesiredCapacity');
        return {};
      }),
    );
    asg.on(UpdateAutoScalingGroupCommand).callsFake((input) =>
      this.call('UpdateAutoScalingGroup', () => {
        const min = input.MinSize ?? this.min;
        const max = input.MaxSize ?? this.max;
        if (min > max) throw invalid(`MinSize ${min} is above MaxSize ${max}`);
        const desired = input.DesiredCapacity ?? Math.min(max, Math.max(min, this.desired));
        if (desired < min || desired > max) throw invalid(`Desired capacity ${desired} is outside [${min}, ${max}]`);
        this.min = min;
        this.max = max;
        this.desired = desired;
        if (input.LaunchTemplate?.Version && this.template) this.template.groupVersion = input.LaunchTemplate.Version;
        this.record('UpdateAutoScalingGroup');
        return {};
      }),
    );
    asg.on(CreateOrUpdateTagsCommand).callsFake((input) =>
      this.call('CreateOrUpdateTags', () => {
        for (const t of input.Tags ?? []) this.tags.set(t.Key, t.Value ?? '');
        return {};
      }),
    );
    asg.on(DescribePoliciesCommand).callsFake(() =>
      this.call('DescribePolicies', () => ({
        ScalingPolicies: [
          {
            PolicyName: 'cpu',
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingConfiguration: {
              PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
              TargetValue: this.targetValue,
            },
          },
        ],
      })),
    );
    asg.on(PutScalingPolicyCommand).callsFake((input) =>
      this.call('PutScalingPolicy', () => {
        this.targetValue = input.TargetTrackingConfiguration!.TargetValue!;
        return {};
      }),
    );
    cw.on(GetMetricDataCommand).callsFake((input) =>
      this.call('GetMetricData', () => {
        const start = (input.StartTime as Date).getTime();
        const end = (input.EndTime as Date).getTime();
        const results = (input.MetricDataQueries ?? []).map((q: MetricDataQuery) => {
          const period = (q.MetricStat?.Period ?? 60) * 1000;
          const Timestamps: Date[] = [];
          const Values: number[] = [];
          for (let t = Math.ceil(start / period) * period; t < end; t += period) {
            const v = q.Id === 'load' ? this.load(t) : q.Id === 'cpu' ? this.cpu(t) : this.desired;
            if (v !== undefined) {
              Timestamps.push(new Date(t));
              Values.push(v);
            }
          }
          return { Id: q.Id, Timestamps, Values, StatusCode: 'Complete' as const };
        });
        return { MetricDataResults: results, ...(this.endlessMetricPages ? { NextToken: 'more' } : {}) };
      }),
    );
    budgets.on(DescribeBudgetCommand).callsFake(() =>
      this.call('DescribeBudget', () => {
        const d = new Date(this.now);
        const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
        const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
        const elapsed = (this.now - start) / (end - start);
        const forecast = 10 * this.forecastPercent;
        return {
          Budget: {
            BudgetName: 'b',
            BudgetType: 'COST',
            TimeUnit: 'MONTHLY',
            BudgetLimit: { Amount: '1000', Unit: 'USD' },
            CalculatedSpend: {
              ActualSpend: { Amount: String(forecast * elapsed), Unit: 'USD' },
              ForecastedSpend: { Amount: String(forecast), Unit: 'USD' },
            },
          },
        };
      }),
    );
    asg.on(StartInstanceRefreshCommand).callsFake((input: StartInstanceRefreshCommandInput) =>
      this.call('StartInstanceRefresh', () => {
        if (this.runningRefresh)
          throw Object.assign(new Error('An Instance Refresh is already in progress'), { name: 'InstanceRefreshInProgress', $fault: 'client' });
        this.refreshes.push(input);
        this.refreshStarts.push(this.now);
        const v = input.DesiredConfiguration?.LaunchTemplate?.Version;
        this.runningRefresh = { ...(v ? { version: v } : {}) };
        if (!this.refreshesRun) this.finishRefresh();
        return { InstanceRefreshId: `refresh-${this.refreshes.length}` };
      }),
    );
    asg.on(DescribeInstanceRefreshesCommand).callsFake(() =>
      this.call('DescribeInstanceRefreshes', () => ({
        InstanceRefreshes:
          this.refreshes.length === 0
            ? []
            : [
                {
                  InstanceRefreshId: `refresh-${this.refreshes.length}`,
                  Status: this.runningRefresh ? ('InProgress' as const) : this.refreshEnd,
                  StartTime: new Date(this.refreshStarts[this.refreshStarts.length - 1]),
                },
              ],
      })),
    );
    const template = () => {
      if (!this.template) throw invalid('the group has no launch template');
      return this.template;
    };
    ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input) =>
      this.call('DescribeLaunchTemplateVersions', () => {
        const t = template();
        const asked = input.Versions?.[0] ?? '$Default';
        const n = asked === '$Latest' ? t.types.length : asked === '$Default' ? t.defaultVersion : Number(asked);
        return {
          LaunchTemplateVersions: [
            { LaunchTemplateId: t.id, VersionNumber: n, LaunchTemplateData: { InstanceType: t.types[n - 1], ImageId: t.imageId ?? 'ami-1' } },
          ],
        };
      }),
    );
    ec2.on(CreateLaunchTemplateVersionCommand).callsFake((input) =>
      this.call('CreateLaunchTemplateVersion', () => {
        const t = template();
        const source = t.types[Number(input.SourceVersion ?? t.defaultVersion) - 1];
        t.types.push(input.LaunchTemplateData?.InstanceType ?? source);
        return { LaunchTemplateVersion: { LaunchTemplateId: t.id, VersionNumber: t.types.length } };
      }),
    );
    ec2.on(ModifyLaunchTemplateCommand).callsFake((input) =>
      this.call('ModifyLaunchTemplate', () => {
        template().defaultVersion = Number(input.DefaultVersion);
        return {};
      }),
    );
    return () => [asg, cw, budgets, ce, ec2, ddb].forEach((m) => m.restore());
  }
}

/** Checks the invariants on every state the group was in; returns the violations. */
export function violations(g: FakeGroup): string[] {
  const out: string[] = [];
  for (const s of g.trace) {
    if (s.min > s.max) out.push(`${new Date(s.at).toISOString()} ${s.by}: MinSize ${s.min} > MaxSize ${s.max}`);
    if (s.desired < s.min || s.desired > s.max)
      out.push(`${new Date(s.at).toISOString()} ${s.by}: desired ${s.desired} outside [${s.min}, ${s.max}]`);
    // A user schedule is never undone: MinSize never drops below the user's MinSize in force.
    const user = scheduledBounds(g.baseline, s.at);
    if (s.min < user.minSize)
      out.push(`${new Date(s.at).toISOString()} ${s.by}: MinSize ${s.min} below the user's ${user.minSize} (${user.minFrom})`);
    if (s.max > user.maxSize)
      out.push(`${new Date(s.at).toISOString()} ${s.by}: MaxSize ${s.max} above the user's ${user.maxSize} (${user.maxFrom})`);
  }
  return [...out, ...g.failedActions.map((f) => `scheduled action failed: ${f}`)];
}
