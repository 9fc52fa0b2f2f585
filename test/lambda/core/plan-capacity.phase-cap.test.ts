import { explainPlan } from '../../../lambda/core/plan-capacity';
import type { PlanInput } from '../../../lambda/core/plan-types';
import { DAY, MIN, noise, series } from './synthetic-load';

/**
 * The history-peak cap follows the same phase of the last 7 days where the recent highs recurred
 * at their time of day (a burst every day at about 14:00), and stays the whole history's highest load
 * where they came at any hour.
 */
const T0 = Date.UTC(2026, 0, 5);
const PER_INSTANCE = 10;

/** 10 days of load about 100, with a 20-minute burst to 400 each day at `burstMinute(day)`. */
function input(burstMinute: (day: number) => number, nowMinuteOfDay: number): PlanInput {
  const days = 10;
  const load = series(days + 1, () => 100, 0.1, 3).slice(0, days * DAY + nowMinuteOfDay);
  for (let d = 0; d <= days; d++) {
    const at = d * DAY + burstMinute(d);
    for (let i = at; i < at + 20 && i < load.length; i++) load[i] = 400;
  }
  return {
    now: T0 + load.length * MIN,
    history: { start: T0, stepSeconds: 60, values: load },
    capacityPerInstance: PER_INSTANCE,
    targetUtilization: 0.7,
    minCapacity: 1,
    maxCapacity: 200,
    launchLeadSeconds: 300,
    horizonSeconds: 1800,
  };
}

/** About 14:00, give or take 40 minutes: the daily profile misses it, the phase's highest load does not. */
const at14 = (() => {
  const rnd = noise(11);
  const minute = Array.from({ length: 12 }, () => 14 * 60 + Math.round(40 * rnd()));
  return (day: number) => minute[day];
})();
const anyHour = (seed: number) => {
  const rnd = noise(seed);
  return () => Math.floor((0.5 + 0.5 * rnd()) * (DAY - 30));
};

describe('the same-phase history-peak cap', () => {
  test('a burst that recurs at its hour: far from it the plan is capped by that phase, not by the burst', () => {
    const i = input(at14, 3 * 60);
    // the level-scaled models alone: the daily profile as it is (unscaledProfiles) plans the burst
    // from its hour as well, see below
    const phase = explainPlan(i, { unscaledProfiles: false }).explanation!;
    const whole = explainPlan(i, { phaseCapSeconds: 0, unscaledProfiles: false }).explanation!;
    expect(phase.peakCap.samePhase).toBe(true);
    expect(whole.peakCap.samePhase).toBe(false);
    // without it the burst's replayed misses hold the quiet night at the burst's capacity
    expect(Math.max(...whole.need)).toBeGreaterThanOrEqual(Math.ceil(400 / PER_INSTANCE) - 1);
    expect(Math.max(...phase.need)).toBeLessThan(Math.max(...whole.need));
    // never below what the forecast needs at the target utilization
    expect(Math.min(...phase.need)).toBeGreaterThanOrEqual(Math.ceil(100 / (PER_INSTANCE * 0.7)) - 2);
    // by default the unscaled daily profile plans the quiet night low without the cap as well
    const profile = explainPlan(i, { phaseCapSeconds: 0 }).explanation!;
    expect(Math.max(...profile.need)).toBeLessThan(Math.max(...whole.need));
  });

  test('ahead of the burst the plan still reaches what the burst needs', () => {
    const i = input(at14, 13 * 60 + 45);
    const phase = explainPlan(i).explanation!;
    const whole = explainPlan(i, { phaseCapSeconds: 0 }).explanation!;
    expect(phase.peakCap.samePhase).toBe(true);
    expect(Math.max(...phase.need)).toBe(Math.max(...whole.need));
  });

  test('bursts at any hour: the whole history stays the cap', () => {
    const hour = anyHour(5);
    const i = input(() => hour(), 3 * 60);
    const p = explainPlan(i);
    const whole = explainPlan(i, { phaseCapSeconds: 0 });
    expect(p.explanation!.peakCap.samePhase).toBe(false);
    expect(p.plan.schedule).toEqual(whole.plan.schedule);
  });

  test('phaseCapTolerance must be a share >= 0', () => {
    expect(() => explainPlan(input(at14, 60), { phaseCapTolerance: -1 })).toThrow(/phaseCapTolerance/);
  });
});
