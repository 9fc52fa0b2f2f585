/**
 * Issue 22, item 4 (the model): the group's schedules as AWS runs them and wherever they live.
 * - a recurrence with a StartTime also runs at its StartTime (AWS: "performs the action at this
 *   time, and then performs the action based on the specified recurrence"), not before it;
 * - the merge rule of lambda/core/capacity/group-schedules.ts: handed-down schedules as
 *   configured, AWS's other recurring actions added once, the scaler's own left out, a reported
 *   StartTime that is the next run not read as a start;
 * - the time zone check shared by the constructs: IANA names and aliases, nothing else.
 */
import type { GroupBaseline } from '../../../../lambda/contract/group-baseline';
import {
  CronError,
  isTimeZone,
  lastFiring,
  mergeGroupSchedules,
  scheduleChangeTimes,
  scheduleFirings,
  scheduledBounds,
  upcomingScheduledFloor,
  withGroupSchedules,
} from '../../../../lambda/core/capacity';

const HOUR = 3_600_000;
const WED_1000 = Date.parse('2026-12-02T10:00:00Z');
// Saturdays at 08:00 UTC, starting on a Wednesday at 10:00.
const launch = { name: 'launch', recurrence: '0 8 * * 6', startTime: '2026-12-02T10:00:00.000Z', minSize: 6 };
const base: GroupBaseline = { minSize: 3, maxSize: 10, schedules: [launch] };

describe('a recurrence with a StartTime', () => {
  test('runs at its StartTime, then on its recurrence', () => {
    expect(scheduleFirings(launch, WED_1000 - HOUR, WED_1000 + 4 * 86_400_000)).toEqual([WED_1000, Date.parse('2026-12-05T08:00:00Z')]);
    expect(lastFiring(launch, WED_1000 + HOUR)).toBe(WED_1000);
    expect(scheduledBounds(base, WED_1000 + HOUR)).toMatchObject({ minSize: 6, minFrom: 'schedule:launch' });
    expect(scheduleChangeTimes(base, WED_1000 - HOUR, WED_1000 + HOUR)).toEqual([WED_1000]);
    expect(upcomingScheduledFloor(base, WED_1000 - HOUR, WED_1000 + HOUR)).toBe(6);
  });

  test('is not in force before its StartTime (the Saturday before did not run it)', () => {
    expect(lastFiring(launch, WED_1000 - HOUR)).toBeUndefined();
    expect(scheduledBounds(base, WED_1000 - HOUR)).toMatchObject({ minSize: 3, minFrom: 'configured' });
  });

  test('after an EndTime before the StartTime it never runs', () => {
    const ended = { ...launch, endTime: '2026-12-01T00:00:00.000Z' };
    expect(scheduleFirings(ended, WED_1000 - 86_400_000 * 10, WED_1000 + 86_400_000 * 10)).toEqual([]);
    expect(lastFiring(ended, WED_1000 + 86_400_000 * 10)).toBeUndefined();
  });
});

describe('the merge of the handed-down schedules and the actions AWS holds', () => {
  const morning = { name: 'S/Web/Policy3', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 6 };
  const now = Date.parse('2026-11-30T09:00:00Z'); // Monday 10:00 Berlin

  test('an action AWS holds that the construct handed down counts once, as handed down', () => {
    const live = [
      { name: 'Stack-Policy3-XYZ', recurrence: '0  8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 6, startTime: Date.parse('2026-12-01T07:00:00Z') },
    ];
    expect(mergeGroupSchedules([morning], live, now)).toEqual([morning]);
  });

  test("an action only AWS knows (another stack, the console, a CfnParameter value) is added; the scaler's own are not", () => {
    const live = [
      { name: 'other-stack', recurrence: '0 9 * * 1-5', timeZone: 'Europe/Berlin', minSize: 5 },
      { name: 'predictive-scaler-x', recurrence: '0 10 * * *', minSize: 9 },
    ];
    const merged = mergeGroupSchedules([morning], live, now, 'predictive-scaler-');
    expect(merged.map((s) => s.name)).toEqual(['S/Web/Policy3', 'other-stack']);
    expect(scheduledBounds({ minSize: 3, maxSize: 10, schedules: merged }, now)).toMatchObject({ minSize: 5, minFrom: 'schedule:other-stack' });
  });

  test('the StartTime AWS reports: its next run is not a start; a later one is a start not reached; a past one is the start', () => {
    const rec = { name: 'a', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 6 };
    const nextRun = Date.parse('2026-12-01T07:00:00Z'); // Tuesday 08:00 Berlin
    expect(mergeGroupSchedules([], [{ ...rec, startTime: nextRun }], now)[0]).not.toHaveProperty('startTime');
    const later = Date.parse('2026-12-07T07:00:00Z');
    const notYet = withGroupSchedules({ minSize: 3, maxSize: 10, schedules: [] }, [{ ...rec, startTime: later }], now);
    expect(notYet.schedules[0].startTime).toBe(new Date(later).toISOString());
    expect(scheduledBounds(notYet, now)).toMatchObject({ minSize: 3, minFrom: 'configured' });
    const past = Date.parse('2026-11-01T00:00:00Z');
    expect(mergeGroupSchedules([], [{ ...rec, startTime: past }], now)[0].startTime).toBe(new Date(past).toISOString());
  });

  test('a recurrence the model cannot read fails the merge (the run then changes nothing), naming it', () => {
    expect(() => mergeGroupSchedules([], [{ name: 'bad', recurrence: '0 8 * * * 2027', minSize: 4 }], now)).toThrow(CronError);
  });
});

test('time zones: IANA names and aliases, written as the database writes them', () => {
  for (const z of ['Europe/Berlin', 'UTC', 'Etc/UTC', 'Etc/GMT+9', 'US/Eastern', 'America/Argentina/Buenos_Aires', 'GMT'])
    expect(isTimeZone(z)).toBe(true);
  for (const z of ['Berlin', 'Mars/Olympus', 'europe/berlin', 'utc', '+01:00', '', 'Europe/Berlin ']) expect(isTimeZone(z)).toBe(false);
});
