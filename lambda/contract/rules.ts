/**
 * The rules every construct of the package checks its props with, beside the scalers' settings:
 * ranges, integers, enums, e-mail addresses, capacity bounds, budget names and cost allocation
 * tags. Each rule is written once, here, and returns {@link SettingProblem}s like the settings'
 * checks, so that one error form names the prop, the value and the reason everywhere
 * (`lib/private/validation.ts` throws them; the scalers' settings checks use the same rules).
 * Dependency-free, like the rest of the contract.
 */
import { type IsUnresolved, type NumberSetting, type SettingProblem, type SettingUnit, numberProblem, problem } from './settings';

/** A prop that no environment variable carries (the constructs' own props). */
export const NO_ENV = '-';

/** Bounds of a number prop (a {@link NumberSetting} without its variable and prop). */
export interface NumberBounds {
  readonly unit: SettingUnit;
  readonly min: number;
  readonly max: number;
  readonly lowOpen?: boolean;
  readonly highOpen?: boolean;
  readonly integer?: boolean;
  readonly multipleOf?: number;
}

/** What is wrong with a number prop, or undefined (also for undefined and unresolved values). */
export function rangeProblem(
  prop: string,
  value: number | undefined,
  bounds: NumberBounds,
  isUnresolved: IsUnresolved = () => false,
): SettingProblem | undefined {
  if (value === undefined || isUnresolved(value)) return undefined;
  const setting: NumberSetting = { ...bounds, env: NO_ENV, prop };
  return numberProblem(setting, value);
}

/** An integer (any sign), or undefined. */
export function integerProblem(prop: string, value: number | undefined, isUnresolved: IsUnresolved = () => false): SettingProblem | undefined {
  return rangeProblem(prop, value, { unit: 'count', min: -Infinity, max: Infinity, integer: true }, isUnresolved);
}

/**
 * A capacity range: both non-negative integers, the maximum at least 1, the minimum not above
 * the maximum. Every problem, in that order.
 */
export function capacityRangeProblems(
  minProp: string,
  min: number | undefined,
  maxProp: string,
  max: number | undefined,
  isUnresolved: IsUnresolved = () => false,
): SettingProblem[] {
  const out = [
    rangeProblem(minProp, min, { unit: 'count', min: 0, max: Infinity, integer: true }, isUnresolved),
    rangeProblem(maxProp, max, { unit: 'count', min: 1, max: Infinity, integer: true }, isUnresolved),
  ].filter((p): p is SettingProblem => p !== undefined);
  if (out.length === 0 && min !== undefined && max !== undefined && !isUnresolved(min) && !isUnresolved(max) && min > max) {
    out.push(problem(minProp, NO_ENV, `(${min}) must be <= ${maxProp} (${max})`));
  }
  return out;
}

/** A pragmatic e-mail address shape: one '@', no spaces, a dot in the domain. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Entries of `addresses` that are not e-mail addresses, or listed twice (unresolved entries pass). */
export function emailAddressProblems(
  prop: string,
  addresses: readonly string[] | undefined,
  isUnresolved: IsUnresolved = () => false,
): SettingProblem[] {
  const resolved: string[] = [];
  for (const [index, address] of (addresses ?? []).entries()) {
    if (isUnresolved(address)) continue;
    if (!EMAIL_ADDRESS.test(address)) return [problem(`${prop}[${index}]`, NO_ENV, `('${address}') is not an e-mail address`)];
    resolved.push(address.toLowerCase());
  }
  const duplicate = resolved.find((a, i) => resolved.indexOf(a) !== i);
  return duplicate === undefined ? [] : [problem(prop, NO_ENV, `lists '${duplicate}' more than once`)];
}

/** AWS Budgets: a budget name is 1 to 100 characters without ':' or '\'. */
export const MAX_BUDGET_NAME_LENGTH = 100;
const BUDGET_NAME = /^[^:\\]{1,100}$/;

/**
 * The budget-name rule of AWS Budgets, and no leading or trailing whitespace (the budget and the
 * IAM ARN use the name as written): the ScalingBudget's name and the name the cost optimizer reads.
 */
export function budgetNameProblem(prop: string, env: string, name: string, isUnresolved: IsUnresolved = () => false): SettingProblem | undefined {
  if (isUnresolved(name)) return undefined;
  if (name.trim() !== name) {
    return problem(prop, env, `must not start or end with whitespace (AWS Budgets and the IAM ARN use it as written), got '${name}'`);
  }
  if (!BUDGET_NAME.test(name)) {
    return problem(prop, env, `must be 1-${MAX_BUDGET_NAME_LENGTH} characters without ':' or '\\', got '${name}'`);
  }
  return undefined;
}

/** Where a cost allocation tag's parts are named: props and, for a scaler's settings, variables. */
export interface CostTagNames {
  readonly keyProp: string;
  readonly valueProp: string;
  readonly keyEnv: string;
  readonly valueEnv: string;
}

/**
 * A cost allocation tag the budget filters its spend by: a key of 1-128 characters and a value of
 * 1-256, neither with leading or trailing whitespace (a blank key would widen the spend to the
 * whole account).
 */
export function costTagProblems(
  tag: { readonly key: string; readonly value: string },
  names: CostTagNames,
  isUnresolved: IsUnresolved = () => false,
): SettingProblem[] {
  const out: SettingProblem[] = [];
  const { key, value } = tag;
  if (!isUnresolved(key) && (key.trim() === '' || key.trim() !== key || key.length > 128)) {
    out.push(
      problem(
        names.keyProp,
        names.keyEnv,
        `must be 1-128 characters without leading or trailing whitespace (a blank key would widen the spend to the whole account), got '${key}'`,
      ),
    );
  }
  if (!isUnresolved(value) && (value.trim() === '' || value.trim() !== value || value.length > 256)) {
    out.push(problem(names.valueProp, names.valueEnv, `must be 1-256 characters without leading or trailing whitespace, got '${value}'`));
  }
  return out;
}
