/**
 * The optimizer's logs and metrics through Powertools for AWS Lambda: one structured log line per
 * run (inputs summarized, plan, actions with reasons, what was applied or skipped and why), and
 * EMF metrics in the construct's namespace (default `CdkScalingArchitecture/CostOptimizer`) with the
 * single dimension `AutoScalingGroupName`
 * (the `CostOptimizer` construct's dashboard widgets use the same names: keep {@link COST_METRIC}
 * in step with `lib/resource-management/cost-optimizer.ts`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_COST_METRICS_NAMESPACE } from '../contract/cost-optimizer';

export const COST_METRIC = {
  EXPECTED_MONTH_END_COST: 'ExpectedMonthEndCost',
  BUDGET_LIMIT: 'BudgetLimit',
  ACTUAL_SPEND: 'ActualSpend',
  FORECAST_PERCENT_OF_LIMIT: 'ForecastPercentOfLimit',
  PEAK_CAPACITY_NEEDED: 'PeakCapacityNeeded',
  MINIMUM_CAP_FOR_LOAD: 'MinimumCapForLoad',
  CAPACITY_CAP: 'CapacityCap',
  ACTIONS_DECIDED: 'ActionsDecided',
  ACTIONS_APPLIED: 'ActionsApplied',
  MISSING_DATA: 'MissingData',
  RUN_ERRORS: 'RunErrors',
  /**
   * How far (percent of the limit) the spend plan expects the month to end over the budget with
   * the capacity the load needs (availability-first), or even at the floor (hard); 0 when it fits.
   */
  FORECAST_OVERRUN_PERCENT: 'ForecastOverrunPercent',
  /** 1 for a run decided without utilization data, 0 otherwise; published without dimensions. */
  SKIPPED_RUNS: 'SkippedRuns',
  /** 1 while an operator holds the group (the pause tag, or bounds no controller wrote): the run acted on nothing. */
  OPERATOR_HOLD: 'OperatorHold',
} as const;

/** The namespace when the environment names none (the construct always renders it): the contract's default. */
export const COST_METRICS_NAMESPACE = DEFAULT_COST_METRICS_NAMESPACE;
export const DIMENSION_GROUP = 'AutoScalingGroupName';
const SERVICE = 'cost-optimizer';

export function createLogger(): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE });
}

export function createMetrics(): Metrics {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || COST_METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE,
  });
  metrics.clearDefaultDimensions();
  return metrics;
}

const UNITS: Record<string, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  [COST_METRIC.FORECAST_PERCENT_OF_LIMIT]: MetricUnit.Percent,
  [COST_METRIC.FORECAST_OVERRUN_PERCENT]: MetricUnit.Percent,
  [COST_METRIC.EXPECTED_MONTH_END_COST]: MetricUnit.NoUnit,
  [COST_METRIC.BUDGET_LIMIT]: MetricUnit.NoUnit,
  [COST_METRIC.ACTUAL_SPEND]: MetricUnit.NoUnit,
};

/** Publishes one run's values (undefined values are left out). */
export function publishRunMetrics(metrics: Metrics, groupName: string, values: Record<string, number | undefined>): void {
  metrics.addDimension(DIMENSION_GROUP, groupName);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || !Number.isFinite(value)) continue;
    metrics.addMetric(name, UNITS[name] ?? MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
}

/**
 * Publishes `SkippedRuns` (0 or 1) without dimensions: one metric per namespace that the
 * construct's alarm watches, so that runs skipped N times in a row alarm.
 */
export function publishSkippedRun(metrics: Metrics, skipped: boolean): void {
  // An empty dimension set: EMF "Dimensions": [[]], the metric without dimensions.
  metrics.addDimensions({});
  metrics.addMetric(COST_METRIC.SKIPPED_RUNS, MetricUnit.Count, skipped ? 1 : 0);
  metrics.publishStoredMetrics();
}
