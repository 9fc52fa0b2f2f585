import { type Duration, Token } from 'aws-cdk-lib';
import {
  NO_ENV,
  type SettingProblem,
  type SettingUnit,
  capacityRangeProblems,
  emailAddressProblems,
  enumProblem,
  integerProblem,
  propError,
  rangeProblem,
} from '../../lambda/contract';
import { isTimeZone, parseCron } from '../../lambda/core';

/*
 * Synth-time checks of the constructs and policy classes of the package (internal: not exported
 * from the package entry point): thin calls into the settings contract's rules
 * (`lambda/contract/rules.ts`), the one engine the scalers' settings checks use too, so that
 * every message has one form: the prop, what it must be, and the value given. Unresolved tokens
 * are skipped, since their value is only known at deploy time.
 */

const isUnresolved = (v: unknown) => Token.isUnresolved(v);

/** Throws the construct's error for the first problems, if any. */
export function throwProblems(problems: ReadonlyArray<SettingProblem | undefined>, prefix = ''): void {
  const err = propError(
    problems.filter((p): p is SettingProblem => p !== undefined),
    prefix,
  );
  if (err) throw err;
}

/** Bounds of {@link assertInRange}. */
export interface RangeOptions {
  /** Exclude the lower bound. @default false */
  readonly lowOpen?: boolean;
  /** Exclude the upper bound. @default false */
  readonly highOpen?: boolean;
  /** The value must also be an integer. @default false */
  readonly integer?: boolean;
  /** The value must also be a multiple of this. @default - any multiple */
  readonly multipleOf?: number;
  /** The unit of the value, for the message. @default 'count' */
  readonly unit?: SettingUnit;
}

/**
 * Throws unless `value` is one of the enum's values (an enum prop given another string: a cast, a
 * plain JavaScript caller, a typo in configuration). `undefined` and unresolved tokens pass.
 */
export function assertEnumValue(prop: string, value: unknown, enumObject: Record<string, string>): void {
  if (value === undefined) return;
  throwProblems([enumProblem(prop, NO_ENV, value, Object.values(enumObject), isUnresolved)]);
}

/**
 * Throws unless `value` is a finite number in the interval `[low, high]` (`high` may be
 * `Infinity`, which reads as "must be >= low"). `undefined` and unresolved tokens pass.
 */
export function assertInRange(prop: string, value: number | undefined, low: number, high: number, opts: RangeOptions = {}): void {
  const { unit = 'count', ...bounds } = opts;
  throwProblems([rangeProblem(prop, value, { unit, min: low, max: high, ...bounds }, isUnresolved)]);
}

/** Throws unless `value` is an integer. `undefined` and unresolved tokens pass. */
export function assertInteger(prop: string, value: number | undefined): void {
  throwProblems([integerProblem(prop, value, isUnresolved)]);
}

/** A percentage in (0, 100] (utilization targets). */
export function assertUtilizationPercent(prop: string, value: number | undefined): void {
  assertInRange(prop, value, 0, 100, { lowOpen: true, unit: 'percent' });
}

/** A duration in seconds for the contract's rules (undefined when absent or unresolved). */
function seconds(value: Duration | undefined): number | undefined {
  return value === undefined || value.isUnresolved() ? undefined : value.toSeconds({ integral: false });
}

/** A cooldown, warmup or interval that must be strictly positive. */
export function assertPositiveDuration(prop: string, value: Duration | undefined): void {
  throwProblems([rangeProblem(prop, seconds(value), { unit: 'seconds', min: 0, max: Infinity, lowOpen: true })]);
}

/** A duration between `minSeconds` and `maxSeconds`, both included (`integer`: whole seconds). */
export function assertDurationRange(prop: string, value: Duration | undefined, minSeconds: number, maxSeconds: number, integer = false): void {
  throwProblems([rangeProblem(prop, seconds(value), { unit: 'seconds', min: minSeconds, max: maxSeconds, integer })]);
}

/** minCapacity <= maxCapacity, both non-negative integers, maxCapacity >= 1. */
export function assertCapacityRange(minProp: string, min: number | undefined, maxProp: string, max: number | undefined): void {
  throwProblems(capacityRangeProblems(minProp, min, maxProp, max, isUnresolved));
}

/** Throws if a resolved entry of `addresses` is not an e-mail address or is listed twice. */
export function assertEmailAddresses(prop: string, addresses: readonly string[] | undefined): void {
  throwProblems(emailAddressProblems(prop, addresses, isUnresolved));
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
