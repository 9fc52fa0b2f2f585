/**
 * Reading a handler's configuration from its environment. A bad value is a clear error that
 * names the variable and the value; the handler logs it, counts it and changes nothing.
 */

import { ConfigError } from '../contract/settings';

/** A configuration value is missing or invalid (defined by the settings contract). */
export { ConfigError };

type Env = Record<string, string | undefined>;

/** A required string variable. */
export function requiredEnv(env: Env, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`environment variable ${name} is required`);
  return v.trim();
}

/** An optional string variable with a default. */
export function optionalEnv(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

/** A number variable within [min, max], with a default when unset. */
export function numberEnv(env: Env, name: string, opts: { default?: number; min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    if (opts.default === undefined) throw new ConfigError(`environment variable ${name} is required`);
    return opts.default;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new ConfigError(`environment variable ${name} must be a number, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new ConfigError(`environment variable ${name} must be >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new ConfigError(`environment variable ${name} must be <= ${opts.max}, got ${v}`);
  return v;
}

/** A boolean variable ('true' / 'false'), with a default when unset. */
export function booleanEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(`environment variable ${name} must be 'true' or 'false', got '${raw}'`);
}

/** One of the allowed values, with a default when unset. */
export function enumEnv<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw.trim())) {
    throw new ConfigError(`environment variable ${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw.trim() as T;
}

/** A JSON variable, parsed; a parse error names the variable. */
export function jsonEnv<T>(env: Env, name: string, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch (e) {
    throw new ConfigError(`environment variable ${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The instant a scheduled run is for: the EventBridge event's `time` when present (so a
 * replay can run the handler on a simulated clock), otherwise the wall clock.
 */
export function eventTime(event: unknown, fallback: () => number = Date.now): number {
  const t = (event as { time?: unknown } | null | undefined)?.time;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  return fallback();
}

/**
 * Set to `true` by a local replay (scripts/local/pipeline.ts) that drives the deployed handler on a
 * simulated clock: the event's time is then the run's as it is. The constructs never set it.
 */
export const SIMULATED_CLOCK_ENV = 'SCALER_SIMULATED_CLOCK';

/** How far a scheduled event's `time` may lie behind the wall clock (a late start) and ahead of it (clock skew). */
export const EVENT_TIME_LATE_MS = 15 * 60_000;
export const EVENT_TIME_EARLY_MS = 2 * 60_000;

/**
 * The instant a run acts for. A scheduled event's `time` is used only when it is plausible: within
 * {@link EVENT_TIME_LATE_MS} before and {@link EVENT_TIME_EARLY_MS} after the wall clock (EventBridge
 * delivers within a minute). Anything else (the Lambda console's test event of 1970, a replayed
 * event) runs at the wall clock, with a note for the run's log line. `simulatedClock`: a replay or
 * test that drives the handler on a simulated clock takes the event's time as it is.
 */
export function runTime(event: unknown, wallClock: () => number, simulatedClock = false): { now: number; note?: string } {
  const wall = wallClock();
  const t = eventTime(event, () => wall);
  if (simulatedClock || (t >= wall - EVENT_TIME_LATE_MS && t <= wall + EVENT_TIME_EARLY_MS)) return { now: t };
  return {
    now: wall,
    note: `the event's time ${new Date(t).toISOString()} is not within 15 minutes of the wall clock ${new Date(wall).toISOString()}: the run uses the wall clock`,
  };
}
