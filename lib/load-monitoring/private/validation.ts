import { Token } from 'aws-cdk-lib';

/*
 * Small synth-time checks shared by the load-monitoring, load-distribution and resource-management
 * constructs. Internal: not exported from the package entry point. Every check skips unresolved
 * tokens, since their value is only known at deploy time.
 */

/** A pragmatic e-mail address shape: one '@', no spaces, a dot in the domain. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Throws if any resolved entry of `addresses` is not an e-mail address, naming the prop. */
export function validateEmailAddresses(propName: string, addresses: readonly string[] | undefined): void {
  for (const [index, address] of (addresses ?? []).entries()) {
    if (Token.isUnresolved(address)) continue;
    if (!EMAIL_ADDRESS.test(address)) {
      throw new Error(`${propName}[${index}] ('${address}') is not an e-mail address`);
    }
  }
  const resolved = (addresses ?? []).filter((a) => !Token.isUnresolved(a)).map((a) => a.toLowerCase());
  const duplicate = resolved.find((a, i) => resolved.indexOf(a) !== i);
  if (duplicate !== undefined) {
    throw new Error(`${propName} lists '${duplicate}' more than once`);
  }
}

/**
 * Throws unless `min <(=) value <(=) max`; `value` undefined or unresolved passes.
 * The message names the prop, its value and the allowed range.
 */
export function validateRange(
  propName: string,
  value: number | undefined,
  range: { min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean; unit?: string },
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const unit = range.unit ?? '';
  const tooLow = range.minExclusive ? value <= range.min : value < range.min;
  const tooHigh = range.maxExclusive ? value >= range.max : value > range.max;
  if (Number.isNaN(value) || tooLow || tooHigh) {
    if (range.max === Infinity) {
      throw new Error(`${propName} (${value}${unit}) must be ${range.minExclusive ? '>' : '>='} ${range.min}${unit}`);
    }
    const lower = range.minExclusive ? '(' : '[';
    const upper = range.maxExclusive ? ')' : ']';
    throw new Error(
      `${propName} (${value}${unit}) must be in ${lower}${range.min}${unit}, ${range.max}${unit}${upper}`,
    );
  }
  if (range.integer && !Number.isInteger(value)) {
    throw new Error(`${propName} (${value}) must be a whole number`);
  }
}
