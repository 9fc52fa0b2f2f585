/**
 * Reads what a decision is made from: the month's spend (AWS Budgets, and Cost Explorer where
 * configured), the group (with the controller's state tag), its CPU target tracking policy, the
 * instance type of its launch template version, and its utilization from CloudWatch.
 */
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { type BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { type CostExplorerClient, type Expression, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DescribeLaunchTemplateVersionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { type BudgetSnapshot, type UtilizationSample, usageHistoryStart } from '../core/cost';
import { describeError } from '../shared/aws';
import type { OptimizerConfig } from './config';

/** A NextToken loop ends here: a service that keeps returning a token must not spin until the timeout. */
const MAX_PAGES = 50;

/** Data the run cannot do without is missing: change nothing, count an error. */
export class MissingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingDataError';
  }
}

const amount = (x: { Amount?: string } | undefined): number | undefined => {
  if (x?.Amount === undefined) return undefined;
  const n = Number(x.Amount);
  return Number.isFinite(n) ? n : undefined;
};

/** The budget period containing `now` (AWS Budgets periods are UTC calendar periods). */
export function budgetPeriod(timeUnit: string | undefined, now: number): { start: number; end: number } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (timeUnit) {
    case 'DAILY': {
      const s = Date.UTC(y, m, d.getUTCDate());
      return { start: s, end: s + 86_400_000 };
    }
    case 'QUARTERLY': {
      const q = Math.floor(m / 3) * 3;
      return { start: Date.UTC(y, q, 1), end: Date.UTC(y, q + 3, 1) };
    }
    case 'ANNUALLY':
      return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
    default:
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** The longest CUSTOM period taken as it is: the hourly datapoints CloudWatch keeps (AWS's default end, 2087, is no period). */
const MAX_CUSTOM_PERIOD_MS = 455 * 86_400_000;

/**
 * The budget's period containing `now`: a calendar period by its TimeUnit ({@link budgetPeriod});
 * for a CUSTOM budget, its TimePeriod when that contains `now` and is at most 455 days long,
 * otherwise the calendar month as before, with a note saying so.
 */
export function budgetPeriodOf(
  budget: { TimeUnit?: string; TimePeriod?: { Start?: Date; End?: Date } },
  now: number,
): { start: number; end: number; note?: string } {
  if (budget.TimeUnit !== 'CUSTOM') return budgetPeriod(budget.TimeUnit, now);
  const start = budget.TimePeriod?.Start?.getTime();
  const end = budget.TimePeriod?.End?.getTime();
  if (start !== undefined && end !== undefined && start <= now && now < end && end - start <= MAX_CUSTOM_PERIOD_MS) return { start, end };
  const given = start !== undefined && end !== undefined ? `TimePeriod ${isoDay(start)} to ${isoDay(end)}` : 'no TimePeriod';
  return {
    ...budgetPeriod('MONTHLY', now),
    note: `CUSTOM budget with ${given} (not a period of at most 455 days containing now): the period is taken as the calendar month`,
  };
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The month's spend: AWS Budgets' calculated spend, or Cost Explorer's actual cost with the Budgets forecast. */
export async function readSpend(
  cfg: OptimizerConfig,
  now: number,
  budgets: BudgetsClient,
  ce: CostExplorerClient,
): Promise<BudgetSnapshot & { source: string; unreported?: string }> {
  const res = await budgets.send(new DescribeBudgetCommand({ AccountId: cfg.accountId, BudgetName: cfg.budgetName }));
  const b = res.Budget;
  if (!b) throw new MissingDataError(`budget ${cfg.budgetName} was not returned`);
  const limit = amount(b.BudgetLimit) ?? cfg.budgetLimit;
  if (limit === undefined || limit <= 0) throw new MissingDataError(`budget ${cfg.budgetName} has no positive limit and BUDGET_LIMIT is not set`);
  const period = budgetPeriodOf(b, now);
  const forecast = amount(b.CalculatedSpend?.ForecastedSpend);
  let actual = amount(b.CalculatedSpend?.ActualSpend);
  let source = 'budgets';
  if (cfg.spendSource === 'cost-explorer') {
    const filter: Expression | undefined = cfg.costTag
      ? { Tags: { Key: cfg.costTag.key, Values: [cfg.costTag.value], MatchOptions: ['EQUALS'] } }
      : undefined;
    let total = 0;
    let rows = 0;
    let token: string | undefined;
    let pages = 0;
    // Month to date, today included (Cost Explorer's End is exclusive).
    const d = new Date(now);
    const end = Math.min(period.end, Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
    do {
      const r = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: isoDay(period.start), End: isoDay(end) },
          Granularity: 'MONTHLY',
          Metrics: ['UnblendedCost'],
          ...(filter ? { Filter: filter } : {}),
          NextPageToken: token,
        }),
      );
      for (const row of r.ResultsByTime ?? []) {
        const v = amount(row.Total?.UnblendedCost);
        if (v !== undefined) {
          total += v;
          rows++;
        }
      }
      token = r.NextPageToken;
      // A partial month would understate the spend: missing data, not a smaller number.
      if (token && ++pages >= MAX_PAGES)
        throw new MissingDataError(`Cost Explorer still had pages after ${MAX_PAGES}: the month's cost is incomplete`);
    } while (token);
    if (rows === 0) throw new MissingDataError('Cost Explorer returned no cost for the period');
    actual = total;
    source = cfg.costTag ? `cost-explorer (tag ${cfg.costTag.key}=${cfg.costTag.value})` : 'cost-explorer';
  }
  // The run's log line shows the source: a CUSTOM budget read as a calendar month says so there.
  if (period.note) source = `${source}; ${period.note}`;
  if (actual === undefined) throw new MissingDataError(`budget ${cfg.budgetName} has no calculated actual spend`);
  const unreported = unreportedScopedSpend(cfg, actual);
  return {
    limit,
    actualSpend: actual,
    forecastedSpend: forecast,
    periodStart: period.start,
    periodEnd: period.end,
    source,
    ...(unreported ? { unreported } : {}),
  };
}

/**
 * A service-scoped budget that reports no spend at all has not counted the service yet (its cost
 * allocation tag is not active, or was activated less than a day ago), not spent nothing: the
 * reason, or undefined when the spend can be read as it is.
 */
export function unreportedScopedSpend(
  cfg: Pick<OptimizerConfig, 'budgetScope' | 'budgetName' | 'spendSource' | 'costTag'>,
  actual: number,
): string | undefined {
  const scoped = cfg.budgetScope === 'service' || (cfg.spendSource === 'cost-explorer' && cfg.costTag !== undefined);
  if (!scoped || actual > 0) return undefined;
  return `budget ${cfg.budgetName} is scoped to the service but reports no spend yet: its cost allocation tag may not be active (activation takes up to 24 hours, and costs count only from then): spend unknown, the budget levers hold`;
}

export async function readGroup(asg: AutoScalingClient, groupName: string): Promise<AutoScalingGroup> {
  const res = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const g = res.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === groupName);
  if (!g) throw new MissingDataError(`Auto Scaling group ${groupName} not found`);
  if (g.MinSize === undefined || g.MaxSize === undefined || g.DesiredCapacity === undefined)
    throw new MissingDataError(`Auto Scaling group ${groupName} has no MinSize/MaxSize/DesiredCapacity`);
  return g;
}

/** The group's one target tracking policy on average CPU, if it has exactly one. */
export async function readCpuTargetPolicy(asg: AutoScalingClient, groupName: string): Promise<ScalingPolicy | undefined> {
  const found: ScalingPolicy[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await asg.send(
      new DescribePoliciesCommand({ AutoScalingGroupName: groupName, PolicyTypes: ['TargetTrackingScaling'], NextToken: token }),
    );
    for (const p of res.ScalingPolicies ?? []) {
      if (p.TargetTrackingConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType === 'ASGAverageCPUUtilization') found.push(p);
    }
    token = res.NextToken;
    if (token && ++pages >= MAX_PAGES) throw new MissingDataError(`DescribePolicies still had pages after ${MAX_PAGES}`);
  } while (token);
  return found.length === 1 ? found[0] : undefined;
}

/** The launch template the group launches from (not for mixed instances groups). */
export interface GroupTemplate {
  readonly launchTemplateId: string;
  /** As the group names it: '$Default', '$Latest' or a number. */
  readonly groupVersion: string;
  readonly versionNumber: number;
  readonly instanceType?: string;
  /** The version's ImageId (`resolve:ssm:...` when it names an SSM parameter). */
  readonly imageId?: string;
}

export async function readTemplate(ec2: EC2Client, group: AutoScalingGroup): Promise<GroupTemplate | undefined> {
  const spec = group.LaunchTemplate;
  if (!spec || (!spec.LaunchTemplateId && !spec.LaunchTemplateName)) return undefined;
  const version = spec.Version ?? '$Default';
  const res = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      ...(spec.LaunchTemplateId ? { LaunchTemplateId: spec.LaunchTemplateId } : { LaunchTemplateName: spec.LaunchTemplateName }),
      Versions: [version],
    }),
  );
  const v = res.LaunchTemplateVersions?.[0];
  if (!v?.LaunchTemplateId || v.VersionNumber === undefined)
    throw new MissingDataError(`launch template version ${version} of the group was not found`);
  return {
    launchTemplateId: v.LaunchTemplateId,
    groupVersion: version,
    versionNumber: v.VersionNumber,
    instanceType: v.LaunchTemplateData?.InstanceType,
    ...(v.LaunchTemplateData?.ImageId ? { imageId: v.LaunchTemplateData.ImageId } : {}),
  };
}

/** The statuses of an instance refresh that has not ended. */
const RUNNING_REFRESH = ['Pending', 'InProgress', 'Baking', 'Cancelling', 'RollbackInProgress'];

/**
 * The status of the group's latest instance refresh when it is still running, otherwise
 * undefined. When the refreshes cannot be read the answer is "unknown" (with the error), which
 * holds the vertical step like a running refresh: the run's other levers go on.
 */
export async function readRunningRefresh(asg: AutoScalingClient, groupName: string): Promise<string | undefined> {
  return (await readRefreshes(asg, groupName)).running;
}

/**
 * The group's latest instance refresh: `running` as {@link readRunningRefresh} says, and when it
 * ended successfully, its start time (epoch ms): a refresh that a run started and then died
 * before it recorded it (the response lost, or the state write after it) is not started again;
 * when it ended otherwise (`undone`: rolled back, failed, cancelled), its status and start time.
 */
export async function readRefreshes(
  asg: AutoScalingClient,
  groupName: string,
): Promise<{ running?: string; succeededStartedAt?: number; undone?: { readonly status: string; readonly startedAt: number } }> {
  let latest: { Status?: string; StartTime?: Date } | undefined;
  try {
    const res = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName, MaxRecords: 1 }));
    latest = res?.InstanceRefreshes?.[0];
  } catch (e) {
    return { running: `unknown (DescribeInstanceRefreshes failed: ${describeError(e).message})` };
  }
  const status = latest?.Status;
  if (status !== undefined && RUNNING_REFRESH.includes(status)) return { running: status };
  const started = latest?.StartTime?.getTime();
  if (status === undefined || started === undefined || !Number.isFinite(started)) return {};
  if (status === 'Successful') return { succeededStartedAt: started };
  // Ended otherwise (rolled back on an alarm, failed, cancelled): started, and undone.
  return { undone: { status, startedAt: started } };
}

/** The group's CPU utilization and instances in service, one sample per period over the window. */
export async function readUtilization(
  cw: CloudWatchClient,
  groupName: string,
  now: number,
  windowMs: number,
  periodSeconds: number,
): Promise<UtilizationSample[]> {
  const dims = [{ Name: 'AutoScalingGroupName', Value: groupName }];
  const queries: MetricDataQuery[] = [
    {
      Id: 'cpu',
      MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: dims }, Period: periodSeconds, Stat: 'Average' },
      ReturnData: true,
    },
    {
      Id: 'inservice',
      MetricStat: {
        Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: dims },
        Period: periodSeconds,
        Stat: 'Average',
      },
      ReturnData: true,
    },
  ];
  const cpu = new Map<number, number>();
  const inService = new Map<number, number>();
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(now - windowMs),
        EndTime: new Date(now),
        ScanBy: 'TimestampAscending',
        NextToken: token,
      }),
    );
    for (const r of res.MetricDataResults ?? []) {
      const target = r.Id === 'cpu' ? cpu : inService;
      (r.Timestamps ?? []).forEach((ts, i) => {
        const v = r.Values?.[i];
        if (v !== undefined && Number.isFinite(v)) target.set(ts.getTime(), v);
      });
    }
    token = res.NextToken;
    pages++;
    // Pages come oldest first: stopping here would decide on data hours or days old. Missing
    // data, not a shorter window: the run fails and changes nothing.
    if (token && pages >= MAX_PAGES) throw new MissingDataError(`GetMetricData still had pages after ${MAX_PAGES}: the utilization is incomplete`);
  } while (token);
  return [...cpu.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, c]) => ({ t, cpuPercent: c, ...(inService.has(t) ? { instances: inService.get(t)! } : {}) }));
}

/**
 * The highest MinSize among the group's pending one-time scheduled actions (the predictive
 * scaler's floors, or anyone's): a MaxSize below it would make that action fail when due.
 * 0 when there is none.
 */
export async function readPendingFloor(asg: AutoScalingClient, groupName: string, now: number): Promise<number> {
  let floor = 0;
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: groupName, MaxRecords: 100, NextToken: token }));
    for (const a of res.ScheduledUpdateGroupActions ?? []) {
      if (a.Recurrence || a.MinSize === undefined) continue; // the group's own schedules come from the baseline
      const at = a.StartTime?.getTime() ?? a.Time?.getTime();
      if (at !== undefined && at + 60_000 < now) continue; // already run (AWS deletes it)
      floor = Math.max(floor, a.MinSize);
    }
    token = res.NextToken;
    if (token && ++pages >= MAX_PAGES) throw new MissingDataError(`DescribeScheduledActions still had pages after ${MAX_PAGES}`);
  } while (token);
  return floor;
}

/**
 * The group's usage history for the period-end forecast: hourly CPU utilization and instances in
 * service from {@link usageHistoryStart} (the start of the UTC year, or 35 days back when that is
 * earlier): the model uses the last 35 days, the price the instance-hours of the whole period to
 * date, for a quarter or a year as for a month (CloudWatch keeps 1-hour datapoints for 455 days).
 */
export function readUsageHistory(cw: CloudWatchClient, groupName: string, now: number): Promise<UtilizationSample[]> {
  const hour = Math.floor(now / 3_600_000) * 3_600_000;
  return readUtilization(cw, groupName, hour, hour - usageHistoryStart(now), 3600);
}
