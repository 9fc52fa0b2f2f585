/**
 * The settings contract's machinery, shared by `lib/` (the constructs validate and render with
 * it) and `lambda/` (the handlers parse with it). Dependency-free: no aws-cdk-lib, constructs,
 * SDK or Node built-ins, so that both sides import the same rules.
 *
 * A setting is described once: its environment variable, the construct prop it comes from, its
 * unit, bounds and default. The construct checks a prop with {@link numberProblem} before it
 * renders the environment; the handler parses the variable back and checks it with the same
 * function, so a value the construct accepts is a value the handler accepts.
 */

/** A configuration value is missing or invalid (the handler's error; the construct's is a plain Error). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a number means, for messages. */
export type SettingUnit = 'seconds' | 'percent' | 'ratio' | 'count' | 'USD' | 'load';

/** One numeric setting: where it lives and what it may be. */
export interface NumberSetting {
  /** The environment variable that carries it. */
  readonly env: string;
  /** The construct prop it comes from (dotted for nested props). */
  readonly prop: string;
  readonly unit: SettingUnit;
  /** Lower bound (see lowOpen). */
  readonly min: number;
  /** Upper bound (see highOpen); Infinity for none. */
  readonly max: number;
  /** Exclude the lower bound. */
  readonly lowOpen?: boolean;
  /** Exclude the upper bound. */
  readonly highOpen?: boolean;
  /** Must be an integer (in the setting's unit; whole seconds for durations). */
  readonly integer?: boolean;
  /** Must be a multiple of this (in the setting's unit), e.g. 60 for whole minutes. */
  readonly multipleOf?: number;
}

/** A problem found by a contract check: the setting's key and what is wrong (without the name). */
export interface SettingProblem {
  /** The construct prop (dotted). */
  readonly prop: string;
  /** The environment variable that carries it. */
  readonly env: string;
  /** e.g. "must be in [1%, 100%], got 0.5%". */
  readonly message: string;
}

/** Renders a value in its unit for a message: seconds as a human duration (percent props say so in their name). */
export function formatValue(unit: SettingUnit, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'seconds':
      return formatSeconds(value);
    case 'USD':
      return `${value} USD`;
    default:
      return String(value);
  }
}

/** 90 -> '90 seconds', 7200 -> '2 hours', 172800 -> '2 days', 5400 -> '90 minutes'. */
export function formatSeconds(s: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (s !== 0 && s % 86_400 === 0) return plural(s / 86_400, 'day');
  if (s !== 0 && s % 3600 === 0) return plural(s / 3600, 'hour');
  if (s !== 0 && s % 60 === 0) return plural(s / 60, 'minute');
  return plural(s, 'second');
}

function boundText(r: NumberSetting): string {
  const f = (v: number) => formatValue(r.unit, v);
  if (r.max === Infinity) return `${r.lowOpen ? '>' : '>='} ${f(r.min)}`;
  return `in ${r.lowOpen ? '(' : '['}${f(r.min)}, ${f(r.max)}${r.highOpen ? ')' : ']'}`;
}

/**
 * What is wrong with `value` for the setting, or undefined when it is valid. `value` is in the
 * setting's unit (seconds for durations).
 */
export function numberProblem(r: NumberSetting, value: number): SettingProblem | undefined {
  const bad = (message: string): SettingProblem => ({ prop: r.prop, env: r.env, message });
  if (typeof value !== 'number' || !Number.isFinite(value)) return bad(`must be a finite number, got ${String(value)}`);
  const tooLow = r.lowOpen ? value <= r.min : value < r.min;
  const tooHigh = r.highOpen ? value >= r.max : value > r.max;
  if (tooLow || tooHigh) return bad(`must be ${boundText(r)}, got ${formatValue(r.unit, value)}`);
  if (r.integer && !Number.isInteger(value)) {
    return bad(r.unit === 'seconds' ? `must be a whole number of seconds, got ${value} seconds` : `must be an integer, got ${value}`);
  }
  if (r.multipleOf !== undefined && Math.abs(value / r.multipleOf - Math.round(value / r.multipleOf)) > 1e-9) {
    const what = r.unit === 'seconds' && r.multipleOf === 60 ? 'a whole number of minutes' : `a multiple of ${formatValue(r.unit, r.multipleOf)}`;
    return bad(`must be ${what}, got ${formatValue(r.unit, value)}`);
  }
  return undefined;
}

/** A problem of a non-numeric setting. */
export function problem(prop: string, env: string, message: string): SettingProblem {
  return { prop, env, message };
}

/**
 * An enum setting given as another string (`'APPLY'` for `'apply'`, a cast or plain JavaScript):
 * the problem, or undefined. Stricter than {@link readEnum} (no blank, no padding), so a value
 * the construct accepts is one the handler accepts.
 */
export function enumProblem<T extends string>(
  prop: string,
  env: string,
  value: unknown,
  allowed: readonly T[],
  isUnresolved: IsUnresolved = () => false,
): SettingProblem | undefined {
  if (isUnresolved(value) || (typeof value === 'string' && (allowed as readonly string[]).includes(value))) return undefined;
  return problem(
    prop,
    env,
    `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`,
  );
}

/** The construct's error for the first problem: names the prop and the value. */
export function propError(problems: readonly SettingProblem[], prefix = ''): Error | undefined {
  if (problems.length === 0) return undefined;
  return new Error(problems.map((p) => `${prefix}${p.prop} ${p.message}`).join('; '));
}

/** The handler's error for the problems: names the variable (and the prop it came from). */
export function envError(problems: readonly SettingProblem[]): ConfigError | undefined {
  if (problems.length === 0) return undefined;
  return new ConfigError(problems.map((p) => `environment variable ${p.env} (${p.prop}) ${p.message}`).join('; '));
}

/** Skip a check for a value only known at deploy time (the construct passes Token.isUnresolved). */
export type IsUnresolved = (v: unknown) => boolean;

/** The environment a handler reads. */
export type Env = Readonly<Record<string, string | undefined>>;

const isBlank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/** A required string (not trimmed: the construct renders it exactly). */
export function readString(env: Env, name: string): string {
  const v = env[name];
  if (isBlank(v)) throw new ConfigError(`environment variable ${name} is required`);
  return v;
}

/** An optional string, undefined when unset or blank. */
export function readOptionalString(env: Env, name: string): string | undefined {
  const v = env[name];
  return isBlank(v) ? undefined : v;
}

/**
 * An optional string the construct always renders: unset means the default, but a value that is
 * set (even blank) is taken as written, so that the contract's checks see what the construct saw.
 */
export function readStringOr(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined ? fallback : v;
}

/** A number (syntax only: the bounds are checked by the contract's problems); `fallback` when unset. */
export function readNumber(env: Env, name: string, fallback?: number): number {
  const raw = env[name];
  if (isBlank(raw)) {
    if (fallback === undefined) throw new ConfigError(`environment variable ${name} is required`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new ConfigError(`environment variable ${name} must be a number, got '${raw}'`);
  return v;
}

/** A number, undefined when unset. */
export function readOptionalNumber(env: Env, name: string): number | undefined {
  return isBlank(env[name]) ? undefined : readNumber(env, name);
}

/** 'true' / 'false'. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (isBlank(raw)) return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(`environment variable ${name} must be 'true' or 'false', got '${raw}'`);
}

/** One of `allowed`. */
export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (isBlank(raw)) return fallback;
  if (!(allowed as readonly string[]).includes(raw.trim())) {
    throw new ConfigError(`environment variable ${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw.trim() as T;
}

/** Parsed JSON, `fallback` when unset. */
export function readJson<T>(env: Env, name: string, fallback: T): T {
  const raw = env[name];
  if (isBlank(raw)) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch (e) {
    throw new ConfigError(`environment variable ${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Renders a number exactly as the handler parses it back. */
export function renderNumber(v: number): string {
  return String(v);
}

/** Rounds a value converted between units (hours/minutes -> seconds) to a millisecond. */
export function roundSeconds(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The `rate(...)` interval of an EventBridge schedule expression in seconds, undefined for cron/at. */
export function rateSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return undefined;
  const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86_400;
  return Number(m[1]) * unit;
}

/**
 * How many runs without data (or skipped) raise the missing-data alarm: each run is one alarm
 * period, and CloudWatch evaluates at most one day of periods.
 */
export const MISSING_DATA_ALARM_RUNS: NumberSetting = {
  env: '-',
  prop: 'missingDataAlarmRuns',
  unit: 'count',
  min: 1,
  max: 1440,
  integer: true,
};

/** Default of `missingDataAlarmRuns` on both scaler constructs. */
export const DEFAULT_MISSING_DATA_ALARM_RUNS = 3;

/** Problems of `missingDataAlarmRuns` for a schedule interval (the alarm period). */
export function missingDataAlarmProblems(runs: number, intervalSeconds: number, isUnresolved: IsUnresolved = () => false): SettingProblem[] {
  if (isUnresolved(runs)) return [];
  const p = numberProblem(MISSING_DATA_ALARM_RUNS, runs);
  if (p) return [p];
  if (runs * intervalSeconds > 86_400) {
    return [
      problem(
        'missingDataAlarmRuns',
        '-',
        `must span at most one day of runs (CloudWatch evaluates at most 1 day): ${runs} runs x ${formatSeconds(intervalSeconds)} = ${formatSeconds(runs * intervalSeconds)}`,
      ),
    ];
  }
  return [];
}
