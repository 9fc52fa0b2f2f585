/**
 * The simulated clock: after the history is replayed, advances minute by minute through the
 * simulated days. Each minute it does what AWS would do and the emulator does not (run the
 * group's one-time scheduled actions that are due), invokes the scalers in-process on their
 * schedules with the EventBridge event of that instant, and then appends the minute's load to
 * CloudWatch. It records a decision row per scaler run and the group's capacity per minute.
 *
 * The instances themselves (launch lead, in service, what they served) and the group's target
 * tracking policies are the core's group model (lambda/core/backtest/group-model.ts), the same
 * one the backtest, the benchmark and `bench:cost` use: the emulator holds the group's settings
 * that the scalers write, the model follows them minute by minute.
 */
import {
  type AutoScalingClient,
  DeleteScheduledActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  type ScheduledUpdateGroupAction,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GroupModel, type GroupTotals } from '../../lambda/core/backtest/group-model';
import type { TrackedPolicy } from '../../lambda/core/backtest/target-tracking';
import { captureOutput, type CapturedOutput, type EmfDatapoint } from './capture';
import { type MetricSpec, putTraceRange } from './replay';
import type { Trace } from './trace';

const MINUTE = 60_000;

/** The group's capacity settings as read back from the emulator. */
export interface GroupCapacity {
  readonly desired: number;
  readonly min: number;
  readonly max: number;
}

/** One scaler run. */
export interface DecisionRow {
  /** Simulated time of the run (epoch ms). */
  readonly at: number;
  /** Which scaler ran. */
  readonly scaler: string;
  /** Load of the last whole minute before the run. */
  readonly load: number;
  /** The run's forecast for the minute it ran at, when it published one. */
  readonly forecast?: number;
  /** The capacity the run's plan asks for at the minute it ran at, when it published one. */
  readonly planned?: number;
  /** The group after the run, read back from the emulator. */
  readonly group: GroupCapacity;
  /** What changed on the group, and the handler's own decision. */
  readonly action: string;
  /** The run changed the group's desired capacity, MinSize or MaxSize. */
  readonly capacityChanged: boolean;
  /** The handler's error, when it threw. */
  readonly error?: string;
}

/** One simulated minute. */
export interface MinutePoint {
  readonly at: number;
  readonly load: number;
  /** The latest forecast for this minute made before it (by the run at or before its start). */
  readonly forecast?: number;
  readonly planned?: number;
  readonly group: GroupCapacity;
  /** Instances in service during the minute (the group model: launches serve after the launch lead). */
  readonly inService: number;
  /** Instances launching during the minute (paid, not serving). */
  readonly launching: number;
}

/** The instances and the target tracking policies the simulation models (see the module comment). */
export interface GroupModelOptions {
  /** Load one instance serves per minute at 100% utilization. */
  readonly capacityPerInstance: number;
  /** @default 300 */
  readonly launchLeadSeconds?: number;
  /** The group's target tracking policies. @default none */
  readonly policies?: readonly TrackedPolicy[];
}

/** A scheduled scaler run in-process. */
export interface ScalerSchedule {
  readonly name: string;
  readonly everyMinutes: number;
  /** Invokes the handler with an EventBridge scheduled event. */
  readonly invoke: (event: ScheduledEvent) => Promise<unknown>;
  /** Names of the EMF metrics holding the forecast load and the planned capacity, when it publishes them. */
  readonly forecastMetric?: string;
  readonly plannedMetric?: string;
}

/** The EventBridge "Scheduled Event" a rule sends to its target. */
export interface ScheduledEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, never>;
}

/** What the simulation runs against. */
export interface SimulationOptions {
  readonly cloudWatch: CloudWatchClient;
  readonly autoScaling: AutoScalingClient;
  readonly groupName: string;
  readonly loadMetric: MetricSpec;
  /** The whole trace, already placed on the simulated clock. */
  readonly trace: Trace;
  /** Index in the trace of the first simulated minute (what comes before it is the replayed history). */
  readonly firstMinute: number;
  readonly minutes: number;
  readonly scalers: readonly ScalerSchedule[];
  readonly account: string;
  readonly region: string;
  /** The group model: instances and target tracking policies. @default no target tracking, 1 load unit per instance, 300 s launch lead */
  readonly groupModel?: GroupModelOptions;
  /** Put the EMF datapoints the handlers print into CloudWatch, as CloudWatch Logs would. @default true */
  readonly forwardEmf?: boolean;
  /** Called with every run's captured output. */
  readonly onRun?: (row: DecisionRow, output: CapturedOutput) => void;
  /** Called after each simulated minute. */
  readonly onMinute?: (done: number, total: number) => void;
  /** Called each simulated minute with its load and the group, after the scalers ran (models of what AWS would measure). */
  readonly observeMinute?: (at: number, load: number, group: GroupCapacity) => Promise<void>;
}

/** What the simulation recorded. */
export interface SimulationResult {
  readonly rows: DecisionRow[];
  readonly points: MinutePoint[];
  /** One-time scheduled actions the simulation ran when they came due. */
  readonly actionsExecuted: number;
  /** One-time scheduled actions that failed when they came due. */
  readonly actionsFailed: FailedScheduledAction[];
  /** Scaling activities of the target tracking policies. */
  readonly targetTrackingActivities: number;
  /** Recurring scheduled actions seen on the group (not run: the simulation runs one-time actions only). */
  readonly recurringActionsSeen: string[];
  /** The group model's totals over the simulated minutes. */
  readonly totals: GroupTotals;
}

export async function readGroup(asg: AutoScalingClient, groupName: string): Promise<GroupCapacity> {
  const res = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const g = res.AutoScalingGroups?.[0];
  if (!g) throw new Error(`the Auto Scaling group ${groupName} does not exist in the emulator`);
  return { desired: g.DesiredCapacity ?? 0, min: g.MinSize ?? 0, max: g.MaxSize ?? 0 };
}

export async function listScheduledActions(asg: AutoScalingClient, groupName: string): Promise<ScheduledUpdateGroupAction[]> {
  const out: ScheduledUpdateGroupAction[] = [];
  let token: string | undefined;
  do {
    const res = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: groupName, MaxRecords: 100, NextToken: token }));
    out.push(...(res.ScheduledUpdateGroupActions ?? []));
    token = res.NextToken;
  } while (token);
  return out;
}

/** A scheduled action the simulation could not run, as Auto Scaling would have failed it. */
export interface FailedScheduledAction {
  readonly name: string;
  readonly at: number;
  readonly reason: string;
}

/**
 * Runs the group's one-time scheduled actions due at `now` as Auto Scaling would (moto stores
 * them but never runs them): MinSize, MaxSize and DesiredCapacity as set, the desired capacity
 * kept within the new bounds; an action that would leave MinSize above MaxSize fails, as it does
 * on AWS (moto would accept it). Either way the action is deleted, as AWS does with a one-time
 * action once its time has come. Returns the names of the actions run and failed, and of
 * recurring actions seen.
 */
export async function runDueScheduledActions(
  asg: AutoScalingClient,
  groupName: string,
  now: number,
): Promise<{ ran: string[]; failed: FailedScheduledAction[]; recurring: string[] }> {
  const actions = await listScheduledActions(asg, groupName);
  const due = actions
    .filter((a) => !a.Recurrence && (a.StartTime ?? a.Time) !== undefined && (a.StartTime ?? a.Time)!.getTime() <= now)
    .sort((a, b) => (a.StartTime ?? a.Time)!.getTime() - (b.StartTime ?? b.Time)!.getTime());
  const ran: string[] = [];
  const failed: FailedScheduledAction[] = [];
  for (const a of due) {
    const g = await readGroup(asg, groupName);
    const min = a.MinSize ?? g.min;
    const max = a.MaxSize ?? g.max;
    if (min > max) {
      failed.push({ name: a.ScheduledActionName!, at: now, reason: `MinSize ${min} would exceed MaxSize ${max}` });
    } else {
      const desired = Math.min(max, Math.max(min, a.DesiredCapacity ?? g.desired));
      await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: groupName, MinSize: min, MaxSize: max, DesiredCapacity: desired }));
      ran.push(a.ScheduledActionName!);
    }
    await asg.send(new DeleteScheduledActionCommand({ AutoScalingGroupName: groupName, ScheduledActionName: a.ScheduledActionName! }));
  }
  return { ran, failed, recurring: actions.filter((a) => a.Recurrence).map((a) => a.ScheduledActionName ?? '?') };
}

/** The EventBridge event a scheduled rule sends at `at`. */
export function scheduledEvent(
  at: number,
  account: string,
  region: string,
  ruleArn = `arn:aws:events:${region}:${account}:rule/local-run`,
): ScheduledEvent {
  return {
    version: '0',
    id: `local-run-${at}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: new Date(at).toISOString().replace('.000Z', 'Z'),
    region,
    resources: [ruleArn],
    detail: {},
  };
}

/** The handler's decision, from its log records: the record with a `decision` field, else the last message. */
export function decisionOf(logs: readonly Record<string, unknown>[]): string | undefined {
  for (let i = logs.length - 1; i >= 0; i--) {
    const d = logs[i].decision ?? logs[i].action;
    if (typeof d === 'string') return d;
  }
  const last = logs[logs.length - 1];
  return typeof last?.message === 'string' ? last.message : undefined;
}

function describeChange(before: GroupCapacity, after: GroupCapacity, actionsBefore: Set<string>, actionsAfter: Set<string>): string {
  const parts: string[] = [];
  if (before.desired !== after.desired) parts.push(`desired ${before.desired}->${after.desired}`);
  if (before.min !== after.min) parts.push(`min ${before.min}->${after.min}`);
  if (before.max !== after.max) parts.push(`max ${before.max}->${after.max}`);
  const added = [...actionsAfter].filter((n) => !actionsBefore.has(n)).length;
  const removed = [...actionsBefore].filter((n) => !actionsAfter.has(n)).length;
  if (added || removed) parts.push(`scheduled +${added}/-${removed} (${actionsAfter.size} pending)`);
  return parts.length ? parts.join(', ') : 'no change';
}

async function forward(cw: CloudWatchClient, points: readonly EmfDatapoint[]): Promise<void> {
  for (let i = 0; i < points.length; i += 500) {
    const batch = points.slice(i, i + 500);
    const byNs = new Map<string, EmfDatapoint[]>();
    for (const p of batch) byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p]);
    for (const [ns, ps] of byNs) {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: ns,
          MetricData: ps.map((p) => ({
            MetricName: p.metricName,
            Dimensions: Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value })),
            Timestamp: new Date(p.timestamp),
            Value: p.value,
            Unit: (p.unit ?? 'None') as never,
          })),
        }),
      );
    }
  }
}

function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`;
}

/** Runs the simulated days. */
export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const rows: DecisionRow[] = [];
  const points: MinutePoint[] = [];
  const forecastAt = new Map<number, number>();
  const plannedAt = new Map<number, number>();
  const recurring = new Set<string>();
  let actionsExecuted = 0;
  const actionsFailed: FailedScheduledAction[] = [];
  let targetTrackingActivities = 0;
  const stepMs = o.trace.stepSeconds * 1000;
  if (stepMs !== MINUTE) throw new Error(`the simulation needs a one-minute trace, got a ${o.trace.stepSeconds} s step`);
  const last = Math.min(o.trace.values.length, o.firstMinute + o.minutes);
  let group = await readGroup(o.autoScaling, o.groupName);
  if (o.firstMinute < 1) throw new Error('the simulation needs a minute of history before its first minute');
  const model = new GroupModel({
    capacityPerInstance: o.groupModel?.capacityPerInstance ?? 1,
    launchLeadSeconds: o.groupModel?.launchLeadSeconds ?? 300,
    stepSeconds: 60,
    minSize: group.min,
    maxSize: group.max,
    initialCapacity: group.desired,
    policies: o.groupModel?.policies ?? [],
    scoreFrom: o.firstMinute,
  });
  const follow = (g: GroupCapacity) => model.update({ desired: g.desired, minSize: g.min, maxSize: g.max });
  // the minute before the first: the group served it with its capacity at the start
  model.startStep(o.firstMinute - 1);
  model.serve(o.trace.values[o.firstMinute - 1]);

  for (let k = o.firstMinute; k < last; k++) {
    const at = o.trace.start + k * MINUTE;
    const due = await runDueScheduledActions(o.autoScaling, o.groupName, at);
    actionsExecuted += due.ran.length;
    actionsFailed.push(...due.failed);
    due.recurring.forEach((n) => recurring.add(n));
    if (due.ran.length) {
      group = await readGroup(o.autoScaling, o.groupName);
      follow(group);
    }
    // target tracking reads the minute that just ended, as its alarms would
    const want = model.track(o.trace.values[k - 1]);
    if (want !== undefined && want !== group.desired) {
      await o.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: o.groupName, DesiredCapacity: want, HonorCooldown: false }));
      targetTrackingActivities++;
      group = await readGroup(o.autoScaling, o.groupName);
      follow(group);
    }

    for (const s of o.scalers) {
      if (Math.round(at / MINUTE) % s.everyMinutes !== 0) continue;
      const before = group;
      const actionsBefore = new Set((await listScheduledActions(o.autoScaling, o.groupName)).map((a) => a.ScheduledActionName!));
      const run = await captureOutput(() => s.invoke(scheduledEvent(at, o.account, o.region)));
      if (o.forwardEmf ?? true) await forward(o.cloudWatch, run.output.metrics);
      for (const m of run.output.metrics) {
        if (m.timestamp < at || m.timestamp >= at + s.everyMinutes * MINUTE) continue;
        if (m.metricName === s.forecastMetric) forecastAt.set(m.timestamp, m.value);
        if (m.metricName === s.plannedMetric) plannedAt.set(m.timestamp, m.value);
      }
      group = await readGroup(o.autoScaling, o.groupName);
      follow(group);
      const actionsAfter = new Set((await listScheduledActions(o.autoScaling, o.groupName)).map((a) => a.ScheduledActionName!));
      const decision = decisionOf(run.output.logs);
      const change = describeChange(before, group, actionsBefore, actionsAfter);
      const row: DecisionRow = {
        at,
        scaler: s.name,
        load: o.trace.values[k - 1],
        forecast: s.forecastMetric ? forecastAt.get(at) : undefined,
        planned: s.plannedMetric ? plannedAt.get(at) : undefined,
        group,
        action: decision ? `${decision}: ${change}` : change,
        capacityChanged: before.desired !== group.desired || before.min !== group.min || before.max !== group.max,
        ...(run.error !== undefined ? { error: errorText(run.error) } : {}),
      };
      rows.push(row);
      o.onRun?.(row, run.output);
    }

    // the group launches or terminates towards what was written, and serves the minute
    model.reconcile();
    model.startStep(k);
    model.serve(o.trace.values[k]);
    points.push({
      at,
      load: o.trace.values[k],
      forecast: forecastAt.get(at),
      planned: plannedAt.get(at),
      group,
      inService: model.inService,
      launching: model.launching,
    });
    await o.observeMinute?.(at, o.trace.values[k], group);
    // The minute is over: its load is in CloudWatch for the next run.
    await putTraceRange(o.cloudWatch, o.loadMetric, o.trace, k, k + 1);
    o.onMinute?.(k - o.firstMinute + 1, last - o.firstMinute);
  }
  return {
    rows,
    points,
    actionsExecuted,
    actionsFailed,
    targetTrackingActivities,
    recurringActionsSeen: [...recurring],
    totals: { ...model.totals },
  };
}
