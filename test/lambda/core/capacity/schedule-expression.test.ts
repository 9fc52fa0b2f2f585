/**
 * Application Auto Scaling's schedule expressions read as the 5-field recurrences of the group's
 * schedules: an ECS service's own scheduled actions are honoured as a group's are.
 */
import fc from 'fast-check';
import { CronError, nextOccurrence, parseCron, recurrenceOfSchedule } from '../../../../lambda/core/capacity';

test('cron(...) to the 5-field recurrence: ? is any, days of week 1-7 (SUN-SAT) become 0-6, steps stay', () => {
  expect(recurrenceOfSchedule('cron(0 8 * * ? *)')).toBe('0 8 * * *');
  expect(recurrenceOfSchedule('cron(30 7 ? * MON-FRI *)')).toBe('30 7 * * MON-FRI');
  expect(recurrenceOfSchedule('cron(0 9 ? * 2-6 *)')).toBe('0 9 * * 1-5');
  expect(recurrenceOfSchedule('cron(0 9 ? * 1,7 *)')).toBe('0 9 * * 0,6');
  expect(recurrenceOfSchedule('cron(0 9 ? * 2/2 *)')).toBe('0 9 * * 1/2');
  expect(recurrenceOfSchedule('cron(0/15 * 1 JAN ? *)')).toBe('0/15 * 1 JAN *');
  expect(recurrenceOfSchedule(' cron( 0 22 * * ? * ) ')).toBe('0 22 * * *');
  // a one-time action is no recurrence
  expect(recurrenceOfSchedule('at(2026-12-08T10:00:00)')).toBeUndefined();
});

test('what has no 5-field recurrence is a CronError naming it: a rate, a year, L, W and #', () => {
  for (const [schedule, message] of [
    ['rate(6 hours)', "schedule 'rate(6 hours)' is a rate"],
    ['cron(0 8 * * ? 2027)', 'a year (2027) cannot be modeled'],
    ['cron(0 8 L * ? *)', "the day of month 'L' (L, W or #) cannot be modeled"],
    ['cron(0 8 15W * ? *)', "the day of month '15W'"],
    ['cron(0 8 ? * 6#3 *)', "the day of week '6#3'"],
    ['cron(0 8 ? * 6L *)', "the day of week '6L'"],
    ['cron(0 8 * * ?)', 'must have 6 fields'],
    ['cron(0 8 ? * 0 *)', 'day of week 0 is outside 1-7'],
    ['every day', 'is not at(...), cron(...) or rate(...)'],
  ] as const) {
    expect(() => recurrenceOfSchedule(schedule)).toThrow(CronError);
    expect(() => recurrenceOfSchedule(schedule)).toThrow(message);
  }
  // day names with an L in them (JUL, SAT...) are names, not the L form
  expect(recurrenceOfSchedule('cron(0 8 1 JUL ? *)')).toBe('0 8 1 JUL *');
});

test('property: the converted recurrence runs on the weekday Application Auto Scaling means (1 = Sunday ... 7 = Saturday)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) }),
      (awsDay, hour, from) => {
        const next = nextOccurrence(parseCron(recurrenceOfSchedule(`cron(0 ${hour} ? * ${awsDay} *)`)!), from);
        expect(next).toBeDefined();
        expect(new Date(next!).getUTCDay()).toBe(awsDay - 1);
        expect(new Date(next!).getUTCHours()).toBe(hour);
      },
    ),
  );
});
