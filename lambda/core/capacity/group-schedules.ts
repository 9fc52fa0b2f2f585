/**
 * The group's own schedules, wherever they were defined: the recurring scheduled actions AWS
 * holds for the group (read at run time with DescribeScheduledActions) merged with the ones the
 * construct handed down in GROUP_BASELINE. Pure: the handlers read, this merges.
 *
 * Why both: the construct sees only the schedules of its own stack whose values are literals;
 * a schedule in another stack, on an imported group, made in the console, or with a
 * CfnParameter MinSize or time zone is known only to AWS. What the construct hands down carries
 * what AWS's answer cannot: the configured StartTime of a recurrence (DescribeScheduledActions
 * reports a recurring action's next run as its StartTime).
 *
 * The rule (one, for both handlers):
 * 1. The bounds (MinSize, MaxSize) are the construct's; only the schedules are merged.
 * 2. Every schedule the construct handed down is in force as configured.
 * 3. Every recurring action AWS holds for the group is in force too, unless it is one the
 *    construct handed down (same recurrence, time zone and sizes) or the scaler's own (its name
 *    starts with the scaler's prefix; the scaler only writes one-time actions anyway).
 * 4. The StartTime AWS reports for such an action: a past one is its configured start (it ran
 *    then, and the recurrence from then on); a future one that is the recurrence's next
 *    occurrence is AWS's next run (the action is in force now); any other future one is a
 *    configured start not reached yet (the action is not in force before it, and runs at it).
 */
import type { BaselineSchedule, GroupBaseline } from '../../contract/group-baseline';
import { nextOccurrence, parseCron } from './cron';

/** One recurring scheduled action of the group, as DescribeScheduledActions returns it. */
export interface RecurringAction {
  readonly name: string;
  readonly recurrence: string;
  readonly timeZone?: string;
  /** Epoch ms. */
  readonly startTime?: number;
  /** Epoch ms. */
  readonly endTime?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

const utcNames = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'GMT', 'Etc/GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu']);

/** What makes two schedules the same action: when it runs and what it sets. */
function identity(s: { recurrence: string; timeZone?: string; minSize?: number; maxSize?: number; desiredCapacity?: number }): string {
  const zone = s.timeZone === undefined || utcNames.has(s.timeZone) ? 'UTC' : s.timeZone;
  return JSON.stringify([s.recurrence.trim().split(/\s+/).join(' '), zone, s.minSize ?? null, s.maxSize ?? null, s.desiredCapacity ?? null]);
}

/** The StartTime to model for an action AWS holds (rule 4 of the module comment). */
function configuredStart(a: RecurringAction, now: number): number | undefined {
  if (a.startTime === undefined || !Number.isFinite(a.startTime)) return undefined;
  if (a.startTime <= now) return a.startTime;
  const next = nextOccurrence(parseCron(a.recurrence), now, a.timeZone);
  return next !== undefined && Math.abs(next - a.startTime) < 60_000 ? undefined : a.startTime;
}

/**
 * The group's schedules: the handed-down ones and the ones only AWS knows (see the module
 * comment). Throws a CronError when an action's recurrence cannot be read (the run then changes
 * nothing: a schedule it cannot model could be undone).
 */
export function mergeGroupSchedules(
  handedDown: readonly BaselineSchedule[],
  live: readonly RecurringAction[],
  now: number,
  ownPrefix?: string,
): BaselineSchedule[] {
  const known = new Set(handedDown.map(identity));
  const out: BaselineSchedule[] = [...handedDown];
  for (const a of live) {
    if (ownPrefix !== undefined && ownPrefix !== '' && a.name.startsWith(ownPrefix)) continue;
    parseCron(a.recurrence); // an unreadable recurrence fails the run here, naming it
    if (known.has(identity(a))) continue;
    const start = configuredStart(a, now);
    out.push({
      name: a.name,
      recurrence: a.recurrence,
      ...(a.timeZone !== undefined ? { timeZone: a.timeZone } : {}),
      ...(start !== undefined ? { startTime: new Date(start).toISOString() } : {}),
      ...(a.endTime !== undefined && Number.isFinite(a.endTime) ? { endTime: new Date(a.endTime).toISOString() } : {}),
      ...(a.minSize !== undefined ? { minSize: a.minSize } : {}),
      ...(a.maxSize !== undefined ? { maxSize: a.maxSize } : {}),
      ...(a.desiredCapacity !== undefined ? { desiredCapacity: a.desiredCapacity } : {}),
    });
  }
  return out;
}

/** The baseline with the group's schedules merged in (the bounds stay the construct's). */
export function withGroupSchedules(baseline: GroupBaseline, live: readonly RecurringAction[], now: number, ownPrefix?: string): GroupBaseline {
  return { ...baseline, schedules: mergeGroupSchedules(baseline.schedules, live, now, ownPrefix) };
}
