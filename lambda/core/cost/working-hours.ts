import type { WorkingHoursInMinutes } from './types';

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Day of week (0 = Sunday) and minute of day of `t` in the schedule's local time. */
export function localTime(t: number, hours: Pick<WorkingHoursInMinutes, 'timeZone' | 'utcOffsetMinutes'>): { day: number; minute: number } {
  if (hours.timeZone) {
    let fmt = formatters.get(hours.timeZone);
    if (!fmt) {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: hours.timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      formatters.set(hours.timeZone, fmt);
    }
    const parts = fmt.formatToParts(new Date(t));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return { day: WEEKDAYS[get('weekday')], minute: Number(get('hour')) * 60 + Number(get('minute')) };
  }
  const local = new Date(t + (hours.utcOffsetMinutes ?? 0) * 60_000);
  return { day: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** True when `t` falls inside the working hours. */
export function inWorkingHours(t: number, hours: WorkingHoursInMinutes): boolean {
  const { day, minute } = localTime(t, hours);
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

/**
 * True when the group must run at full settings at `t`: inside working hours, or less than
 * `leadMs` before they start (so that instances are warm when people arrive).
 */
export function workingCapacityNeeded(t: number, hours: WorkingHoursInMinutes, leadMs: number): boolean {
  return inWorkingHours(t, hours) || inWorkingHours(t + leadMs, hours);
}

/** Checks a working-hours definition; returns the problems found (empty when valid). */
export function workingHoursProblems(hours: WorkingHoursInMinutes): string[] {
  const problems: string[] = [];
  if (hours.days.length === 0) problems.push('days must name at least one day');
  for (const d of hours.days) if (!Number.isInteger(d) || d < 0 || d > 6) problems.push(`days must be 0 (Sunday) to 6 (Saturday), got ${d}`);
  if (!Number.isInteger(hours.startMinute) || hours.startMinute < 0 || hours.startMinute >= 1440)
    problems.push(`startMinute must be 0..1439, got ${hours.startMinute}`);
  if (!Number.isInteger(hours.endMinute) || hours.endMinute <= hours.startMinute || hours.endMinute > 1440) {
    problems.push(`endMinute (${hours.endMinute}) must be after startMinute (${hours.startMinute}) and at most 1440`);
  }
  if (hours.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
    } catch {
      problems.push(`timeZone '${hours.timeZone}' is not a known IANA time zone`);
    }
  }
  if (hours.utcOffsetMinutes !== undefined && (!Number.isInteger(hours.utcOffsetMinutes) || Math.abs(hours.utcOffsetMinutes) > 14 * 60)) {
    problems.push(`utcOffsetMinutes must be an integer within +-840, got ${hours.utcOffsetMinutes}`);
  }
  return problems;
}
