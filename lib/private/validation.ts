import { type Duration, Token } from 'aws-cdk-lib';
import { isTimeZone, parseCron } from '../../lambda/core';

/*
 * Synth-time checks shared by every construct and policy class of the package (internal: not
 * exported from the package entry point). Every message names the prop and the value given;
 * unresolved tokens are skipped, since their value is only known at deploy time.
 */

/** Bounds of {@link assertInRange}. */
export interface RangeOptions {
  /** Exclude the lower bound. @default false */
  readonly lowOpen?: boolean;
  /** Exclude the upper bound. @default false */
  readonly highOpen?: boolean;
  /** The value must also be an integer. @default false */
  readonly integer?: boolean;
  /** Unit appended to the values in the message ('%', 's', ' USD'). @default - none */
  readonly unit?: string;
}

/**
 * Throws unless `value` is one of the enum's values (an enum prop given another string: a cast, a
 * plain JavaScript caller, a typo in configuration). `undefined` and unresolved tokens pass.
 */
export function assertEnumValue(prop: string, value: unknown, enumObject: Record<string, string>): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const allowed = Object.values(enumObject);
  if (typeof value === 'string' && allowed.includes(value)) return;
  throw new Error(
    `${prop} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : JSON.stringify(value)}`,
  );
}

/**
 * Throws unless `value` is a finite number in the interval `[low, high]` (`high` may be
 * `Infinity`, which reads as "must be >= low"). `undefined` and unresolved tokens pass.
 */
export function assertInRange(prop: string, value: number | undefined, low: number, high: number, opts: RangeOptions = {}): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const unit = opts.unit ?? '';
  if (!Number.isFinite(value)) throw new Error(`${prop} must be a finite number, got ${value}`);
  const tooLow = opts.lowOpen ? value <= low : value < low;
  const tooHigh = opts.highOpen ? value >= high : value > high;
  if (tooLow || tooHigh) {
    const bound =
      high === Infinity
        ? `${opts.lowOpen ? '>' : '>='} ${low}${unit}`
        : `in ${opts.lowOpen ? '(' : '['}${low}${unit}, ${high}${unit}${opts.highOpen ? ')' : ']'}`;
    throw new Error(`${prop} must be ${bound}, got ${value}${unit}`);
  }
  if (opts.integer) assertInteger(prop, value);
}

/** Throws unless `value` is an integer. `undefined` and unresolved tokens pass. */
export function assertInteger(prop: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) throw new Error(`${prop} must be an integer, got ${value}`);
}

/** A percentage in (0, 100] (utilization targets). */
export function assertUtilizationPercent(prop: string, value: number | undefined): void {
  assertInRange(prop, value, 0, 100, { lowOpen: true });
}

/** A cooldown, warmup or interval that must be strictly positive. */
export function assertPositiveDuration(prop: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!(seconds > 0)) throw new Error(`${prop} must be a positive duration, got ${value.toHumanString()}`);
}

/** A duration between `minSeconds` and `maxSeconds`, both included. */
export function assertDurationRange(prop: string, value: Duration | undefined, minSeconds: number, maxSeconds: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new Error(`${prop} must be between ${minSeconds} and ${maxSeconds} seconds, got ${value.toHumanString()}`);
  }
}

/** minCapacity <= maxCapacity, both non-negative integers, maxCapacity >= 1. */
export function assertCapacityRange(minProp: string, min: number | undefined, maxProp: string, max: number | undefined): void {
  assertInteger(minProp, min);
  assertInteger(maxProp, max);
  if (min !== undefined && !Token.isUnresolved(min) && min < 0) throw new Error(`${minProp} must be >= 0, got ${min}`);
  if (max !== undefined && !Token.isUnresolved(max) && max < 1) throw new Error(`${maxProp} must be >= 1, got ${max}`);
  if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    throw new Error(`${minProp} (${min}) must be <= ${maxProp} (${max})`);
  }
}

/** A pragmatic e-mail address shape: one '@', no spaces, a dot in the domain. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws if a resolved entry of `addresses` is not an e-mail address or is listed twice. */
export function assertEmailAddresses(prop: string, addresses: readonly string[] | undefined): void {
  const resolved: string[] = [];
  for (const [index, address] of (addresses ?? []).entries()) {
    if (Token.isUnresolved(address)) continue;
    if (!EMAIL_ADDRESS.test(address)) throw new Error(`${prop}[${index}] ('${address}') is not an e-mail address`);
    resolved.push(address.toLowerCase());
  }
  const duplicate = resolved.find((a, i) => resolved.indexOf(a) !== i);
  if (duplicate !== undefined) throw new Error(`${prop} lists '${duplicate}' more than once`);
}

/**
 * A scheduled action's recurrence and time zone: the 5-field Unix cron AWS documents for
 * `Recurrence`, read by the same parser as the scaler functions' capacity model, and an IANA
 * time zone name. Unresolved tokens pass (AWS checks them at deployment; the functions read the
 * value AWS holds at run time).
 */
export function assertSchedule(scheduleProp: string, expression: string, timeZoneProp: string, timeZone: string | undefined): void {
  if (!Token.isUnresolved(expression)) {
    try {
      parseCron(expression);
    } catch (e) {
      throw new Error(
        `${scheduleProp} ('${expression}') must be a 5-field cron expression (minute hour day-of-month month day-of-week), as Auto Scaling reads it: ${(e as Error).message}`,
      );
    }
  }
  if (timeZone !== undefined && !Token.isUnresolved(timeZone) && !isTimeZone(timeZone)) {
    throw new Error(`${timeZoneProp} must be an IANA time zone name (e.g. 'Europe/Berlin', 'America/New_York', 'UTC'), got '${timeZone}'`);
  }
}

/**
 * Runs `build` (a part constructed by a composite from the user's nested props) and rewrites its
 * error so that it names the prop as the user wrote it: `minCapacity ...` becomes
 * `predictiveScaler.minCapacity ...` when `minCapacity` is one of the nested props the user gave
 * or one of `partProps` (the part's settings in the contract, named even when left at their default).
 */
export function withPropPath<T>(path: string, userProps: object, build: () => T, partProps: Iterable<string> = []): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // The props the user gave, and the part's settings (a default the user left, e.g. `horizon`, is still the part's prop).
    const keys = new Set([...Object.keys(userProps), ...partProps]);
    const named = (m: string, before: string, name: string) => (keys.has(name) ? `${before}${path}.${name}` : m);
    e.message = e.message.replace(/(^|; )([A-Za-z][A-Za-z0-9]*)(?=[ .[(])/g, named).replace(/(\bleave )([A-Za-z][A-Za-z0-9]*)(?= out\b)/g, named);
    throw e;
  }
}
