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
