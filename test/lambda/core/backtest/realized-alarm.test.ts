import * as fc from 'fast-check';
import { REALIZED_UNSERVED_ALARM_HOURS, REALIZED_UNSERVED_WINDOW_MINUTES } from '../../../../lambda/contract';
import { replayRealizedAlarm } from '../../../../lambda/core/backtest/realized-alarm';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5); // on the hour
const DAYS = 3;

/** A load of 10 against 2 instances of 10 (half used), with bursts to 100 at the given minutes. */
function group(bursts: readonly number[], days = DAYS): { load: Float64Array; capacity: Float64Array } {
  const load = new Float64Array(days * 1440).fill(10);
  for (const m of bursts) load[m] = 100;
  return { load, capacity: new Float64Array(load.length).fill(2) };
}

/** The construct's alarm, published every 5 minutes (the scaler's default schedule). */
const alarm = (periods: number) => ({
  capacityPerInstance: 10,
  targetUtilization: 0.7,
  minCapacity: 1,
  unservedBudget: 3e-4,
  windowSteps: REALIZED_UNSERVED_WINDOW_MINUTES,
  everySteps: 5,
  periodSteps: 60,
  periods,
});

describe('replayRealizedAlarm: the alarm on RealizedUnservedPercent', () => {
  test('a kept budget publishes shares within it and never alarms', () => {
    const { load, capacity } = group([]);
    const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm(REALIZED_UNSERVED_ALARM_HOURS));
    expect(r.datapoints).toBe(DAYS * 288);
    expect(r).toMatchObject({ aboveBudget: 0, alarmPeriods: 0, alarms: 0 });
  });

  test('one burst of misses, at any minute of the hour, never alarms on its own', () => {
    fc.assert(
      fc.property(
        // any minute of the first day, and the last minutes of an hour in particular
        fc.oneof(
          fc.integer({ min: 60, max: 1440 }),
          fc.integer({ min: 1, max: 23 }).map((h) => h * 60 + 55 + (h % 5)),
        ),
        (minute) => {
          const { load, capacity } = group([minute], 2);
          const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm(REALIZED_UNSERVED_ALARM_HOURS));
          // the burst (90 of a day's 14,490: 0.6%) keeps the rolling day above the budget for a day
          expect(r.aboveBudget).toBe(288);
          expect(r.alarms).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('with as many hours as the window, a burst in the last minutes of an hour alarmed (why one more)', () => {
    const late = group([10 * 60 + 58]);
    expect(replayRealizedAlarm(late.load, late.capacity, T0, MIN, alarm(24))).toMatchObject({ alarms: 1, alarmPeriods: 1 });
    const early = group([10 * 60 + 20]);
    expect(replayRealizedAlarm(early.load, early.capacity, T0, MIN, alarm(24)).alarms).toBe(0);
  });

  test('misses that recur within a day keep the share above the budget for longer, and alarm', () => {
    const { load, capacity } = group([120, 120 + 720, 120 + 1440]);
    const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm(REALIZED_UNSERVED_ALARM_HOURS));
    expect(r.alarms).toBe(1);
    // above the budget from minute 120 to 1560 + 1439 (hours 2 to 49): in ALARM from hour 26 on
    expect(r.firstAlarmStep).toBe(26 * 60);
    expect(r.alarmPeriods).toBe(48 - 24);
  });

  test('an hour without a published share is not breaching: the count starts again', () => {
    const { load, capacity } = group([120, 120 + 720, 120 + 1440]);
    // one share every two hours: every other hour has none
    const r = replayRealizedAlarm(load, capacity, T0, MIN, { ...alarm(REALIZED_UNSERVED_ALARM_HOURS), everySteps: 120 });
    expect(r.datapoints).toBe(DAYS * 12);
    expect(r.alarms).toBe(0);
  });
});
