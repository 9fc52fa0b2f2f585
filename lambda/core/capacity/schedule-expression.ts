/**
 * Application Auto Scaling's schedule expressions, as the scheduled actions of an ECS service's
 * scalable target hold them (`at(yyyy-mm-ddThh:mm:ss)`, `cron(fields)`, `rate(value unit)`), read
 * as the 5-field recurrence the group's own schedules use (`./cron`), so that a service's own
 * schedules are honoured as a group's are. Pure.
 *
 * Application Auto Scaling's cron has six fields (minute hour day-of-month month day-of-week
 * year), `?` for "no value" in one of the day fields, and days of week 1-7 for SUN-SAT; Unix cron
 * has five and 0-6. A year other than `*`, the `L`, `W` and `#` forms, and `rate(...)` (which
 * counts from the action's start, not the clock) have no 5-field equivalent: they are errors,
 * and the run that meets one changes nothing rather than undo a schedule it cannot model.
 */
import { CronError } from './cron';

/**
 * The 5-field recurrence of a `cron(...)` expression; undefined for a one-time `at(...)`.
 * Throws {@link CronError} naming what cannot be modeled.
 */
export function recurrenceOfSchedule(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^at\(.*\)$/.test(text)) return undefined;
  if (/^rate\(.*\)$/.test(text)) {
    throw new CronError(`schedule '${schedule}' is a rate, counted from the action's start: it has no cron recurrence to model it by`);
  }
  const m = /^cron\((.*)\)$/.exec(text);
  if (!m) throw new CronError(`schedule '${schedule}' is not at(...), cron(...) or rate(...)`);
  const fields = m[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new CronError(`schedule '${schedule}' must have 6 fields (minute hour day-of-month month day-of-week year)`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
  if (year !== '*' && year !== '?') throw new CronError(`schedule '${schedule}': a year (${year}) cannot be modeled`);
  for (const [what, f] of [
    ['day of month', dayOfMonth],
    ['day of week', dayOfWeek],
  ] as const) {
    if (
      /[LW#]/i.test(
        f.replace(/[A-Z]{3}/gi, (name) =>
          /^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(name) ? '' : name,
        ),
      )
    ) {
      throw new CronError(`schedule '${schedule}': the ${what} '${f}' (L, W or #) cannot be modeled`);
    }
  }
  const unixDay = (n: string): string => {
    if (!/^\d+$/.test(n)) return n; // a name (SUN-SAT) reads the same
    const d = Number(n);
    if (d < 1 || d > 7) throw new CronError(`schedule '${schedule}': day of week ${d} is outside 1-7`);
    return String(d - 1);
  };
  // Only the days themselves shift (1-7 to 0-6), not a step after '/'.
  const weekDays =
    dayOfWeek === '?'
      ? '*'
      : dayOfWeek
          .split(',')
          .map((part) => {
            const [range, step] = part.split('/');
            const days = range === '*' ? '*' : range.split('-').map(unixDay).join('-');
            return step === undefined ? days : `${days}/${step}`;
          })
          .join(',');
  return [minute, hour, dayOfMonth === '?' ? '*' : dayOfMonth, month, weekDays].join(' ');
}
