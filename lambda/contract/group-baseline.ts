/**
 * The group's configured baseline, handed down by the construct to both scaler handlers in the
 * GROUP_BASELINE environment variable: what the user's app configured (MinSize, MaxSize,
 * instance type) and the group's own scheduled actions. The handlers never infer these from the
 * live group. Dependency-free: imported by `lib/` (to render) and `lambda/` (to parse).
 */

/** The environment variable that carries the baseline (JSON). */
export const GROUP_BASELINE_ENV = 'GROUP_BASELINE';

/** One of the group's own scheduled actions, as configured in the app. */
export interface BaselineSchedule {
  /** The scheduled action's name (or construct path when the name is generated). */
  readonly name: string;
  /** Cron recurrence, in `timeZone` (UTC when absent). */
  readonly recurrence: string;
  /** IANA time zone of `recurrence`. */
  readonly timeZone?: string;
  /** ISO-8601 start/end of the recurrence, when configured. */
  readonly startTime?: string;
  readonly endTime?: string;
  /** Sizes the action sets; absent means unchanged. */
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

/** What the construct knows about the group's configuration. */
export interface GroupBaseline {
  /** The configured MinSize. */
  readonly minSize: number;
  /** The configured MaxSize. */
  readonly maxSize: number;
  /** The configured instance type (launch template), when the construct knows it. */
  readonly instanceType?: string;
  /** The group's own scheduled actions (not the predictive scaler's). */
  readonly schedules: readonly BaselineSchedule[];
}

/** A GROUP_BASELINE value that is missing or malformed. */
export class GroupBaselineError extends Error {
  constructor(message: string) {
    super(`environment variable ${GROUP_BASELINE_ENV}: ${message}`);
    this.name = 'GroupBaselineError';
  }
}

/** Renders the baseline for the environment. */
export function encodeGroupBaseline(baseline: GroupBaseline): string {
  return JSON.stringify(baseline);
}

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isOptionalSize = (v: unknown) => v === undefined || isSize(v);
const isOptionalString = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() !== '');

/** Parses and checks a GROUP_BASELINE value; throws {@link GroupBaselineError} naming what is wrong. */
export function parseGroupBaseline(raw: string | undefined): GroupBaseline {
  if (raw === undefined || raw.trim() === '') throw new GroupBaselineError('is required');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new GroupBaselineError(`is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new GroupBaselineError('must be a JSON object');
  const b = v as Record<string, unknown>;
  if (!isSize(b.minSize)) throw new GroupBaselineError(`minSize must be an integer >= 0, got ${JSON.stringify(b.minSize)}`);
  if (!isSize(b.maxSize)) throw new GroupBaselineError(`maxSize must be an integer >= 0, got ${JSON.stringify(b.maxSize)}`);
  if (b.minSize > b.maxSize) throw new GroupBaselineError(`minSize (${b.minSize}) must be <= maxSize (${b.maxSize})`);
  if (!isOptionalString(b.instanceType))
    throw new GroupBaselineError(`instanceType must be a non-empty string, got ${JSON.stringify(b.instanceType)}`);
  const schedules = b.schedules ?? [];
  if (!Array.isArray(schedules)) throw new GroupBaselineError('schedules must be an array');
  schedules.forEach((s: unknown, i: number) => {
    if (typeof s !== 'object' || s === null) throw new GroupBaselineError(`schedules[${i}] must be an object`);
    const r = s as Record<string, unknown>;
    if (typeof r.name !== 'string' || r.name.trim() === '') throw new GroupBaselineError(`schedules[${i}].name must be a non-empty string`);
    if (typeof r.recurrence !== 'string' || r.recurrence.trim().split(/\s+/).length !== 5) {
      throw new GroupBaselineError(`schedules[${i}].recurrence must be a 5-field cron expression, got ${JSON.stringify(r.recurrence)}`);
    }
    for (const k of ['timeZone', 'startTime', 'endTime'] as const) {
      if (!isOptionalString(r[k])) throw new GroupBaselineError(`schedules[${i}].${k} must be a non-empty string, got ${JSON.stringify(r[k])}`);
    }
    for (const k of ['minSize', 'maxSize', 'desiredCapacity'] as const) {
      if (!isOptionalSize(r[k])) throw new GroupBaselineError(`schedules[${i}].${k} must be an integer >= 0, got ${JSON.stringify(r[k])}`);
    }
  });
  return {
    minSize: b.minSize,
    maxSize: b.maxSize,
    ...(b.instanceType !== undefined ? { instanceType: (b.instanceType as string).trim() } : {}),
    schedules: schedules as BaselineSchedule[],
  };
}
