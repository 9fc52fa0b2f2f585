/**
 * The predictive scaler's configuration, read from the environment variables the
 * `PredictiveScaler` construct sets. Every variable is listed in {@link ENV}; a missing or invalid
 * value is a `ConfigError` naming the variable and the value.
 */
import { GroupBaseline, parseGroupBaseline } from '../contract/group-baseline';
import { booleanEnv, ConfigError, enumEnv, jsonEnv, numberEnv, optionalEnv, requiredEnv } from '../shared/config';

/** The environment variables the handler reads (set by the `PredictiveScaler` construct). */
export const ENV = {
  /** Name of the Auto Scaling group to plan for. Required. */
  GROUP_NAME: 'AUTO_SCALING_GROUP_NAME',
  /** Namespace of the load metric. Required. */
  METRIC_NAMESPACE: 'LOAD_METRIC_NAMESPACE',
  /** Name of the load metric. Required. */
  METRIC_NAME: 'LOAD_METRIC_NAME',
  /** Dimensions of the load metric as a JSON object `{"Name": "Value"}`. Default `{}`. */
  METRIC_DIMENSIONS: 'LOAD_METRIC_DIMENSIONS',
  /** Statistic of the load metric (`Sum`, `Average`, `p99`...). Default `Sum`. */
  METRIC_STATISTIC: 'LOAD_METRIC_STATISTIC',
  /** Load one instance serves per minute at 100% utilization. Required, > 0. */
  CAPACITY_PER_INSTANCE: 'CAPACITY_PER_INSTANCE',
  /** Utilization the group is run at, in (0, 1]. Default 0.7. */
  TARGET_UTILIZATION: 'TARGET_UTILIZATION',
  /** `forecast-only` (publish, do not act) or `forecast-and-scale`. Default `forecast-only`. */
  MODE: 'SCALING_MODE',
  /** `true`: log the actions a forecast-and-scale run would take, change nothing. Default `false`. */
  DRY_RUN: 'DRY_RUN',
  /** Seconds of history read, at most 14 days. Default 1,209,600 (14 days). */
  HISTORY_SECONDS: 'HISTORY_SECONDS',
  /** Seconds of history needed before the scaler plans. Default 86,400 (1 day). */
  MIN_HISTORY_SECONDS: 'MIN_HISTORY_SECONDS',
  /** Seconds from launch until an instance serves. Default 300. */
  LAUNCH_LEAD_SECONDS: 'LAUNCH_LEAD_SECONDS',
  /** How far past now each plan reaches, in seconds. Default 7,200 (2 hours). */
  HORIZON_SECONDS: 'HORIZON_SECONDS',
  /** Seconds between two runs (forecast points published per run). Default 300. */
  INTERVAL_SECONDS: 'SCHEDULE_INTERVAL_SECONDS',
  /**
   * The group's configured MinSize, restored when a plan's raised floor ends. Default: the live
   * MinSize, bounded by the release floor of the scaler's own pending actions (so a floor it raised
   * itself is never taken as the base).
   */
  BASE_MIN_CAPACITY: 'BASE_MIN_CAPACITY',
  /** Name prefix of the scheduled actions this scaler owns. Default `predictive-scaler-`. */
  ACTION_PREFIX: 'SCHEDULED_ACTION_PREFIX',
  /** Most scheduled actions the scaler keeps on the group (AWS allows 125 per group). Default 40. */
  MAX_ACTIONS: 'MAX_SCHEDULED_ACTIONS',
  /** CloudWatch namespace of the scaler's own metrics (Powertools standard variable). */
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export type ScalingMode = 'forecast-only' | 'forecast-and-scale';
export const SCALING_MODES: readonly ScalingMode[] = ['forecast-only', 'forecast-and-scale'];

export const MAX_HISTORY_SECONDS = 14 * 24 * 3600;
/** Default scheduled action name prefix. */
export const DEFAULT_ACTION_PREFIX = 'predictive-scaler-';

/** The load metric the scaler forecasts. */
export interface LoadMetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: string;
}

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
  /** Undefined: the live MinSize is taken as the configured one. */
  readonly baseMinCapacity?: number;
  readonly actionPrefix: string;
  readonly maxActions: number;
  /**
   * The group's configured bounds and its own schedules (GROUP_BASELINE, from the construct).
   * Undefined only for a deployment that predates it: the configured MinSize is then
   * BASE_MIN_CAPACITY and the live MaxSize is the configured one.
   */
  readonly baseline?: GroupBaseline;
}

type Env = Record<string, string | undefined>;

function integerEnv(env: Env, name: string, opts: { default?: number; min?: number; max?: number }): number {
  const v = numberEnv(env, name, opts);
  if (!Number.isInteger(v)) throw new ConfigError(`environment variable ${name} must be an integer, got ${v}`);
  return v;
}

/** Parses and validates the configuration; throws `ConfigError` naming the variable on a bad value. */
export function loadConfig(env: Env = process.env): ScalerConfig {
  const dimensions = jsonEnv<unknown>(env, ENV.METRIC_DIMENSIONS, {});
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions)
    || Object.values(dimensions).some((v) => typeof v !== 'string')) {
    throw new ConfigError(`environment variable ${ENV.METRIC_DIMENSIONS} must be a JSON object of strings, got '${env[ENV.METRIC_DIMENSIONS]}'`);
  }
  const historySeconds = integerEnv(env, ENV.HISTORY_SECONDS, { default: MAX_HISTORY_SECONDS, min: 3600, max: MAX_HISTORY_SECONDS });
  const minHistorySeconds = integerEnv(env, ENV.MIN_HISTORY_SECONDS, { default: Math.min(86_400, historySeconds), min: 0, max: historySeconds });
  const baseMinRaw = env[ENV.BASE_MIN_CAPACITY];
  const actionPrefix = optionalEnv(env, ENV.ACTION_PREFIX, DEFAULT_ACTION_PREFIX);
  if (!/^[\w.:-]{1,200}$/.test(actionPrefix)) {
    throw new ConfigError(`environment variable ${ENV.ACTION_PREFIX} must be 1-200 letters, digits, '_', '.', ':' or '-', got '${actionPrefix}'`);
  }
  return {
    groupName: requiredEnv(env, ENV.GROUP_NAME),
    metric: {
      namespace: requiredEnv(env, ENV.METRIC_NAMESPACE),
      metricName: requiredEnv(env, ENV.METRIC_NAME),
      dimensions: dimensions as Record<string, string>,
      statistic: optionalEnv(env, ENV.METRIC_STATISTIC, 'Sum'),
    },
    capacityPerInstance: positive(env, ENV.CAPACITY_PER_INSTANCE),
    targetUtilization: (() => {
      const t = numberEnv(env, ENV.TARGET_UTILIZATION, { default: 0.7, max: 1 });
      if (t <= 0) throw new ConfigError(`environment variable ${ENV.TARGET_UTILIZATION} must be > 0, got ${t}`);
      return t;
    })(),
    mode: enumEnv(env, ENV.MODE, SCALING_MODES, 'forecast-only'),
    dryRun: booleanEnv(env, ENV.DRY_RUN, false),
    historySeconds,
    minHistorySeconds,
    launchLeadSeconds: integerEnv(env, ENV.LAUNCH_LEAD_SECONDS, { default: 300, min: 0, max: 3600 }),
    horizonSeconds: integerEnv(env, ENV.HORIZON_SECONDS, { default: 7200, min: 600, max: 48 * 3600 }),
    intervalSeconds: integerEnv(env, ENV.INTERVAL_SECONDS, { default: 300, min: 60, max: 24 * 3600 }),
    baseMinCapacity: baseMinRaw === undefined || baseMinRaw.trim() === ''
      ? undefined : integerEnv(env, ENV.BASE_MIN_CAPACITY, { min: 0 }),
    actionPrefix,
    maxActions: integerEnv(env, ENV.MAX_ACTIONS, { default: 40, min: 2, max: 120 }),
    ...(env.GROUP_BASELINE !== undefined ? { baseline: parseGroupBaseline(env.GROUP_BASELINE) } : {}),
  };
}

function positive(env: Env, name: string): number {
  const v = numberEnv(env, name, { min: 0 });
  if (v <= 0) throw new ConfigError(`environment variable ${name} must be > 0, got ${v}`);
  return v;
}
