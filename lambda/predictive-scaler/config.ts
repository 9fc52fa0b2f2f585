/**
 * The predictive scaler's configuration, parsed through the settings contract
 * (`lambda/contract/predictive-scaler.ts`) that the `PredictiveScaler` construct renders with: a
 * value the construct accepts is a value this accepts. A missing or invalid value is a
 * `ConfigError` naming the variable, the prop it came from and the value.
 */
import type { GroupBaseline } from '../contract/group-baseline';
import {
  DEFAULT_ACTION_PREFIX,
  LoadMetricSpec,
  MAX_HISTORY_SECONDS,
  PREDICTIVE_SCALER_ENV,
  SCALING_MODES,
  ScalingMode,
  parsePredictiveScalerEnv,
} from '../contract/predictive-scaler';

/** The environment variables the handler reads (set by the `PredictiveScaler` construct). */
export const ENV = PREDICTIVE_SCALER_ENV;
export { DEFAULT_ACTION_PREFIX, LoadMetricSpec, MAX_HISTORY_SECONDS, SCALING_MODES, ScalingMode };

/** Everything a run needs to know, parsed and validated. */
export interface ScalerConfig {
  readonly groupName: string;
  readonly metric: LoadMetricSpec;
  readonly capacityPerInstance: number;
  readonly targetUtilization: number;
  readonly mode: ScalingMode;
  readonly dryRun: boolean;
  readonly historySeconds: number;
  readonly minHistorySeconds: number;
  readonly launchLeadSeconds: number;
  readonly horizonSeconds: number;
  readonly intervalSeconds: number;
  readonly actionPrefix: string;
  readonly maxActions: number;
  /** The share of the load that may exceed capacity at 100% utilization (planner's unservedBudget: percent / 100). */
  readonly unservedBudget: number;
  /** The tag the cost optimizer keeps its state in on this group (its budget cap and off-hours hold). */
  readonly costStateTagKey: string;
  /**
   * The group's configured MinSize, MaxSize, instance type and own scheduled actions, handed down
   * by the construct (absent only in an environment written before GROUP_BASELINE).
   */
  readonly baseline?: GroupBaseline;
}

type Env = Record<string, string | undefined>;

/** Parses and validates the configuration; throws `ConfigError` naming the variable on a bad value. */
export function loadConfig(env: Env = process.env): ScalerConfig {
  const s = parsePredictiveScalerEnv(env);
  return {
    groupName: s.groupName,
    metric: s.metric,
    capacityPerInstance: s.capacityPerInstance,
    targetUtilization: s.targetUtilization,
    mode: s.mode,
    dryRun: s.dryRun,
    historySeconds: s.historySeconds,
    minHistorySeconds: s.minHistorySeconds,
    launchLeadSeconds: s.launchLeadSeconds,
    horizonSeconds: s.horizonSeconds,
    intervalSeconds: s.intervalSeconds,
    actionPrefix: s.actionPrefix,
    maxActions: s.maxActions,
    unservedBudget: s.unservedBudgetPercent / 100,
    costStateTagKey: s.costStateTagKey,
    ...(s.baseline ? { baseline: s.baseline } : {}),
  };
}
