import { Duration, Token } from 'aws-cdk-lib';

/**
 * Validation helpers shared by the auto-scaling constructs and policy classes (internal: not
 * exported from the package). Every message names the prop and the value; unresolved tokens are
 * skipped, since their value is only known at deploy time.
 */

/** Throws unless `value` is a finite number in the interval; `lowOpen`/`highOpen` exclude the bound. */
export function assertInRange(prop: string, value: number | undefined, low: number, high: number, opts: { lowOpen?: boolean; highOpen?: boolean } = {}): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const tooLow = opts.lowOpen ? value <= low : value < low;
  const tooHigh = opts.highOpen ? value >= high : value > high;
  if (!Number.isFinite(value) || tooLow || tooHigh) {
    const interval = `${opts.lowOpen ? '(' : '['}${low}, ${high}${opts.highOpen ? ')' : ']'}`;
    throw new Error(`${prop} must be in ${interval}, got ${value}`);
  }
}

/** Throws unless `value` is an integer (tokens skipped). */
export function assertInteger(prop: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) throw new Error(`${prop} must be an integer, got ${value}`);
}

/** A percentage in (0, 100] (utilization targets). */
export function assertUtilizationPercent(prop: string, value: number | undefined): void {
  assertInRange(prop, value, 0, 100, { lowOpen: true });
}

/** A cooldown or warmup that must be strictly positive. */
export function assertPositiveDuration(prop: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!(seconds > 0)) throw new Error(`${prop} must be a positive duration, got ${value.toHumanString()}`);
}

/** A duration that may be zero but not negative, optionally with an upper bound in seconds. */
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
