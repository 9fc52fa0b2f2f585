import type { PlannerOptions } from '../plan-capacity';
import { quantile } from '../forecast/robust-stats';
import { simulateGroup, type SimulationResult } from './simulate-group';

/** What `runBacktest` needs besides the series. */
export interface BacktestConfig {
  /**
   * Load one instance serves per step at 100% utilization.
   * @default the 99th-percentile load / (10 x targetUtilization): the busy minutes need 10 instances
   */
  readonly capacityPerInstance?: number;
  /** @default 0.7 */
  readonly targetUtilization?: number;
  /** @default 300 */
  readonly launchLeadSeconds?: number;
  /** @default 1 */
  readonly minCapacity?: number;
  /** @default what twice the highest load needs at the target utilization */
  readonly maxCapacity?: number;
  /** Seconds between two plans (the predictive scaler's schedule). @default 300 */
  readonly planIntervalSeconds?: number;
  /** @default 1209600 (14 days, what CloudWatch keeps at one-minute resolution) */
  readonly historySeconds?: number;
  /**
   * Steps at the start that only feed the planner's history and are not scored.
   * @default 7 days, or half of a shorter series
   */
  readonly warmupSteps?: number;
  readonly plannerOptions?: PlannerOptions;
}

/** One policy's totals over the scored steps. */
export interface PolicySummary {
  readonly policy: string;
  readonly instanceHours: number;
  /** Share of the scored load above the serving capacity, in percent. */
  readonly unservedPercent: number;
  /** Share of the scored steps with unserved load, in percent. */
  readonly overloadedPercent: number;
  readonly launches: number;
  readonly planErrors?: number;
  readonly msPerPlan?: number;
}

/** Both simulations and their summaries. */
export interface BacktestResult {
  readonly capacityPerInstance: number;
  readonly targetUtilization: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scoreFrom: number;
  readonly planned: SimulationResult;
  readonly reactive: SimulationResult;
  readonly summary: readonly PolicySummary[];
}

const DAY_S = 86_400;

/**
 * Replays a metric through the product's simulated group twice, with target tracking alone and
 * with the predictive plan beside it, and summarizes both over the scored steps.
 */
export function runBacktest(values: Float64Array, start: number, stepSeconds: number, config: BacktestConfig = {}): BacktestResult {
  const target = config.targetUtilization ?? 0.7;
  if (!(target > 0 && target <= 1)) throw new RangeError(`targetUtilization must be in (0, 1] (got ${target})`);
  const p99 = quantile(values, 0.99);
  let peak = 0;
  for (const v of values) if (Number.isFinite(v) && v > peak) peak = v;
  if (!(peak > 0)) throw new RangeError('the metric has no positive value to plan for');
  const capacityPerInstance = config.capacityPerInstance ?? (p99 > 0 ? p99 : peak) / (10 * target);
  if (!(capacityPerInstance > 0)) throw new RangeError(`capacityPerInstance must be positive (got ${capacityPerInstance})`);
  const minCapacity = config.minCapacity ?? 1;
  const maxCapacity = config.maxCapacity ?? Math.max(minCapacity, Math.ceil((2 * peak) / (capacityPerInstance * target)));
  if (maxCapacity < minCapacity) throw new RangeError(`maxCapacity (${maxCapacity}) must be >= minCapacity (${minCapacity})`);
  const stepsPerDay = Math.round(DAY_S / stepSeconds);
  const scoreFrom = config.warmupSteps ?? Math.min(7 * stepsPerDay, Math.floor(values.length / 2));
  const group = { capacityPerInstance, targetUtilization: target, minCapacity, maxCapacity, launchLeadSeconds: config.launchLeadSeconds ?? 300 };
  const interval = config.planIntervalSeconds ?? 300;
  const horizonSeconds = Math.max(2 * interval, 1800);
  // The planner is stateless: plans made long before the scored window change nothing in it.
  // Planning starts a whole number of intervals (covering twice the horizon, at least 2 hours)
  // before it, so the group enters the window as a continuously planned group would.
  const intervalSteps = Math.max(1, Math.round(interval / stepSeconds));
  const leadSteps = Math.ceil(Math.max(2 * horizonSeconds, 7200) / interval) * intervalSteps;
  const planned = simulateGroup(
    values,
    start,
    stepSeconds,
    group,
    {
      intervalSeconds: interval,
      historySeconds: config.historySeconds ?? 14 * DAY_S,
      horizonSeconds,
      options: config.plannerOptions,
      warmupSteps: Math.max(Math.ceil(3600 / stepSeconds), scoreFrom - leadSteps),
    },
    scoreFrom,
  );
  const reactive = simulateGroup(values, start, stepSeconds, group, undefined, scoreFrom);
  const hours = stepSeconds / 3600;
  const summarize = (policy: string, r: SimulationResult, withPlanner: boolean): PolicySummary => ({
    policy,
    instanceHours: r.instanceSteps * hours,
    unservedPercent: r.totalLoad > 0 ? (100 * r.unservedLoad) / r.totalLoad : 0,
    overloadedPercent: (100 * r.overloadSteps) / Math.max(1, values.length - scoreFrom),
    launches: r.launches,
    ...(withPlanner ? { planErrors: r.planErrors, msPerPlan: r.plans ? r.planMs / r.plans : 0 } : {}),
  });
  return {
    capacityPerInstance,
    targetUtilization: target,
    minCapacity,
    maxCapacity,
    scoreFrom,
    planned,
    reactive,
    summary: [summarize('predictive planner + target tracking', planned, true), summarize('target tracking alone', reactive, false)],
  };
}
