/**
 * The cost optimizer's settings contract: every environment variable the `CostOptimizer`
 * construct renders and the handler parses, with its prop, unit, bounds and default, and the
 * cross-setting rules. The construct validates and renders with {@link costOptimizerProblems} and
 * {@link encodeCostOptimizerEnv}; the handler parses with {@link parseCostOptimizerEnv}.
 * Dependency-free.
 */
import { budgetNameProblem, costTagProblems } from './rules';
import { GROUP_BASELINE_ENV, type GroupBaseline, GroupBaselineError, encodeGroupBaseline, parseGroupBaseline } from './group-baseline';
import {
  ConfigError,
  type Env,
  type IsUnresolved,
  type NumberSetting,
  type SettingProblem,
  envError,
  enumProblem,
  numberProblem,
  problem,
  readEnum,
  readJson,
  readNumber,
  readOptionalNumber,
  readOptionalString,
  readString,
  readStringOr,
  renderNumber,
  roundSeconds,
} from './settings';

/** The environment variables of the cost optimizer handler. */
export const COST_OPTIMIZER_ENV = {
  GROUP: 'AUTO_SCALING_GROUP_NAME',
  ACCOUNT: 'BUDGET_ACCOUNT_ID',
  BUDGET: 'BUDGET_NAME',
  LIMIT: 'BUDGET_LIMIT',
  SPEND_SOURCE: 'SPEND_SOURCE',
  /** `service` (the budget counts only the service's tagged cost) or `account` (everyone's). */
  BUDGET_SCOPE: 'BUDGET_SCOPE',
  COST_TAG_KEY: 'COST_TAG_KEY',
  COST_TAG_VALUE: 'COST_TAG_VALUE',
  MODE: 'MODE',
  BUDGET_MODE: 'BUDGET_MODE',
  LAUNCH_TEMPLATE_ID: 'LAUNCH_TEMPLATE_ID',
  FLOOR: 'FLOOR_CAPACITY',
  EMERGENCY: 'EMERGENCY_UTILIZATION_PERCENT',
  LOOKBACK_HOURS: 'LOAD_LOOKBACK_HOURS',
  TIGHTEN_ABOVE: 'TIGHTEN_ABOVE_PERCENT',
  RESTORE_BELOW: 'RESTORE_BELOW_PERCENT',
  CAP_STEP: 'CAP_STEP_PERCENT',
  STEP_INTERVAL_HOURS: 'BUDGET_STEP_INTERVAL_HOURS',
  MIN_CHANGE: 'MIN_CHANGE_PERCENT',
  MAX_CHANGES_PER_DAY: 'MAX_CHANGES_PER_DAY',
  TARGET_MAX: 'TARGET_UTILIZATION_MAX_PERCENT',
  TARGET_STEP: 'TARGET_UTILIZATION_STEP_PERCENT',
  SPOT_MIN_ON_DEMAND: 'SPOT_MIN_ON_DEMAND_PERCENT',
  SPOT_STEP: 'SPOT_STEP_PERCENT',
  /** JSON `{days, startMinute, endMinute, timeZone}`. */
  WORKING_HOURS: 'WORKING_HOURS',
  RESTORE_LEAD_MINUTES: 'RESTORE_LEAD_MINUTES',
  /** JSON, see {@link VerticalEnv}. */
  VERTICAL: 'VERTICAL_SCALING',
  PERIOD: 'UTILIZATION_PERIOD_SECONDS',
  STATE_TAG: 'STATE_TAG_KEY',
  REFRESH_MIN_HEALTHY: 'REFRESH_MIN_HEALTHY_PERCENT',
  /** JSON array of CloudWatch alarm names: the vertical step's instance refresh stops (and rolls back) when one goes to ALARM. */
  REFRESH_ALARMS: 'REFRESH_ALARM_NAMES',
  BASELINE: GROUP_BASELINE_ENV,
  METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
} as const;

const E = COST_OPTIMIZER_ENV;

export type RunMode = 'apply' | 'dry-run' | 'forecast-only';
export const RUN_MODES: readonly RunMode[] = ['apply', 'dry-run', 'forecast-only'];
export type SpendSourceName = 'budgets' | 'cost-explorer';
export const SPEND_SOURCES: readonly SpendSourceName[] = ['budgets', 'cost-explorer'];
/**
 * `hard`: the budget cap holds even when the load needs more (down to the emergency floor);
 * `availability-first`: the load's needs win over the budget cap.
 */
export type BudgetModeName = 'hard' | 'availability-first';
/**
 * Whose spend the budget counts: `service`, the cost of what carries the service's cost allocation
 * tag (spend the optimizer controls); `account`, everyone's in the account (other teams' spend
 * too, which the optimizer would answer by capping this group: only when the user says so).
 */
export type BudgetScopeName = 'service' | 'account';
export const BUDGET_SCOPES: readonly BudgetScopeName[] = ['service', 'account'];
export const BUDGET_MODES: readonly BudgetModeName[] = ['hard', 'availability-first'];

/** One scheme for both scalers: `CdkScalingArchitecture/<construct>` (see DEFAULT_PREDICTIVE_METRICS_NAMESPACE). */
export const DEFAULT_COST_METRICS_NAMESPACE = 'CdkScalingArchitecture/CostOptimizer';
export const COST_SERVICE_NAME = 'cost-optimizer';
export const DEFAULT_STATE_TAG_KEY = 'cost-optimizer:state';

/**
 * Whether `key` can be the cost optimizer's state tag key: an Auto Scaling tag key of 1-128
 * characters without surrounding spaces, not starting with 'aws:' (reserved). The predictive
 * scaler reads the same key (its `costOptimizerStateTagKey`).
 */
function isStringList(x: unknown): x is readonly string[] {
  return Array.isArray(x) && x.every((t) => typeof t === 'string');
}

export function isStateTagKey(key: string): boolean {
  return key.trim() === key && /^.{1,128}$/.test(key) && !key.startsWith('aws:');
}

/** Numeric settings, with bounds, in the unit the handler uses (seconds for durations). */
export const COST_OPTIMIZER_SETTINGS = {
  budgetLimit: { env: E.LIMIT, prop: 'budget.limit', unit: 'USD', min: 0, max: Infinity, lowOpen: true },
  floorCapacity: { env: E.FLOOR, prop: 'floorCapacity', unit: 'count', min: 0, max: 10_000, integer: true },
  emergencyUtilizationPercent: { env: E.EMERGENCY, prop: 'emergencyUtilizationPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  loadLookbackSeconds: { env: E.LOOKBACK_HOURS, prop: 'loadLookback', unit: 'seconds', min: 3600, max: 14 * 86_400 },
  tightenAbovePercent: { env: E.TIGHTEN_ABOVE, prop: 'tightenAbovePercent', unit: 'percent', min: 0, max: 1000, lowOpen: true },
  restoreBelowPercent: { env: E.RESTORE_BELOW, prop: 'restoreBelowPercent', unit: 'percent', min: 0, max: 1000 },
  capStepPercent: { env: E.CAP_STEP, prop: 'capStepPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  budgetStepIntervalSeconds: { env: E.STEP_INTERVAL_HOURS, prop: 'budgetStepInterval', unit: 'seconds', min: 0, max: 31 * 86_400 },
  minChangePercent: { env: E.MIN_CHANGE, prop: 'minChangePercent', unit: 'percent', min: 0, max: 50 },
  maxChangesPerDay: { env: E.MAX_CHANGES_PER_DAY, prop: 'maxChangesPerDay', unit: 'count', min: 1, max: 24, integer: true },
  targetMaxPercent: { env: E.TARGET_MAX, prop: 'targetUtilizationBand.maxPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  targetStepPercent: { env: E.TARGET_STEP, prop: 'targetUtilizationBand.stepPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  // OnDemandPercentageAboveBaseCapacity is an integer in Auto Scaling.
  spotMinOnDemandPercent: { env: E.SPOT_MIN_ON_DEMAND, prop: 'spot.minOnDemandPercent', unit: 'percent', min: 0, max: 100, integer: true },
  spotStepPercent: { env: E.SPOT_STEP, prop: 'spot.stepPercent', unit: 'percent', min: 1, max: 100, integer: true },
  restoreLeadSeconds: { env: E.RESTORE_LEAD_MINUTES, prop: 'workingHours.restoreLead', unit: 'seconds', min: 0, max: 86_400 },
  verticalLowerPercent: { env: E.VERTICAL, prop: 'vertical.lowerUtilizationPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  verticalUpperPercent: { env: E.VERTICAL, prop: 'vertical.upperUtilizationPercent', unit: 'percent', min: 0, max: 100, lowOpen: true },
  verticalWindowSeconds: { env: E.VERTICAL, prop: 'vertical.evaluationWindow', unit: 'seconds', min: 3600, max: 14 * 86_400 },
  verticalMinIntervalSeconds: { env: E.VERTICAL, prop: 'vertical.minInterval', unit: 'seconds', min: 0, max: 366 * 86_400, lowOpen: true },
  // GetMetricData periods of one minute and more are multiples of 60 seconds.
  utilizationPeriodSeconds: { env: E.PERIOD, prop: 'utilizationPeriod', unit: 'seconds', min: 60, max: 86_400, integer: true, multipleOf: 60 },
  // Auto Scaling's MinHealthyPercentage is an integer.
  refreshMinHealthyPercent: { env: E.REFRESH_MIN_HEALTHY, prop: 'refreshMinHealthyPercent', unit: 'percent', min: 0, max: 100, integer: true },
} as const satisfies Record<string, NumberSetting>;

/** AlarmSpecification takes at most 10 alarms. */
export const MAX_REFRESH_ALARMS = 10;

export const COST_OPTIMIZER_DEFAULTS = {
  spendSource: 'budgets' as SpendSourceName,
  mode: 'apply' as RunMode,
  budgetMode: 'hard' as BudgetModeName,
  floorCapacity: 1,
  emergencyUtilizationPercent: 90,
  loadLookbackSeconds: 7 * 86_400,
  tightenAbovePercent: 100,
  restoreBelowPercent: 95,
  capStepPercent: 10,
  budgetStepIntervalSeconds: 12 * 3600,
  minChangePercent: 4,
  maxChangesPerDay: 6,
  budgetScope: 'service' as BudgetScopeName,
  targetStepPercent: 5,
  spotStepPercent: 25,
  restoreLeadSeconds: 3600,
  utilizationPeriodSeconds: 300,
  refreshMinHealthyPercent: 90,
  stateTagKey: DEFAULT_STATE_TAG_KEY,
  metricsNamespace: DEFAULT_COST_METRICS_NAMESPACE,
  /** Monday to Friday. */
  workingDays: [1, 2, 3, 4, 5] as readonly number[],
  timeZone: 'UTC',
} as const;

/** Working hours: days 0 (Sunday) to 6, minutes of the local day. */
export interface WorkingHoursSettings {
  readonly days: readonly number[];
  readonly startMinute: number;
  readonly endMinute: number;
  readonly timeZone: string;
}

/** The JSON of VERTICAL_SCALING (durations in hours, as the variable always carried them). */
export interface VerticalEnv {
  readonly instanceTypes: string[];
  readonly lowerUtilizationPercent: number;
  readonly upperUtilizationPercent: number;
  readonly evaluationWindowHours: number;
  readonly minIntervalHours: number;
}

export interface VerticalSettings {
  /** Smallest first. */
  readonly instanceTypes: readonly string[];
  readonly lowerUtilizationPercent: number;
  readonly upperUtilizationPercent: number;
  readonly evaluationWindowSeconds: number;
  readonly minIntervalSeconds: number;
}

/** Every setting of the cost optimizer, in the handler's units. */
export interface CostOptimizerSettings {
  readonly groupName: string;
  readonly accountId: string;
  readonly budgetName: string;
  readonly budgetLimit?: number;
  readonly spendSource: SpendSourceName;
  /** Whose spend the budget counts (see {@link BudgetScopeName}). */
  readonly budgetScope: BudgetScopeName;
  readonly costTag?: { readonly key: string; readonly value: string };
  readonly mode: RunMode;
  readonly budgetMode: BudgetModeName;
  readonly launchTemplateId?: string;
  readonly floorCapacity: number;
  readonly emergencyUtilizationPercent: number;
  readonly loadLookbackSeconds: number;
  readonly tightenAbovePercent: number;
  readonly restoreBelowPercent: number;
  readonly capStepPercent: number;
  readonly budgetStepIntervalSeconds: number;
  readonly minChangePercent: number;
  readonly maxChangesPerDay: number;
  readonly targetUtilization?: { readonly maxPercent: number; readonly stepPercent: number };
  readonly spot?: { readonly minOnDemandPercent: number; readonly stepPercent: number };
  readonly workingHours?: WorkingHoursSettings;
  /** Only with workingHours. */
  readonly restoreLeadSeconds: number;
  readonly vertical?: VerticalSettings;
  readonly utilizationPeriodSeconds: number;
  readonly stateTagKey: string;
  readonly refreshMinHealthyPercent: number;
  /** The alarms of the vertical step's instance refresh (AlarmSpecification), at most {@link MAX_REFRESH_ALARMS}. */
  readonly refreshAlarmNames?: readonly string[];
  readonly metricsNamespace: string;
  /** Always rendered by the construct; absent only in an environment written before it. */
  readonly baseline?: GroupBaseline;
}

/** The size of an instance type within its family, for ordering a ladder (undefined: unknown). */
export function instanceSizeRank(instanceType: string): number | undefined {
  const size = instanceType.split('.')[1];
  if (size === undefined) return undefined;
  const named: Record<string, number> = { nano: 1, micro: 2, small: 3, medium: 4, large: 5, xlarge: 6 };
  if (named[size] !== undefined) return named[size];
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return 6 + Math.log2(Number(m[1]));
  if (size === 'metal' || size.startsWith('metal-')) return 100;
  return undefined;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const METRICS_NAMESPACE = /^[\w .\-/#:]{1,255}$/;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every problem of the settings (empty when valid). The construct calls it with
 * `Token.isUnresolved` so that deploy-time values are skipped; the handler with literal values.
 */
export function costOptimizerProblems(s: CostOptimizerSettings, isUnresolved: IsUnresolved = () => false): SettingProblem[] {
  const out: SettingProblem[] = [];
  const S = COST_OPTIMIZER_SETTINGS;
  const check = (r: NumberSetting, v: number | undefined) => {
    if (v === undefined || isUnresolved(v)) return;
    const p = numberProblem(r, v);
    if (p) out.push(p);
  };
  const nameProblem = budgetNameProblem('budget.budgetName', E.BUDGET, s.budgetName, isUnresolved);
  if (nameProblem) out.push(nameProblem);
  check(S.budgetLimit, s.budgetLimit);
  for (const p of [
    enumProblem('mode', E.MODE, s.mode, RUN_MODES, isUnresolved),
    enumProblem('budgetMode', E.BUDGET_MODE, s.budgetMode, BUDGET_MODES, isUnresolved),
    enumProblem('spendSource', E.SPEND_SOURCE, s.spendSource, SPEND_SOURCES, isUnresolved),
  ])
    if (p) out.push(p);
  if (s.costTag) {
    const { key } = s.costTag;
    out.push(
      ...costTagProblems(
        s.costTag,
        { keyProp: 'costAllocationTag.key', valueProp: 'costAllocationTag.value', keyEnv: E.COST_TAG_KEY, valueEnv: E.COST_TAG_VALUE },
        isUnresolved,
      ),
    );
    if (s.spendSource !== 'cost-explorer') {
      out.push(
        problem(
          'costAllocationTag',
          E.COST_TAG_KEY,
          `(${key}) applies only with spendSource COST_EXPLORER, got ${s.spendSource}: AWS Budgets' spend is filtered by the budget's own costAllocationTag`,
        ),
      );
    }
  }
  check(S.floorCapacity, s.floorCapacity);
  if (s.baseline && !isUnresolved(s.floorCapacity) && Number.isInteger(s.floorCapacity) && s.floorCapacity > s.baseline.maxSize) {
    out.push(problem('floorCapacity', E.FLOOR, `(${s.floorCapacity}) must be <= the group's maxCapacity (${s.baseline.maxSize})`));
  }
  check(S.emergencyUtilizationPercent, s.emergencyUtilizationPercent);
  check(S.loadLookbackSeconds, s.loadLookbackSeconds);
  check(S.tightenAbovePercent, s.tightenAbovePercent);
  check(S.restoreBelowPercent, s.restoreBelowPercent);
  if (!isUnresolved(s.tightenAbovePercent) && !isUnresolved(s.restoreBelowPercent) && s.restoreBelowPercent >= s.tightenAbovePercent) {
    out.push(
      problem(
        'restoreBelowPercent',
        E.RESTORE_BELOW,
        `(${s.restoreBelowPercent}) must be < tightenAbovePercent (${s.tightenAbovePercent}): the gap between them is the hysteresis band`,
      ),
    );
  }
  check(S.capStepPercent, s.capStepPercent);
  check(S.budgetStepIntervalSeconds, s.budgetStepIntervalSeconds);
  check(S.minChangePercent, s.minChangePercent);
  check(S.maxChangesPerDay, s.maxChangesPerDay);
  if (s.targetUtilization) {
    check(S.targetMaxPercent, s.targetUtilization.maxPercent);
    check(S.targetStepPercent, s.targetUtilization.stepPercent);
  }
  if (s.spot) {
    check(S.spotMinOnDemandPercent, s.spot.minOnDemandPercent);
    check(S.spotStepPercent, s.spot.stepPercent);
  }
  if (s.workingHours) {
    const wh = s.workingHours;
    if (!Array.isArray(wh.days) || wh.days.length === 0) {
      out.push(problem('workingHours.days', E.WORKING_HOURS, 'must name at least one day'));
    } else {
      const bad = wh.days.filter((d) => !Number.isInteger(d) || d < 0 || d > 6);
      if (bad.length > 0)
        out.push(problem('workingHours.days', E.WORKING_HOURS, `must be WeekDay values 0 (Sunday) to 6 (Saturday), got [${wh.days.join(', ')}]`));
    }
    const minuteOk = (m: number) => Number.isInteger(m) && m >= 0 && m <= 1440;
    if (!minuteOk(wh.startMinute) || wh.startMinute === 1440)
      out.push(problem('workingHours.startTime', E.WORKING_HOURS, `must be a time of day 'HH:MM', got minute ${wh.startMinute}`));
    else if (!minuteOk(wh.endMinute))
      out.push(problem('workingHours.endTime', E.WORKING_HOURS, `must be a time of day 'HH:MM' or '24:00', got minute ${wh.endMinute}`));
    else if (wh.endMinute <= wh.startMinute)
      out.push(
        problem('workingHours.endTime', E.WORKING_HOURS, `(${hhmm(wh.endMinute)}) must be after workingHours.startTime (${hhmm(wh.startMinute)})`),
      );
    if (typeof wh.timeZone !== 'string' || !validTimeZone(wh.timeZone)) {
      out.push(problem('workingHours.timeZone', E.WORKING_HOURS, `must be an IANA time zone such as 'Europe/Berlin', got '${wh.timeZone}'`));
    }
    check(S.restoreLeadSeconds, s.restoreLeadSeconds);
  }
  if (s.vertical) out.push(...verticalProblems(s.vertical, isUnresolved));
  check(S.utilizationPeriodSeconds, s.utilizationPeriodSeconds);
  check(S.refreshMinHealthyPercent, s.refreshMinHealthyPercent);
  if (s.refreshAlarmNames !== undefined) {
    const given: unknown = s.refreshAlarmNames;
    const names: readonly string[] = Array.isArray(given) ? (given as unknown[]).filter((n): n is string => typeof n === 'string') : [];
    if (!Array.isArray(given) || names.length !== given.length)
      out.push(problem('rollbackAlarms', E.REFRESH_ALARMS, `must be a list of alarm names, got ${JSON.stringify(given)}`));
    else if (names.length > MAX_REFRESH_ALARMS)
      out.push(
        problem(
          'rollbackAlarms',
          E.REFRESH_ALARMS,
          `must name at most ${MAX_REFRESH_ALARMS} alarms (the instance refresh's AlarmSpecification), got ${names.length}`,
        ),
      );
    else {
      const bad = names.find((n) => !isUnresolved(n) && (n.length < 1 || n.length > 255));
      if (bad !== undefined) out.push(problem('rollbackAlarms', E.REFRESH_ALARMS, `must be alarm names of 1 to 255 characters, got '${bad}'`));
    }
  }
  if (!isUnresolved(s.stateTagKey) && !isStateTagKey(s.stateTagKey)) {
    out.push(problem('stateTagKey', E.STATE_TAG, `must be a tag key of 1-128 characters, not starting with 'aws:', got '${s.stateTagKey}'`));
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
  return out;
}

/** The vertical ladder as given to {@link verticalProblems}: durations may be unknown at synthesis (undefined). */
export type VerticalSettingsInput = Omit<VerticalSettings, 'evaluationWindowSeconds' | 'minIntervalSeconds'> & {
  readonly evaluationWindowSeconds?: number;
  readonly minIntervalSeconds?: number;
};

/**
 * The vertical ladder's problems: the cost optimizer's `vertical` settings, and the same rules for
 * a vertical configuration given elsewhere (`path` names its props: `'vertical.'` in the
 * optimizer's settings).
 */
export function verticalProblems(v: VerticalSettingsInput, isUnresolved: IsUnresolved = () => false, path = 'vertical.'): SettingProblem[] {
  const out: SettingProblem[] = [];
  const S = COST_OPTIMIZER_SETTINGS;
  const check = (r: NumberSetting, value: number | undefined) => {
    if (value === undefined || isUnresolved(value)) return;
    const p = numberProblem({ ...r, prop: `${path}${r.prop.replace(/^vertical\./, '')}` }, value);
    if (p) out.push(p);
  };
  // Settings decoded from JSON may carry anything: check the shape before the values.
  const given: unknown = v.instanceTypes;
  const types = isStringList(given) ? given : undefined;
  if (types === undefined || types.length < 2) {
    const shown = Array.isArray(given) ? given.map((t) => JSON.stringify(t)).join(', ') : JSON.stringify(given);
    out.push(problem(`${path}instanceTypes`, E.VERTICAL, `must list at least 2 instance types (small to large), got [${shown}]`));
  } else {
    const badType = types.find((t) => !isUnresolved(t) && !INSTANCE_TYPE.test(t));
    const dup = types.find((t, i) => types.indexOf(t) !== i);
    if (badType !== undefined) out.push(problem(`${path}instanceTypes`, E.VERTICAL, `must be instance types such as 'm5.large', got '${badType}'`));
    else if (dup !== undefined)
      out.push(problem(`${path}instanceTypes`, E.VERTICAL, `must not repeat an instance type, got ${dup} twice in [${types.join(', ')}]`));
    else {
      for (let i = 1; i < types.length; i++) {
        const a = instanceSizeRank(types[i - 1]);
        const b = instanceSizeRank(types[i]);
        if (a !== undefined && b !== undefined && b < a) {
          out.push(
            problem(
              `${path}instanceTypes`,
              E.VERTICAL,
              `must be ordered small to large: ${types[i]} is smaller than ${types[i - 1]} in [${types.join(', ')}] (a hot group would be moved to the smaller type)`,
            ),
          );
          break;
        }
      }
    }
  }
  check(S.verticalLowerPercent, v.lowerUtilizationPercent);
  check(S.verticalUpperPercent, v.upperUtilizationPercent);
  if (
    !isUnresolved(v.lowerUtilizationPercent) &&
    !isUnresolved(v.upperUtilizationPercent) &&
    v.lowerUtilizationPercent >= v.upperUtilizationPercent
  ) {
    out.push(
      problem(
        `${path}lowerUtilizationPercent`,
        E.VERTICAL,
        `(${v.lowerUtilizationPercent}) must be < ${path}upperUtilizationPercent (${v.upperUtilizationPercent})`,
      ),
    );
  }
  check(S.verticalWindowSeconds, v.evaluationWindowSeconds);
  check(S.verticalMinIntervalSeconds, v.minIntervalSeconds);
  return out;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Renders the settings as the handler's environment (no checks: call the problems first). */
export function encodeCostOptimizerEnv(s: CostOptimizerSettings): Record<string, string> {
  const env: Record<string, string> = {
    [E.GROUP]: s.groupName,
    [E.ACCOUNT]: s.accountId,
    [E.BUDGET]: s.budgetName,
    [E.SPEND_SOURCE]: s.spendSource,
    [E.BUDGET_SCOPE]: s.budgetScope,
    [E.MODE]: s.mode,
    [E.BUDGET_MODE]: s.budgetMode,
    [E.FLOOR]: renderNumber(s.floorCapacity),
    [E.EMERGENCY]: renderNumber(s.emergencyUtilizationPercent),
    [E.LOOKBACK_HOURS]: renderNumber(s.loadLookbackSeconds / 3600),
    [E.TIGHTEN_ABOVE]: renderNumber(s.tightenAbovePercent),
    [E.RESTORE_BELOW]: renderNumber(s.restoreBelowPercent),
    [E.CAP_STEP]: renderNumber(s.capStepPercent),
    [E.STEP_INTERVAL_HOURS]: renderNumber(s.budgetStepIntervalSeconds / 3600),
    [E.MIN_CHANGE]: renderNumber(s.minChangePercent),
    [E.MAX_CHANGES_PER_DAY]: renderNumber(s.maxChangesPerDay),
    [E.PERIOD]: renderNumber(s.utilizationPeriodSeconds),
    [E.REFRESH_MIN_HEALTHY]: renderNumber(s.refreshMinHealthyPercent),
    ...(s.refreshAlarmNames && s.refreshAlarmNames.length > 0 ? { [E.REFRESH_ALARMS]: JSON.stringify(s.refreshAlarmNames) } : {}),
    ...(s.baseline ? { [E.BASELINE]: encodeGroupBaseline(s.baseline) } : {}),
    [E.METRICS_NAMESPACE]: s.metricsNamespace,
    [E.SERVICE_NAME]: COST_SERVICE_NAME,
  };
  if (s.budgetLimit !== undefined) env[E.LIMIT] = renderNumber(s.budgetLimit);
  if (s.costTag) {
    env[E.COST_TAG_KEY] = s.costTag.key;
    env[E.COST_TAG_VALUE] = s.costTag.value;
  }
  if (s.stateTagKey !== DEFAULT_STATE_TAG_KEY) env[E.STATE_TAG] = s.stateTagKey;
  if (s.targetUtilization) {
    env[E.TARGET_MAX] = renderNumber(s.targetUtilization.maxPercent);
    env[E.TARGET_STEP] = renderNumber(s.targetUtilization.stepPercent);
  }
  if (s.spot) {
    env[E.SPOT_MIN_ON_DEMAND] = renderNumber(s.spot.minOnDemandPercent);
    env[E.SPOT_STEP] = renderNumber(s.spot.stepPercent);
  }
  if (s.workingHours) {
    const wh = s.workingHours;
    env[E.WORKING_HOURS] = JSON.stringify({
      days: [...new Set(wh.days)].sort(),
      startMinute: wh.startMinute,
      endMinute: wh.endMinute,
      timeZone: wh.timeZone,
    });
    env[E.RESTORE_LEAD_MINUTES] = renderNumber(s.restoreLeadSeconds / 60);
  }
  if (s.launchTemplateId !== undefined) env[E.LAUNCH_TEMPLATE_ID] = s.launchTemplateId;
  if (s.vertical) {
    const v = s.vertical;
    const json: VerticalEnv = {
      instanceTypes: [...v.instanceTypes],
      lowerUtilizationPercent: v.lowerUtilizationPercent,
      upperUtilizationPercent: v.upperUtilizationPercent,
      evaluationWindowHours: v.evaluationWindowSeconds / 3600,
      minIntervalHours: v.minIntervalSeconds / 3600,
    };
    env[E.VERTICAL] = JSON.stringify(json);
  }
  return env;
}

/** Reads the settings from the environment (syntax and defaults; bounds are the problems' job). */
export function decodeCostOptimizerEnv(env: Env): CostOptimizerSettings {
  const D = COST_OPTIMIZER_DEFAULTS;
  // Optional for an environment written before GROUP_BASELINE (the handler then falls back); the
  // constructs always render it.
  let baseline: GroupBaseline | undefined;
  try {
    baseline = env[E.BASELINE] === undefined ? undefined : parseGroupBaseline(env[E.BASELINE]);
  } catch (e) {
    if (e instanceof GroupBaselineError) throw new ConfigError(e.message);
    throw e;
  }
  const targetMax = readOptionalNumber(env, E.TARGET_MAX);
  const spotMin = readOptionalNumber(env, E.SPOT_MIN_ON_DEMAND);
  const tagKey = env[E.COST_TAG_KEY];
  const wh = readJson<unknown>(env, E.WORKING_HOURS, undefined);
  if (wh !== undefined && (typeof wh !== 'object' || wh === null || Array.isArray(wh))) {
    throw new ConfigError(`environment variable ${E.WORKING_HOURS} must be an object with days, startMinute and endMinute`);
  }
  const v = readJson<unknown>(env, E.VERTICAL, undefined);
  if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new ConfigError(
      `environment variable ${E.VERTICAL} must be an object with instanceTypes, lowerUtilizationPercent, upperUtilizationPercent, evaluationWindowHours and minIntervalHours`,
    );
  }
  const num = (x: unknown, name: string): number => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new ConfigError(`environment variable ${E.VERTICAL}: ${name} must be a number, got ${JSON.stringify(x)}`);
    return x;
  };
  const vj = v as Partial<VerticalEnv> | undefined;
  const whj = wh as { days?: unknown; startMinute?: unknown; endMinute?: unknown; timeZone?: unknown } | undefined;
  return {
    groupName: readString(env, E.GROUP).trim(),
    accountId: readString(env, E.ACCOUNT).trim(),
    budgetName: readString(env, E.BUDGET),
    budgetLimit: readOptionalNumber(env, E.LIMIT),
    spendSource: readEnum(env, E.SPEND_SOURCE, SPEND_SOURCES, D.spendSource),
    // An environment written before BUDGET_SCOPE read the budget as the whole account's.
    budgetScope: readEnum(env, E.BUDGET_SCOPE, BUDGET_SCOPES, 'account'),
    ...(tagKey !== undefined ? { costTag: { key: tagKey, value: env[E.COST_TAG_VALUE] ?? '' } } : {}),
    mode: readEnum(env, E.MODE, RUN_MODES, D.mode),
    budgetMode: readEnum(env, E.BUDGET_MODE, BUDGET_MODES, D.budgetMode),
    launchTemplateId: readOptionalString(env, E.LAUNCH_TEMPLATE_ID)?.trim(),
    floorCapacity: readNumber(env, E.FLOOR, D.floorCapacity),
    emergencyUtilizationPercent: readNumber(env, E.EMERGENCY, D.emergencyUtilizationPercent),
    loadLookbackSeconds: roundSeconds(readNumber(env, E.LOOKBACK_HOURS, D.loadLookbackSeconds / 3600) * 3600),
    tightenAbovePercent: readNumber(env, E.TIGHTEN_ABOVE, D.tightenAbovePercent),
    restoreBelowPercent: readNumber(env, E.RESTORE_BELOW, D.restoreBelowPercent),
    capStepPercent: readNumber(env, E.CAP_STEP, D.capStepPercent),
    budgetStepIntervalSeconds: roundSeconds(readNumber(env, E.STEP_INTERVAL_HOURS, D.budgetStepIntervalSeconds / 3600) * 3600),
    minChangePercent: readNumber(env, E.MIN_CHANGE, D.minChangePercent),
    maxChangesPerDay: readNumber(env, E.MAX_CHANGES_PER_DAY, D.maxChangesPerDay),
    ...(targetMax !== undefined
      ? { targetUtilization: { maxPercent: targetMax, stepPercent: readNumber(env, E.TARGET_STEP, D.targetStepPercent) } }
      : {}),
    ...(spotMin !== undefined ? { spot: { minOnDemandPercent: spotMin, stepPercent: readNumber(env, E.SPOT_STEP, D.spotStepPercent) } } : {}),
    ...(whj !== undefined
      ? {
          workingHours: {
            days: Array.isArray(whj.days) ? (whj.days as number[]) : [],
            startMinute: whj.startMinute as number,
            endMinute: whj.endMinute as number,
            timeZone: typeof whj.timeZone === 'string' ? whj.timeZone : D.timeZone,
          },
        }
      : {}),
    restoreLeadSeconds: roundSeconds(readNumber(env, E.RESTORE_LEAD_MINUTES, D.restoreLeadSeconds / 60) * 60),
    ...(vj !== undefined
      ? {
          vertical: {
            instanceTypes: Array.isArray(vj.instanceTypes) ? vj.instanceTypes : [],
            lowerUtilizationPercent: num(vj.lowerUtilizationPercent, 'lowerUtilizationPercent'),
            upperUtilizationPercent: num(vj.upperUtilizationPercent, 'upperUtilizationPercent'),
            evaluationWindowSeconds: roundSeconds(num(vj.evaluationWindowHours, 'evaluationWindowHours') * 3600),
            minIntervalSeconds: roundSeconds(num(vj.minIntervalHours, 'minIntervalHours') * 3600),
          },
        }
      : {}),
    utilizationPeriodSeconds: readNumber(env, E.PERIOD, D.utilizationPeriodSeconds),
    stateTagKey: readStringOr(env, E.STATE_TAG, D.stateTagKey),
    refreshMinHealthyPercent: readNumber(env, E.REFRESH_MIN_HEALTHY, D.refreshMinHealthyPercent),
    ...(env[E.REFRESH_ALARMS] !== undefined ? { refreshAlarmNames: readJson<string[]>(env, E.REFRESH_ALARMS, []) } : {}),
    metricsNamespace: readStringOr(env, E.METRICS_NAMESPACE, D.metricsNamespace),
    baseline,
  };
}

/** Reads and checks the settings; throws a ConfigError naming the variable and the prop. */
export function parseCostOptimizerEnv(env: Env): CostOptimizerSettings {
  const s = decodeCostOptimizerEnv(env);
  const err = envError(costOptimizerProblems(s));
  if (err) throw err;
  return s;
}
