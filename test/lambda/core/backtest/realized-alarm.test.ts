import * as fc from 'fast-check';
import { REALIZED_UNSERVED_WINDOW_MINUTES, realizedUnservedAlarmWindow } from '../../../../lambda/contract';
import { replayRealizedAlarm } from '../../../../lambda/core/backtest/realized-alarm';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5); // on the hour
const DAYS = 3;

/** A load of 10 against 2 instances of 10 (half used), with bursts to 100 over the given minutes. */
function group(bursts: readonly number[], days = DAYS): { load: Float64Array; capacity: Float64Array } {
  const load = new Float64Array(days * 1440).fill(10);
  for (const m of bursts) load[m] = 100;
  return { load, capacity: new Float64Array(load.length).fill(2) };
}

/** The construct's alarm for the scaler's default schedule (a run, and a share, every 5 minutes). */
const construct = realizedUnservedAlarmWindow(300);
const alarm = (periods = construct.periods) => ({
  capacityPerInstance: 10,
  targetUtilization: 0.7,
  minCapacity: 1,
  unservedBudget: 3e-4,
  windowSteps: REALIZED_UNSERVED_WINDOW_MINUTES,
  everySteps: 5,
  periodSteps: construct.periodSeconds / 60,
  periods,
});

describe('realizedUnservedAlarmWindow: one period longer than the metric window, no period without a run', () => {
  test('an hour, 25 of them, for runs up to 30 minutes apart; two runs a period beyond, at most a day', () => {
    expect(realizedUnservedAlarmWindow(300)).toEqual({ periodSeconds: 3600, periods: 25 });
    expect(realizedUnservedAlarmWindow(1800)).toEqual({ periodSeconds: 3600, periods: 25 });
    expect(realizedUnservedAlarmWindow(3600)).toEqual({ periodSeconds: 7200, periods: 13 });
    expect(realizedUnservedAlarmWindow(43_200)).toEqual({ periodSeconds: 86_400, periods: 2 });
    expect(realizedUnservedAlarmWindow(86_400)).toEqual({ periodSeconds: 86_400, periods: 2 });
  });

  test('any schedule the construct accepts: longer than the metric window, within what CloudWatch evaluates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1440 }), (minutes) => {
        const w = realizedUnservedAlarmWindow(60 * minutes);
        expect(w.periodSeconds % 60).toBe(0);
        expect(w.periodSeconds).toBeGreaterThanOrEqual(Math.min(86_400, Math.max(3600, 2 * 60 * minutes)));
        expect(w.periodSeconds).toBeGreaterThanOrEqual(60 * minutes);
        expect(w.periods * w.periodSeconds).toBeGreaterThan(REALIZED_UNSERVED_WINDOW_MINUTES * 60);
        expect(w.periods * w.periodSeconds).toBeLessThanOrEqual(7 * 86_400);
      }),
    );
  });
});

describe('replayRealizedAlarm: the alarm on RealizedUnservedPercent over a sliding window', () => {
  test('a kept budget publishes shares within it and never alarms', () => {
    const { load, capacity } = group([]);
    const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm());
    expect(r.datapoints).toBe(DAYS * 288);
    expect(r).toMatchObject({ aboveBudget: 0, alarmSteps: 0, alarms: 0 });
  });

  test('one burst of misses, at any minute, never alarms on its own; with a window of a day it always did', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 1440 }), (minute) => {
        const { load, capacity } = group([minute], 2);
        // the burst (80 unserved of a day's 14,490: 0.55%) keeps the rolling day above the budget for a day
        const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm());
        expect(r.aboveBudget).toBe(288);
        expect(r.alarms).toBe(0);
        // 24 hourly periods: the 288 shares above the budget fill the window for 5 minutes
        expect(replayRealizedAlarm(load, capacity, T0, MIN, alarm(24))).toMatchObject({ alarms: 1, alarmSteps: 5 });
      }),
      { numRuns: 15 },
    );
  });

  test('misses over 90 minutes keep the share above the budget for longer than the window, and alarm', () => {
    const { load, capacity } = group(Array.from({ length: 90 }, (_, i) => 600 + i));
    const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm());
    // above the budget from minute 600 to 689 + 1439; the window is 1500 minutes
    expect(r).toMatchObject({ alarms: 1, alarmSteps: 35, firstAlarmStep: 595 + 1500 });
  });

  test('misses that recur within a day alarm, from the 25th hour', () => {
    const { load, capacity } = group([120, 120 + 720, 120 + 1440]);
    const r = replayRealizedAlarm(load, capacity, T0, MIN, alarm());
    // shares above the budget from minute 120 to 2995: the window clears the last one within it (115) at 1615
    expect(r).toMatchObject({ alarms: 1, firstAlarmStep: 1615, alarmSteps: 2999 - 1615 + 1 });
  });

  test('a breach that began before the reported steps counts from their first', () => {
    const { load, capacity } = group([120, 120 + 720, 120 + 1440]);
    const r = replayRealizedAlarm(load, capacity, T0, MIN, { ...alarm(), from: 2000 });
    expect(r.datapoints).toBe((DAYS * 1440 - 2000) / 5);
    expect(r).toMatchObject({ alarms: 1, firstAlarmStep: 2000, alarmSteps: 1000 });
  });

  test('a period without a published share is not breaching', () => {
    const { load, capacity } = group([120, 120 + 720, 120 + 1440]);
    // one share every two hours: every other hour has none
    const r = replayRealizedAlarm(load, capacity, T0, MIN, { ...alarm(), everySteps: 120 });
    expect(r.datapoints).toBe(DAYS * 12);
    expect(r.alarms).toBe(0);
  });
});
