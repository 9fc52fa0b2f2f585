/**
 * The scaler's logs and metrics through Powertools for AWS Lambda: one structured log line per
 * decision, and CloudWatch metrics as EMF in the scaler's own namespace with the single dimension
 * `AutoScalingGroupName` (the dashboard and alarms of the `PredictiveScaler` construct use the
 * same names: keep {@link METRIC} in step with `lib/auto-scaling/predictive-scaler.ts`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_PREDICTIVE_METRICS_NAMESPACE } from '../contract/predictive-scaler';

/** The scaler's metric names. */
export const METRIC = {
  /** Forecast load for a minute, published with that minute's timestamp. */
  FORECAST_LOAD: 'ForecastLoad',
  /** Capacity the plan asks for a minute (MinSize floor or desired), with that minute's timestamp. */
  PLANNED_CAPACITY: 'PlannedCapacity',
  /** 1 for a run that failed or could not plan, 0 otherwise. */
  RUN_ERRORS: 'RunErrors',
  /**
   * 1 for a run skipped for missing or unusable data (no history, too short, all gaps, negative
   * values), 0 otherwise; published without dimensions (see {@link publishSkippedRun}).
   */
  SKIPPED_RUNS: 'SkippedRuns',
  /** Immediate SetDesiredCapacity raises. */
  SCALE_OUTS: 'ImmediateScaleOuts',
  /** Scheduled actions put and removed. */
  ACTIONS_PUT: 'ScheduledActionsPut',
  ACTIONS_REMOVED: 'ScheduledActionsRemoved',
  /**
   * Percent of the last day's load above what the group's instances in service carried at 100%
   * utilization (GroupInServiceInstances x capacityPerInstance): the budget as kept, not as planned.
   */
  REALIZED_UNSERVED_PERCENT: 'RealizedUnservedPercent',
  /** Minutes of history with a datapoint. */
  HISTORY_DATAPOINTS: 'HistoryDatapoints',
  /** One per run, by decision. */
  DECISION_APPLIED: 'DecisionApplied',
  DECISION_FORECAST_ONLY: 'DecisionForecastOnly',
  DECISION_DRY_RUN: 'DecisionDryRun',
  DECISION_SKIPPED: 'DecisionSkipped',
  DECISION_FAILED: 'DecisionFailed',
  DECISION_HELD: 'DecisionHeld',
  /** 1 while an operator holds the group (the pause tag, or bounds no controller wrote): the run changed nothing but withdrawing its own actions. */
  OPERATOR_HOLD: 'OperatorHold',
} as const;

export const DIMENSION_GROUP = 'AutoScalingGroupName';
/** The namespace when the environment names none (the construct always renders it): the contract's default. */
export const DEFAULT_NAMESPACE = DEFAULT_PREDICTIVE_METRICS_NAMESPACE;
const SERVICE = 'predictive-scaler';

/** CloudWatch accepts EMF timestamps from 14 days ago to 2 hours ahead. */
const EMF_PAST_MS = 14 * 86_400_000 - 60_000;
const EMF_FUTURE_MS = 2 * 3_600_000 - 60_000;

export function createLogger(): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE });
}

export function createMetrics(): Metrics {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE,
  });
  // Only the group as dimension: the construct's dashboard and alarms address the metrics by it.
  metrics.clearDefaultDimensions();
  return metrics;
}

/** Publishes one run's counters (timestamp: the wall clock). */
export function publishCounters(metrics: Metrics, groupName: string, counters: Record<string, number>): void {
  metrics.addDimension(DIMENSION_GROUP, groupName);
  for (const [name, value] of Object.entries(counters)) metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}

/**
 * Publishes `SkippedRuns` (0 or 1) without dimensions: one metric per namespace that the
 * construct's alarm watches, so that a run skipped N times in a row alarms whatever the group.
 */
export function publishSkippedRun(metrics: Metrics, skipped: boolean): void {
  // An empty dimension set: EMF "Dimensions": [[]], the metric without dimensions.
  metrics.addDimensions({});
  metrics.addMetric(METRIC.SKIPPED_RUNS, MetricUnit.Count, skipped ? 1 : 0);
  metrics.publishStoredMetrics();
}

/** One minute of the plan, for the dashboard. */
export interface PlanPoint {
  readonly at: number;
  readonly forecastLoad?: number;
  readonly plannedCapacity: number;
}

/**
 * Publishes each point with its own timestamp. Points CloudWatch would reject (more than 14 days
 * old or 2 hours ahead of the wall clock, as in a replay on a simulated clock) are skipped.
 */
export function publishPlanPoints(
  metrics: Metrics,
  groupName: string,
  points: readonly PlanPoint[],
  wallNow: number,
): { published: number; skipped: number } {
  let published = 0;
  for (const p of points) {
    if (p.at < wallNow - EMF_PAST_MS || p.at > wallNow + EMF_FUTURE_MS) continue;
    metrics.addDimension(DIMENSION_GROUP, groupName);
    if (p.forecastLoad !== undefined && Number.isFinite(p.forecastLoad)) metrics.addMetric(METRIC.FORECAST_LOAD, MetricUnit.Count, p.forecastLoad);
    metrics.addMetric(METRIC.PLANNED_CAPACITY, MetricUnit.Count, p.plannedCapacity);
    metrics.setTimestamp(p.at);
    metrics.publishStoredMetrics();
    published++;
  }
  return { published, skipped: points.length - published };
}
