/**
 * The cost optimizer's configuration, from the environment the `CostOptimizer` construct sets.
 * A bad value is a ConfigError naming the variable; the run then changes nothing.
 */
import { GroupBaseline, parseGroupBaseline } from '../contract/group-baseline';
import { CostPolicy, WorkingHours, workingHoursProblems } from '../core/cost';
import { ConfigError, enumEnv, jsonEnv, numberEnv, optionalEnv, requiredEnv } from '../shared/config';

export type RunMode = 'apply' | 'dry-run' | 'forecast-only';
export type SpendSource = 'budgets' | 'cost-explorer';

export interface OptimizerConfig {
  readonly groupName: string;
  readonly accountId: string;
  readonly budgetName: string;
  /** Used when the budget has no BudgetLimit (never for a COST budget in practice). */
  readonly budgetLimit?: number;
  readonly spendSource: SpendSource;
  /** Cost allocation tag filter for Cost Explorer. */
  readonly costTag?: { readonly key: string; readonly value: string };
  readonly mode: RunMode;
  /** Launch template the controller may version (vertical); others are never touched. */
  readonly launchTemplateId?: string;
  /** Manage the group's CPU target tracking policy's target (when the policy has a band). */
  readonly manageTargetTracking: boolean;
  readonly utilizationPeriodSeconds: number;
  readonly stateTagKey: string;
  /** Instance refresh MinHealthyPercentage. */
  readonly refreshMinHealthyPercent: number;
  readonly policy: CostPolicy;
  /**
   * The group's configured bounds and its own schedules (GROUP_BASELINE, from the construct): the
   * settings restored. Undefined only for a deployment that predates it (the originals are then
   * the group's settings when the controller first acted, kept in its state tag).
   */
  readonly baseline?: GroupBaseline;
}

const HOUR = 3_600_000;

export const ENV = {
  GROUP: 'AUTO_SCALING_GROUP_NAME',
  ACCOUNT: 'BUDGET_ACCOUNT_ID',
  BUDGET: 'BUDGET_NAME',
  LIMIT: 'BUDGET_LIMIT',
  SPEND_SOURCE: 'SPEND_SOURCE',
  COST_TAG_KEY: 'COST_TAG_KEY',
  COST_TAG_VALUE: 'COST_TAG_VALUE',
  MODE: 'MODE',
  LAUNCH_TEMPLATE_ID: 'LAUNCH_TEMPLATE_ID',
  FLOOR: 'FLOOR_CAPACITY',
  EMERGENCY: 'EMERGENCY_UTILIZATION_PERCENT',
  LOOKBACK_HOURS: 'LOAD_LOOKBACK_HOURS',
  TIGHTEN_ABOVE: 'TIGHTEN_ABOVE_PERCENT',
  RESTORE_BELOW: 'RESTORE_BELOW_PERCENT',
  CAP_STEP: 'CAP_STEP_PERCENT',
  STEP_INTERVAL_HOURS: 'BUDGET_STEP_INTERVAL_HOURS',
  TARGET_MAX: 'TARGET_UTILIZATION_MAX_PERCENT',
  TARGET_STEP: 'TARGET_UTILIZATION_STEP_PERCENT',
  SPOT_MIN_ON_DEMAND: 'SPOT_MIN_ON_DEMAND_PERCENT',
  SPOT_STEP: 'SPOT_STEP_PERCENT',
  WORKING_HOURS: 'WORKING_HOURS',
  RESTORE_LEAD_MINUTES: 'RESTORE_LEAD_MINUTES',
  VERTICAL: 'VERTICAL_SCALING',
  PERIOD: 'UTILIZATION_PERIOD_SECONDS',
  STATE_TAG: 'STATE_TAG_KEY',
  REFRESH_MIN_HEALTHY: 'REFRESH_MIN_HEALTHY_PERCENT',
} as const;

/** The JSON of VERTICAL_SCALING. */
export interface VerticalEnv {
  readonly instanceTypes: string[];
  readonly lowerUtilizationPercent: number;
  readonly upperUtilizationPercent: number;
  readonly evaluationWindowHours: number;
  readonly minIntervalHours: number;
}

function verticalFromEnv(env: Record<string, string | undefined>): CostPolicy['vertical'] {
  const v = jsonEnv<VerticalEnv | undefined>(env, ENV.VERTICAL, undefined);
  if (v === undefined) return undefined;
  const bad = (what: string) => new ConfigError(`environment variable ${ENV.VERTICAL}: ${what}`);
  if (!Array.isArray(v.instanceTypes) || v.instanceTypes.length < 2 || v.instanceTypes.some((t) => typeof t !== 'string')) throw bad('instanceTypes must list at least 2 instance types');
  const num = (x: unknown, name: string, lo: number, hi: number) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) throw bad(`${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(x)}`);
    return x;
  };
  const lower = num(v.lowerUtilizationPercent, 'lowerUtilizationPercent', 0, 100);
  const upper = num(v.upperUtilizationPercent, 'upperUtilizationPercent', 0, 100);
  if (lower >= upper) throw bad(`lowerUtilizationPercent (${lower}) must be < upperUtilizationPercent (${upper})`);
  return {
    ladder: v.instanceTypes,
    lowerPercent: lower,
    upperPercent: upper,
    windowMs: num(v.evaluationWindowHours, 'evaluationWindowHours', 1, 24 * 14) * HOUR,
    minIntervalMs: num(v.minIntervalHours, 'minIntervalHours', 0, 24 * 366) * HOUR,
  };
}

function workingHoursFromEnv(env: Record<string, string | undefined>): WorkingHours | undefined {
  const wh = jsonEnv<WorkingHours | undefined>(env, ENV.WORKING_HOURS, undefined);
  if (wh === undefined) return undefined;
  if (typeof wh !== 'object' || wh === null || !Array.isArray(wh.days)) throw new ConfigError(`environment variable ${ENV.WORKING_HOURS} must be an object with days, startMinute and endMinute`);
  const problems = workingHoursProblems(wh);
  if (problems.length > 0) throw new ConfigError(`environment variable ${ENV.WORKING_HOURS}: ${problems.join('; ')}`);
  return wh;
}

export function loadConfig(env: Record<string, string | undefined>): OptimizerConfig {
  const tightenAbove = numberEnv(env, ENV.TIGHTEN_ABOVE, { default: 100, min: 1, max: 1000 });
  const restoreBelow = numberEnv(env, ENV.RESTORE_BELOW, { default: 95, min: 0, max: 1000 });
  if (restoreBelow >= tightenAbove) throw new ConfigError(`${ENV.RESTORE_BELOW} (${restoreBelow}) must be < ${ENV.TIGHTEN_ABOVE} (${tightenAbove})`);
  const targetMax = env[ENV.TARGET_MAX] ? numberEnv(env, ENV.TARGET_MAX, { min: 1, max: 100 }) : undefined;
  const spotMin = env[ENV.SPOT_MIN_ON_DEMAND] ? numberEnv(env, ENV.SPOT_MIN_ON_DEMAND, { min: 0, max: 100 }) : undefined;
  const workingHours = workingHoursFromEnv(env);
  const tagKey = env[ENV.COST_TAG_KEY]?.trim();
  const limitRaw = env[ENV.LIMIT];
  const policy: CostPolicy = {
    floorCapacity: numberEnv(env, ENV.FLOOR, { default: 1, min: 0, max: 10_000 }),
    emergencyUtilizationPercent: numberEnv(env, ENV.EMERGENCY, { default: 90, min: 1, max: 100 }),
    loadLookbackMs: numberEnv(env, ENV.LOOKBACK_HOURS, { default: 168, min: 1, max: 24 * 14 }) * HOUR,
    tightenAbovePercent: tightenAbove,
    restoreBelowPercent: restoreBelow,
    capStepPercent: numberEnv(env, ENV.CAP_STEP, { default: 10, min: 1, max: 100 }),
    budgetStepIntervalMs: numberEnv(env, ENV.STEP_INTERVAL_HOURS, { default: 12, min: 0, max: 24 * 31 }) * HOUR,
    ...(targetMax !== undefined ? { targetUtilization: { maxPercent: targetMax, stepPercent: numberEnv(env, ENV.TARGET_STEP, { default: 5, min: 1, max: 100 }) } } : {}),
    ...(spotMin !== undefined ? { spot: { minOnDemandPercent: spotMin, stepPercent: numberEnv(env, ENV.SPOT_STEP, { default: 25, min: 1, max: 100 }) } } : {}),
    ...(workingHours ? { offHours: { workingHours, restoreLeadMs: numberEnv(env, ENV.RESTORE_LEAD_MINUTES, { default: 60, min: 0, max: 24 * 60 }) * 60_000 } } : {}),
    vertical: verticalFromEnv(env),
  };
  return {
    groupName: requiredEnv(env, ENV.GROUP),
    accountId: requiredEnv(env, ENV.ACCOUNT),
    budgetName: requiredEnv(env, ENV.BUDGET),
    ...(limitRaw && limitRaw.trim() !== '' ? { budgetLimit: numberEnv(env, ENV.LIMIT, { min: 0 }) } : {}),
    spendSource: enumEnv(env, ENV.SPEND_SOURCE, ['budgets', 'cost-explorer'] as const, 'budgets'),
    ...(tagKey ? { costTag: { key: tagKey, value: requiredEnv(env, ENV.COST_TAG_VALUE) } } : {}),
    mode: enumEnv(env, ENV.MODE, ['apply', 'dry-run', 'forecast-only'] as const, 'apply'),
    launchTemplateId: env[ENV.LAUNCH_TEMPLATE_ID]?.trim() || undefined,
    manageTargetTracking: targetMax !== undefined,
    utilizationPeriodSeconds: numberEnv(env, ENV.PERIOD, { default: 300, min: 60, max: 86_400 }),
    stateTagKey: optionalEnv(env, ENV.STATE_TAG, 'cost-optimizer:state'),
    refreshMinHealthyPercent: numberEnv(env, ENV.REFRESH_MIN_HEALTHY, { default: 90, min: 0, max: 100 }),
    policy,
    ...(env.GROUP_BASELINE !== undefined ? { baseline: parseGroupBaseline(env.GROUP_BASELINE) } : {}),
  };
}

