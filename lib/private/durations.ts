import type { Duration } from 'aws-cdk-lib';

/** A duration prop in seconds (fractional kept, so the contract can name a non-integral value). */
export function durationSeconds(prop: string, value: Duration): number {
  if (value.isUnresolved())
    throw new Error(`${prop} must be a literal duration (its value is checked against the handler's bounds at synthesis), got a token`);
  return value.toSeconds({ integral: false });
}
