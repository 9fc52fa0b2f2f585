/**
 * The predictive scaler's settings contract: every environment variable the `PredictiveScaler`
 * construct renders and the handler parses, with its prop, unit, bounds and default, and the
 * cross-setting rules. The construct validates and renders with {@link predictiveScalerProblems}
 * and {@link encodePredictiveScalerEnv}; the handler parses with {@link parsePredictiveScalerEnv}.
 * Dependency-free.
 */
import { DEFAULT_STATE_TAG_KEY, isStateTagKey } from './cost-optimizer';
import { GROUP_BASELINE_ENV, type GroupBaseline, GroupBaselineError, encodeGroupBaseline, parseGroupBaseline } from './group-baseline';
import {
  ConfigError,
  type Env,
  type IsUnresolved,
  type NumberSetting,
  type SettingProblem,
  envError,
  enumProblem,
  formatSeconds,
  numberProblem,
  problem,
  readBoolean,
  readEnum,
  readJson,
  readNumber,
  readString,
  readStringOr,
  renderNumber,
} from './settings';

/** The environment variables of the predictive scaler handler. */
export const PREDICTIVE_SCALER_ENV = {
  GROUP_NAME: 'AUTO_SCALING_GROUP_NAME',
  METRIC_NAMESPACE: 'LOAD_METRIC_NAMESPACE',
  METRIC_NAME: 'LOAD_METRIC_NAME',
  /** JSON object `{"Name": "Value"}`. */
  METRIC_DIMENSIONS: 'LOAD_METRIC_DIMENSIONS',
  METRIC_STATISTIC: 'LOAD_METRIC_STATISTIC',
  CAPACITY_PER_INSTANCE: 'CAPACITY_PER_INSTANCE',
  TARGET_UTILIZATION_PERCENT: 'TARGET_UTILIZATION_PERCENT',
  MODE: 'SCALING_MODE',
  DRY_RUN: 'DRY_RUN',
  HISTORY_SECONDS: 'HISTORY_SECONDS',
  MIN_HISTORY_SECONDS: 'MIN_HISTORY_SECONDS',
  LAUNCH_LEAD_SECONDS: 'LAUNCH_LEAD_SECONDS',
  HORIZON_SECONDS: 'HORIZON_SECONDS',
  INTERVAL_SECONDS: 'SCHEDULE_INTERVAL_SECONDS',
  ACTION_PREFIX: 'SCHEDULED_ACTION_PREFIX',
  MAX_ACTIONS: 'MAX_SCHEDULED_ACTIONS',
  UNSERVED_BUDGET_PERCENT: 'UNSERVED_BUDGET_PERCENT',
  /**
   * The tag the cost optimizer keeps its state in (budget cap, off-hours hold) on the same group:
   * the scaler plans under those caps. The cost optimizer's `stateTagKey`.
   */
  COST_STATE_TAG_KEY: 'COST_STATE_TAG_KEY',
  /** The group's configured baseline (JSON, see group-baseline.ts). */
  BASELINE: GROUP_BASELINE_ENV,
  /** CloudWatch namespace of the scaler's own metrics (Powertools standard variable). */
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
} as const;

const E = PREDICTIVE_SCALER_ENV;

/** `forecast-only` (publish, do not act) or `forecast-and-scale`. */
export type ScalingMode = 'forecast-only' | 'forecast-and-scale';
export const SCALING_MODES: readonly ScalingMode[] = ['forecast-only', 'forecast-and-scale'];

/** CloudWatch keeps one-minute datapoints for 15 days; the scaler reads at most 14. */
export const MAX_HISTORY_SECONDS = 14 * 86_400;
export const DEFAULT_ACTION_PREFIX = 'predictive-scaler-';
/** One scheme for both scalers: `CdkScalingArchitecture/<construct>` (see DEFAULT_COST_METRICS_NAMESPACE). */
export const DEFAULT_PREDICTIVE_METRICS_NAMESPACE = 'CdkScalingArchitecture/PredictiveScaler';
export const PREDICTIVE_SERVICE_NAME = 'predictive-scaler';

/**
 * Default share of the load, in percent, that may exceed the planned capacity at 100%
 * utilization (the planner's unserved budget, `PlannerOptions.unservedBudget` = percent / 100;
 * the same value as the core's `DEFAULT_PLANNER_UNSERVED_BUDGET`, checked by a test). Chosen from
 * the measured frontier of unserved load against instance-hours on the benchmark traces: the
 * largest budget whose achieved unserved share met the 0.02% mean bar; see
 * docs/predictive-scaler.md for the frontier and its limits.
 */
export const DEFAULT_UNSERVED_BUDGET_PERCENT = 0.03;

/** `RealizedUnservedPercent` is the realized unserved share of this many minutes of load (a rolling day). */
export const REALIZED_UNSERVED_WINDOW_MINUTES = 1440;

/**
 * The construct's alarm on `RealizedUnservedPercent` for a scaler run every `intervalSeconds`: the
 * metric's minimum per period above the budget for `periods` periods in a row, a window one period
 * longer than the metric's. A period is an hour, or twice the interval when runs are further apart
 * (so that no period goes without a datapoint: an empty period is not breaching), at most a day. CloudWatch
 * evaluates the alarm every minute over a sliding window, so with a window no longer than the
 * metric's (24 hours), every single burst of misses, which keeps the rolling day above the budget
 * for a day, alarmed for a few minutes; with one period more, misses that keep it there longer
 * than that (misses that recur within a day, or last longer than a period) do, a single short
 * burst does not.
 */
export function realizedUnservedAlarmWindow(intervalSeconds: number): { readonly periodSeconds: number; readonly periods: number } {
  const periodSeconds = Math.min(86_400, Math.max(3600, 60 * Math.ceil((2 * intervalSeconds) / 60)));
  return { periodSeconds, periods: Math.floor((REALIZED_UNSERVED_WINDOW_MINUTES * 60) / periodSeconds) + 1 };
}

/** Numeric settings, with bounds, in the unit the handler uses (seconds for durations). */
export const PREDICTIVE_SCALER_SETTINGS = {
  capacityPerInstance: { env: E.CAPACITY_PER_INSTANCE, prop: 'capacityPerInstance', unit: 'load', min: 0, max: Infinity, lowOpen: true },
  targetUtilizationPercent: { env: E.TARGET_UTILIZATION_PERCENT, prop: 'targetUtilizationPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  historySeconds: { env: E.HISTORY_SECONDS, prop: 'historyDuration', unit: 'seconds', min: 3600, max: MAX_HISTORY_SECONDS, integer: true },
  minHistorySeconds: { env: E.MIN_HISTORY_SECONDS, prop: 'minimumHistory', unit: 'seconds', min: 0, max: MAX_HISTORY_SECONDS, integer: true },
  launchLeadSeconds: { env: E.LAUNCH_LEAD_SECONDS, prop: 'launchLeadTime', unit: 'seconds', min: 0, max: 3600, integer: true },
  horizonSeconds: { env: E.HORIZON_SECONDS, prop: 'horizon', unit: 'seconds', min: 600, max: 48 * 3600, integer: true },
  intervalSeconds: { env: E.INTERVAL_SECONDS, prop: 'schedule', unit: 'seconds', min: 60, max: 86_400, integer: true, multipleOf: 60 },
  maxActions: { env: E.MAX_ACTIONS, prop: 'maxScheduledActions', unit: 'count', min: 2, max: 120, integer: true },
  unservedBudgetPercent: { env: E.UNSERVED_BUDGET_PERCENT, prop: 'unservedBudgetPercent', unit: 'percent', min: 0, max: 50 },
} as const satisfies Record<string, NumberSetting>;

export const PREDICTIVE_SCALER_DEFAULTS = {
  statistic: 'Sum',
  targetUtilizationPercent: 70,
  mode: 'forecast-only' as ScalingMode,
  dryRun: false,
  historySeconds: MAX_HISTORY_SECONDS,
  /** Or historySeconds when shorter. */
  minHistorySeconds: 86_400,
  /** Without GROUP knowledge (the handler's fallback): a launch plus an assumed warmup. */
  launchLeadSeconds: 300,
  /**
   * The construct's default lead is a launch (this long from launch to InService: the instance
   * boots, launch lifecycle hooks excluded) plus the group's default instance warmup; with a warm
   * pool, the warmup alone.
   */
  launchToInServiceSeconds: 120,
  /** The warmup assumed for a group without a literal DefaultInstanceWarmup. */
  assumedWarmupSeconds: 180,
  horizonSeconds: 7200,
  intervalSeconds: 300,
  actionPrefix: DEFAULT_ACTION_PREFIX,
  maxActions: 40,
  unservedBudgetPercent: DEFAULT_UNSERVED_BUDGET_PERCENT,
  metricsNamespace: DEFAULT_PREDICTIVE_METRICS_NAMESPACE,
  /** The cost optimizer's default state tag key. */
  costStateTagKey: DEFAULT_STATE_TAG_KEY,
} as const;

/** The load metric the scaler forecasts. */
export interface LoadMetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
}

/** Every setting of the predictive scaler, in the handler's units. */
export interface PredictiveScalerSettings {
  readonly groupName: string;
  readonly metric: LoadMetricSpec;
  readonly capacityPerInstance: number;
  /** The utilization the plan runs the group at, in percent (the planner's ratio is this / 100). */
  readonly targetUtilizationPercent: number;
  readonly mode: ScalingMode;
  readonly dryRun: boolean;
  readonly historySeconds: number;
  readonly minHistorySeconds: number;
  readonly launchLeadSeconds: number;
  readonly horizonSeconds: number;
  readonly intervalSeconds: number;
  readonly actionPrefix: string;
  readonly maxActions: number;
  /** Percent of the load that may exceed capacity at 100% utilization. */
  readonly unservedBudgetPercent: number;
  readonly metricsNamespace: string;
  /** The cost optimizer's state tag key on the group (read, never written, by the scaler). */
  readonly costStateTagKey: string;
  /** The group's configured MinSize, MaxSize, instance type and own schedules (always rendered by the construct). */
  readonly baseline?: GroupBaseline;
}

const ACTION_PREFIX = /^[\w.:-]{1,200}$/;
const METRICS_NAMESPACE = /^[\w .\-/#:]{1,255}$/;

/**
 * Every problem of the settings (empty when valid). The construct calls it with
 * `Token.isUnresolved` so that deploy-time values are skipped; the handler with literal values.
 */
export function predictiveScalerProblems(s: PredictiveScalerSettings, isUnresolved: IsUnresolved = () => false): SettingProblem[] {
  const out: SettingProblem[] = [];
  const S = PREDICTIVE_SCALER_SETTINGS;
  const check = (r: NumberSetting, v: number) => {
    if (isUnresolved(v)) return;
    const p = numberProblem(r, v);
    if (p) out.push(p);
  };
  const modeProblem = enumProblem('mode', E.MODE, s.mode, SCALING_MODES, isUnresolved);
  if (modeProblem) out.push(modeProblem);
  check(S.capacityPerInstance, s.capacityPerInstance);
  check(S.targetUtilizationPercent, s.targetUtilizationPercent);
  check(S.historySeconds, s.historySeconds);
  check(S.minHistorySeconds, s.minHistorySeconds);
  if (!out.some((p) => p.prop === S.minHistorySeconds.prop || p.prop === S.historySeconds.prop) && s.minHistorySeconds > s.historySeconds) {
    out.push(
      problem(
        S.minHistorySeconds.prop,
        S.minHistorySeconds.env,
        `must be at most historyDuration (${formatSeconds(s.historySeconds)}), got ${formatSeconds(s.minHistorySeconds)}`,
      ),
    );
  }
  check(S.launchLeadSeconds, s.launchLeadSeconds);
  check(S.horizonSeconds, s.horizonSeconds);
  const intervalProblem = numberProblem(S.intervalSeconds, s.intervalSeconds);
  if (intervalProblem) {
    out.push({
      ...intervalProblem,
      message: `must run at least once a day, at most once a minute, in whole minutes: its interval ${intervalProblem.message}`,
    });
  } else if (!out.some((p) => p.prop === S.horizonSeconds.prop) && s.horizonSeconds < 2 * s.intervalSeconds) {
    out.push(
      problem(
        S.horizonSeconds.prop,
        S.horizonSeconds.env,
        `(${formatSeconds(s.horizonSeconds)}) must be at least two schedule intervals (2 x ${formatSeconds(s.intervalSeconds)}), so that one missed run leaves no gap in the plan`,
      ),
    );
  }
  check(S.maxActions, s.maxActions);
  check(S.unservedBudgetPercent, s.unservedBudgetPercent);
  if (!isUnresolved(s.actionPrefix) && !ACTION_PREFIX.test(s.actionPrefix)) {
    out.push(problem('scheduledActionPrefix', E.ACTION_PREFIX, `must be 1-200 letters, digits, '_', '.', ':' or '-', got '${s.actionPrefix}'`));
  }
  if (!isUnresolved(s.metricsNamespace) && (/^AWS\//.test(s.metricsNamespace) || !METRICS_NAMESPACE.test(s.metricsNamespace))) {
    out.push(
      problem(
        'metricsNamespace',
        E.METRICS_NAMESPACE,
        `must be 1-255 characters of letters, digits, ' ', '.', '-', '_', '/', '#', ':' and not start with 'AWS/', got '${s.metricsNamespace}'`,
      ),
    );
  }
  if (!isUnresolved(s.costStateTagKey) && !isStateTagKey(s.costStateTagKey)) {
    out.push(
      problem(
        'costOptimizerStateTagKey',
        E.COST_STATE_TAG_KEY,
        `must be a tag key of 1-128 characters, not starting with 'aws:', got '${s.costStateTagKey}'`,
      ),
    );
  }
  const m = s.metric;
  if (!isUnresolved(m.namespace) && m.namespace.trim() === '') out.push(problem('loadMetric', E.METRIC_NAMESPACE, 'namespace must not be empty'));
  if (!isUnresolved(m.metricName) && m.metricName.trim() === '') out.push(problem('loadMetric', E.METRIC_NAME, 'metricName must not be empty'));
  if (!isUnresolved(m.statistic) && m.statistic.trim() === '') out.push(problem('loadMetric', E.METRIC_STATISTIC, 'statistic must not be empty'));
  if (s.baseline && s.baseline.minSize > s.baseline.maxSize) {
    out.push(problem('minCapacity', E.BASELINE, `(${s.baseline.minSize}) must be <= maxCapacity (${s.baseline.maxSize})`));
  }
  return out;
}

/** Renders the settings as the handler's environment (no checks: call the problems first). */
export function encodePredictiveScalerEnv(s: PredictiveScalerSettings, renderJson: (v: unknown) => string = JSON.stringify): Record<string, string> {
  return {
    [E.GROUP_NAME]: s.groupName,
    [E.METRIC_NAMESPACE]: s.metric.namespace,
    [E.METRIC_NAME]: s.metric.metricName,
    [E.METRIC_DIMENSIONS]: renderJson(s.metric.dimensions),
    [E.METRIC_STATISTIC]: s.metric.statistic,
    [E.CAPACITY_PER_INSTANCE]: renderNumber(s.capacityPerInstance),
    [E.TARGET_UTILIZATION_PERCENT]: renderNumber(s.targetUtilizationPercent),
    [E.MODE]: s.mode,
    [E.DRY_RUN]: String(s.dryRun),
    [E.HISTORY_SECONDS]: renderNumber(s.historySeconds),
    [E.MIN_HISTORY_SECONDS]: renderNumber(s.minHistorySeconds),
    [E.LAUNCH_LEAD_SECONDS]: renderNumber(s.launchLeadSeconds),
    [E.HORIZON_SECONDS]: renderNumber(s.horizonSeconds),
    [E.INTERVAL_SECONDS]: renderNumber(s.intervalSeconds),
    [E.ACTION_PREFIX]: s.actionPrefix,
    [E.MAX_ACTIONS]: renderNumber(s.maxActions),
    [E.UNSERVED_BUDGET_PERCENT]: renderNumber(s.unservedBudgetPercent),
    [E.COST_STATE_TAG_KEY]: s.costStateTagKey,
    ...(s.baseline ? { [E.BASELINE]: encodeGroupBaseline(s.baseline) } : {}),
    [E.METRICS_NAMESPACE]: s.metricsNamespace,
    [E.SERVICE_NAME]: PREDICTIVE_SERVICE_NAME,
  };
}

/** Reads the settings from the environment (syntax and defaults; bounds are the problems' job). */
export function decodePredictiveScalerEnv(env: Env): PredictiveScalerSettings {
  const D = PREDICTIVE_SCALER_DEFAULTS;
  const dimensions = readJson<unknown>(env, E.METRIC_DIMENSIONS, {});
  if (
    typeof dimensions !== 'object' ||
    dimensions === null ||
    Array.isArray(dimensions) ||
    Object.values(dimensions).some((v) => typeof v !== 'string')
  ) {
    throw new ConfigError(`environment variable ${E.METRIC_DIMENSIONS} must be a JSON object of strings, got '${env[E.METRIC_DIMENSIONS]}'`);
  }
  const historySeconds = readNumber(env, E.HISTORY_SECONDS, D.historySeconds);
  // Optional for an environment written before GROUP_BASELINE (the handler then falls back); the
  // constructs always render it.
  let baseline: GroupBaseline | undefined;
  try {
    baseline = env[E.BASELINE] === undefined ? undefined : parseGroupBaseline(env[E.BASELINE]);
  } catch (e) {
    if (e instanceof GroupBaselineError) throw new ConfigError(e.message);
    throw e;
  }
  return {
    groupName: readString(env, E.GROUP_NAME).trim(),
    metric: {
      namespace: readString(env, E.METRIC_NAMESPACE),
      metricName: readString(env, E.METRIC_NAME),
      dimensions: dimensions as Record<string, string>,
      statistic: readStringOr(env, E.METRIC_STATISTIC, D.statistic),
    },
    capacityPerInstance: readNumber(env, E.CAPACITY_PER_INSTANCE),
    targetUtilizationPercent: readNumber(env, E.TARGET_UTILIZATION_PERCENT, D.targetUtilizationPercent),
    mode: readEnum(env, E.MODE, SCALING_MODES, D.mode),
    dryRun: readBoolean(env, E.DRY_RUN, D.dryRun),
    historySeconds,
    minHistorySeconds: readNumber(env, E.MIN_HISTORY_SECONDS, Math.min(D.minHistorySeconds, historySeconds)),
    launchLeadSeconds: readNumber(env, E.LAUNCH_LEAD_SECONDS, D.launchLeadSeconds),
    horizonSeconds: readNumber(env, E.HORIZON_SECONDS, D.horizonSeconds),
    intervalSeconds: readNumber(env, E.INTERVAL_SECONDS, D.intervalSeconds),
    actionPrefix: readStringOr(env, E.ACTION_PREFIX, D.actionPrefix),
    maxActions: readNumber(env, E.MAX_ACTIONS, D.maxActions),
    unservedBudgetPercent: readNumber(env, E.UNSERVED_BUDGET_PERCENT, D.unservedBudgetPercent),
    metricsNamespace: readStringOr(env, E.METRICS_NAMESPACE, D.metricsNamespace),
    costStateTagKey: readStringOr(env, E.COST_STATE_TAG_KEY, D.costStateTagKey),
    baseline,
  };
}

/** Reads and checks the settings; throws a ConfigError naming the variable and the prop. */
export function parsePredictiveScalerEnv(env: Env): PredictiveScalerSettings {
  const s = decodePredictiveScalerEnv(env);
  const err = envError(predictiveScalerProblems(s));
  if (err) throw err;
  return s;
}
