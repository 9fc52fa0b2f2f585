/**
 * The capacity model's pure core: the cron evaluator (time zones, DST, day-of-week/month rules)
 * and the one precedence rule (who wins and why), with properties over random layers.
 */
import fc from 'fast-check';
import type { GroupBaseline } from '../../../../lambda/contract/group-baseline';
import {
  effectiveCapacity,
  lastOccurrence,
  minSizeAfterFreshRead,
  occurrencesBetween,
  parseCron,
  scheduledBounds,
  upcomingScheduledFloor,
} from '../../../../lambda/core/capacity';

/** The shipped staging stack: configured 2..6, weekday floor of 3 at 08:00 and back to 2 at 19:00, Berlin time. */
const STAGING: GroupBaseline = {
  minSize: 2,
  maxSize: 6,
  schedules: [
    { name: 'weekday-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
    { name: 'weekday-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 },
  ],
};

describe('cron', () => {
  test('fields, names, steps, lists and ranges', () => {
    const c = parseCron('*/15 8-10,18 * JAN-MAR MON-FRI');
    expect(c.minutes).toEqual([0, 15, 30, 45]);
    expect(c.hours).toEqual([8, 9, 10, 18]);
    expect([...c.months]).toEqual([1, 2, 3]);
    expect([...c.daysOfWeek].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect(() => parseCron('0 25 * * *')).toThrow(/hour 25 is outside 0-23/);
    expect(() => parseCron('0 8 * *')).toThrow(/5 fields/);
    expect(() => parseCron('0 8 * * FOO')).toThrow(/day of week/);
  });

  test('last occurrence in a time zone, across a weekend and a DST change', () => {
    const c = parseCron('0 8 * * 1-5');
    // Monday 2026-11-30 07:06 UTC = 08:06 Berlin (CET, UTC+1): fired at 07:00 UTC.
    expect(lastOccurrence(c, Date.parse('2026-11-30T07:06:00Z'), 'Europe/Berlin')).toBe(Date.parse('2026-11-30T07:00:00Z'));
    // Monday 06:59 UTC: not yet; the last one was Friday 08:00 Berlin.
    expect(lastOccurrence(c, Date.parse('2026-11-30T06:59:00Z'), 'Europe/Berlin')).toBe(Date.parse('2026-11-27T07:00:00Z'));
    // Summer time (CEST, UTC+2): 08:00 Berlin is 06:00 UTC.
    expect(lastOccurrence(c, Date.parse('2026-07-01T06:30:00Z'), 'Europe/Berlin')).toBe(Date.parse('2026-07-01T06:00:00Z'));
    // Monday 2026-03-30, the day after the change to CEST.
    expect(lastOccurrence(c, Date.parse('2026-03-30T06:00:00Z'), 'Europe/Berlin')).toBe(Date.parse('2026-03-30T06:00:00Z'));
    // UTC when no zone; day of month OR day of week when both are restricted.
    expect(lastOccurrence(parseCron('30 2 1 * 0'), Date.parse('2026-11-30T00:00:00Z'))).toBe(Date.parse('2026-11-29T02:30:00Z'));
  });

  test('occurrences in a window', () => {
    const c = parseCron('0 8,19 * * 1-5');
    expect(occurrencesBetween(c, Date.parse('2026-11-27T00:00:00Z'), Date.parse('2026-11-30T23:59:00Z'), 'Europe/Berlin')).toEqual([
      Date.parse('2026-11-27T07:00:00Z'),
      Date.parse('2026-11-27T18:00:00Z'),
      Date.parse('2026-11-30T07:00:00Z'),
      Date.parse('2026-11-30T18:00:00Z'),
    ]);
  });

  test('property: the last occurrence is an occurrence, and none lies between it and t', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('0 8 * * 1-5', '*/20 * * * *', '15 3 1,15 * *', '0 0 * * 0', '45 23 * FEB *'),
        fc.constantFrom(undefined, 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
        (expr, tz, t) => {
          const c = parseCron(expr);
          const last = lastOccurrence(c, t, tz)!;
          expect(last).toBeLessThanOrEqual(t);
          expect(occurrencesBetween(c, last, t, tz)).toEqual([]);
          expect(occurrencesBetween(c, last - 60_000, last, tz)).toEqual([last]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the precedence rule', () => {
  const MON_0806 = Date.parse('2026-11-30T07:06:00Z'); // 08:06 Berlin
  const MON_0300 = Date.parse('2026-11-30T02:00:00Z'); // 03:00 Berlin

  test("the cost optimizer's level floor is a floor under the caps: the higher of it and the predictive floor, clamped to the cap, replaced off-hours (issue 21)", () => {
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, budgetFloor: 4, predictiveFloor: 3 })).toMatchObject({
      minSize: 4,
      minFrom: 'budget-floor',
    });
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, budgetFloor: 4, predictiveFloor: 5 })).toMatchObject({
      minSize: 5,
      minFrom: 'predictive-floor',
    });
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, budgetFloor: 5, budgetCap: 3 })).toMatchObject({ minSize: 3, maxSize: 3 });
    // Never under the user's own schedule, never above the user's MaxSize.
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, budgetFloor: 2 })).toMatchObject({ minSize: 3, minFrom: 'schedule:weekday-morning' });
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, budgetFloor: 9 })).toMatchObject({ minSize: 6, maxSize: 6 });
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, budgetFloor: 4, offHoursFloor: 2 })).toMatchObject({ minSize: 2, maxSize: 2 });
  });

  test("the group's own schedules are the user's bounds at that time (bug 2, bug 3)", () => {
    expect(scheduledBounds(STAGING, MON_0806)).toMatchObject({ minSize: 3, maxSize: 6, minFrom: 'schedule:weekday-morning' });
    expect(scheduledBounds(STAGING, MON_0300)).toMatchObject({ minSize: 2, maxSize: 6, minFrom: 'schedule:weekday-evening' });
    // The predictive floor of 2 at 08:06 does not undo the schedule's 3.
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, predictiveFloor: 2 })).toMatchObject({
      minSize: 3,
      minFrom: 'schedule:weekday-morning',
    });
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, predictiveFloor: 5 })).toMatchObject({
      minSize: 5,
      maxSize: 6,
      minFrom: 'predictive-floor',
    });
  });

  test('the budget cap wins over the predictive floor, the emergency floor over the cap, the user schedule over both', () => {
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, predictiveFloor: 5, budgetCap: 4 })).toMatchObject({
      minSize: 4,
      maxSize: 4,
      maxFrom: 'budget-cap',
    });
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, budgetCap: 3, emergencyFloor: 5 })).toMatchObject({
      maxSize: 5,
      maxFrom: 'emergency-floor',
    });
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, budgetCap: 1 })).toMatchObject({
      minSize: 3,
      maxSize: 3,
      maxFrom: 'schedule:weekday-morning',
    });
    // A pending predictive action keeps the cap up until it has run (bug 5).
    expect(effectiveCapacity({ at: MON_0806, baseline: STAGING, budgetCap: 3, pendingFloor: 5 })).toMatchObject({
      maxSize: 5,
      maxFrom: 'predictive-floor',
    });
    // Never above the user's MaxSize.
    expect(
      effectiveCapacity({ at: MON_0806, baseline: STAGING, predictiveFloor: 9, emergencyFloor: 9, budgetCap: 9, pendingFloor: 9 }),
    ).toMatchObject({ minSize: 6, maxSize: 6 });
  });

  test('off-hours holds the group at its floor, above the user MinSize in force', () => {
    expect(effectiveCapacity({ at: MON_0300, baseline: STAGING, offHoursFloor: 1, desiredCapacity: 4 })).toMatchObject({
      minSize: 2,
      maxSize: 2,
      desiredCapacity: 2,
    });
    expect(
      effectiveCapacity({ at: MON_0300, baseline: { ...STAGING, minSize: 0, schedules: [] }, offHoursFloor: 1, desiredCapacity: 4 }),
    ).toMatchObject({ minSize: 1, maxSize: 1, desiredCapacity: 1, maxFrom: 'off-hours' });
  });

  test('a cap before a schedule fires must leave room for its MinSize', () => {
    expect(upcomingScheduledFloor(STAGING, Date.parse('2026-11-30T06:30:00Z'), Date.parse('2026-11-30T08:30:00Z'))).toBe(3);
    expect(upcomingScheduledFloor(STAGING, Date.parse('2026-11-30T08:30:00Z'), Date.parse('2026-11-30T10:30:00Z'))).toBe(0);
  });

  test('a fresh read keeps a floor that landed and does not raise one released', () => {
    expect(minSizeAfterFreshRead(2, 2, 5, 6)).toBe(5); // kept the floor: whatever is there now
    expect(minSizeAfterFreshRead(2, 2, 5, 4)).toBe(4); // ... within the new MaxSize
    expect(minSizeAfterFreshRead(3, 2, 5, 6)).toBe(5); // raised in between: not undone (bug 4)
    expect(minSizeAfterFreshRead(5, 5, 2, 6)).toBe(2); // released in between: not raised again
    expect(minSizeAfterFreshRead(1, 5, 5, 1)).toBe(1); // an explicit lowering (off-hours)
  });

  const layers = fc.record({
    at: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
    minSize: fc.integer({ min: 0, max: 10 }),
    extra: fc.integer({ min: 0, max: 10 }),
    schedules: fc.array(
      fc.record({
        recurrence: fc.constantFrom('0 8 * * 1-5', '0 19 * * 1-5', '30 * * * *', '0 0 1 * *'),
        timeZone: fc.constantFrom(undefined, 'Europe/Berlin', 'America/Los_Angeles'),
        minSize: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        maxSize: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    predictiveFloor: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    offHoursFloor: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    budgetCap: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    emergencyFloor: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    pendingFloor: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    desiredCapacity: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
  });

  test('property: MinSize <= desired <= MaxSize, within the user bounds, never undoing the user MinSize', () => {
    fc.assert(
      fc.property(layers, (l) => {
        const baseline: GroupBaseline = {
          minSize: l.minSize,
          maxSize: l.minSize + l.extra,
          schedules: l.schedules
            .map((s, i) => ({ name: `s${i}`, ...s }))
            .filter((s) => s.minSize === undefined || s.maxSize === undefined || s.minSize <= s.maxSize),
        };
        const e = effectiveCapacity({ ...l, baseline });
        const s = scheduledBounds(baseline, l.at);
        expect(e.minSize).toBeLessThanOrEqual(e.desiredCapacity);
        expect(e.desiredCapacity).toBeLessThanOrEqual(e.maxSize);
        expect(e.maxSize).toBeLessThanOrEqual(s.maxSize);
        expect(e.minSize).toBeGreaterThanOrEqual(s.minSize);
        // The budget cap never goes below the emergency floor or a pending floor (within the user's MaxSize).
        if (l.budgetCap !== undefined && l.offHoursFloor === undefined) {
          expect(e.maxSize).toBeGreaterThanOrEqual(Math.min(s.maxSize, Math.max(l.budgetCap, l.emergencyFloor ?? 0, l.pendingFloor ?? 0)));
        }
        if (l.pendingFloor !== undefined) expect(e.maxSize).toBeGreaterThanOrEqual(Math.min(l.pendingFloor, s.maxSize));
        // The predictive floor holds unless a cap or the user's MaxSize is lower.
        if (l.predictiveFloor !== undefined && l.offHoursFloor === undefined)
          expect(e.minSize).toBeGreaterThanOrEqual(Math.min(l.predictiveFloor, e.maxSize));
      }),
      { numRuns: 300 },
    );
  });
});
