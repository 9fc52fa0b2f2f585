/**
 * The predictive scaler's configuration, parsed through the settings contract
 * (`lambda/contract/predictive-scaler.ts`) that the `PredictiveScaler` construct renders with: a
 * value the construct accepts is a value this accepts. A missing or invalid value is a
 * `ConfigError` naming the variable, the prop it came from and the value.
 */
import {
  DEFAULT_ACTION_PREFIX,
  LoadMetricSpec,
  MAX_HISTORY_SECONDS,
  PREDICTIVE_SCALER_ENV,
  SCALING_MODES,
  ScalingMode,
  parsePredictiveScalerEnv,
  type PredictiveScalerSettings,
} from '../contract/predictive-scaler';

/** The environment variables the handler reads (set by the `PredictiveScaler` construct). */
export const ENV = PREDICTIVE_SCALER_ENV;
export { DEFAULT_ACTION_PREFIX, LoadMetricSpec, MAX_HISTORY_SECONDS, SCALING_MODES, ScalingMode };

/**
 * Everything a run needs to know, parsed and validated: the contract's settings, with the risk
 * budget and the target utilization as the planner's fractions (`unservedBudget` =
 * `unservedBudgetPercent` / 100, `targetUtilization` = `targetUtilizationPercent` / 100).
 */
export interface ScalerConfig extends Omit<PredictiveScalerSettings, 'unservedBudgetPercent' | 'targetUtilizationPercent' | 'metricsNamespace'> {
  /** The share of the load that may exceed capacity at 100% utilization (the planner's unservedBudget). */
  readonly unservedBudget: number;
  /** The utilization the plan runs the group at, in (0, 1] (the planner's targetUtilization). */
  readonly targetUtilization: number;
}

type Env = Record<string, string | undefined>;

/** Parses and validates the configuration; throws `ConfigError` naming the variable on a bad value. */
export function loadConfig(env: Env = process.env): ScalerConfig {
  const s = parsePredictiveScalerEnv(env);
  // The metrics namespace is Powertools' own variable (POWERTOOLS_METRICS_NAMESPACE), not a run setting.
  const { unservedBudgetPercent, targetUtilizationPercent, metricsNamespace, ...rest } = s;
  return { ...rest, unservedBudget: unservedBudgetPercent / 100, targetUtilization: targetUtilizationPercent / 100 };
}
