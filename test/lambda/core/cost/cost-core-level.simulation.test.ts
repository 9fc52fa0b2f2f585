/**
 * The spend plan's level (issue 21 item 1): the money the CPU target leaves is split between a
 * higher target and a capacity floor (the troughs filled up to it), by the load the recent samples
 * lost; the floor goes through the capacity model's budget-floor layer and is released only while
 * MinSize is still the optimizer's.
 */
import { decideCost, type CostDecisionInput, type UtilizationSample } from '../../../../lambda/core/cost';
import { lossAt, sampleLoads } from '../../../../lambda/core/cost/level-choice';
import { forecastSpend } from '../../../../lambda/core/cost/spend-forecast';
import { planSpend } from '../../../../lambda/core/cost/spend-plan';
import { DAY, monthOf, simulateMonth } from '../../../../scripts/bench-cost/month';

const HOUR = 3_600_000;
const MIN5 = 300_000;

describe('lossAt: the load the capacity in place would have lost', () => {
  // A base of 2 busy instances with a burst to 6 for 15 minutes every 6 hours (additive bursts).
  const loads = Array.from({ length: 288 }, (_, i) => ({ t: i * MIN5, load: i % 72 >= 60 && i % 72 < 63 ? 6 : 2 }));

  test('a burst above the target headroom is lost; a floor at its size serves it', () => {
    // Capacity 4 before each burst: 2 lost in each of its first two samples, then target tracking
    // has followed it (10 minutes).
    const atTarget = lossAt(loads, 1, 50, 0);
    expect(atTarget).toBeCloseTo(4 * 2 * 2, 6);
    expect(lossAt(loads, 1, 50, 6)).toBe(0);
    expect(lossAt(loads, 1, 90, 6)).toBe(0);
    expect(lossAt(loads, 1, 90, 0)).toBeGreaterThan(atTarget);
  });

  test('samples without instance counts are skipped; load = CPU x instances', () => {
    const s: UtilizationSample[] = [
      { t: 0, cpuPercent: 50, instances: 4 },
      { t: MIN5, cpuPercent: 50 },
      { t: 2 * MIN5, cpuPercent: NaN, instances: 3 },
    ];
    expect(sampleLoads(s)).toEqual([{ t: 0, load: 2 }]);
  });
});

/** A week of hourly history at a flat load of `load` busy instances on `instances`. */
function flatHistory(now: number, load: number, instances: number): UtilizationSample[] {
  return Array.from({ length: 7 * 24 }, (_, i) => ({ t: now - (7 * 24 - i) * HOUR, cpuPercent: (load / instances) * 100, instances }));
}

describe('planSpend: the level', () => {
  const now = Date.parse('2026-03-11T00:00:00Z');
  const f = forecastSpend({
    now,
    periodStart: Date.parse('2026-03-01T00:00:00Z'),
    periodEnd: Date.parse('2026-04-01T00:00:00Z'),
    actualSpend: 10 * 24 * 4 * 0.2,
    history: flatHistory(now, 2, 4),
    currentTargetPercent: 50,
    minimumInstances: 2,
  });
  const base = {
    forecast: f,
    actualSpend: 10 * 24 * 4 * 0.2,
    mode: 'hard' as const,
    baseTargetPercent: 50,
    maxTargetPercent: 90,
    maxSize: 20,
    floor: 2,
    minimumInstances: 2,
    margin: 0,
  };
  // A budget the 50% target overruns by about a fifth of the rest of the month.
  const limit = base.actualSpend + f.remainingSpendAt(50) * 0.8;

  test('where a floor saves load (bursts from the troughs), the money the target leaves goes to it, within the money left', () => {
    const p = planSpend({ ...base, limit, lossAt: (_t, floor) => Math.max(0, 6 - floor) });
    expect(p.floor).toBeGreaterThan(2);
    expect(p.targetPercent).toBeGreaterThan(50);
    expect(p.plannedMonthEnd).toBeLessThanOrEqual(limit + 1e-6);
    expect(f.monthEndAt(p.targetPercent, undefined, p.floor)).toBeCloseTo(p.plannedMonthEnd, 6);
  });

  test('where it saves nothing (or less than the gain), no floor: the lowest target that fits', () => {
    const none = planSpend({ ...base, limit, lossAt: () => 1 });
    expect(none.floor).toBeUndefined();
    const without = planSpend({ ...base, limit });
    expect(none.targetPercent).toBe(without.targetPercent);
    const small = planSpend({ ...base, limit, floorGain: 0.5, lossAt: (_t, floor) => (floor > 2 ? 0.9 : 1) });
    expect(small.floor).toBeUndefined();
  });

  test('money left over at the original target is not spent on a floor that saves nothing', () => {
    const p = planSpend({ ...base, limit: limit * 3, lossAt: () => 0 });
    expect(p.floor).toBeUndefined();
    expect(p.targetPercent).toBe(50);
  });
});

describe('decideCost: the level floor is a MinSize of its own', () => {
  const now = Date.parse('2026-03-11T00:00:00Z');
  const input = (minSize: number, floor: number | undefined, limit: number): CostDecisionInput => ({
    now,
    budget: { limit, actualSpend: 10 * 24 * 4 * 0.2, periodStart: Date.parse('2026-03-01T00:00:00Z'), periodEnd: Date.parse('2026-04-01T00:00:00Z') },
    group: { minSize, maxSize: 20, desiredCapacity: Math.max(minSize, 4), targetUtilization: 50 },
    utilization: Array.from({ length: 12 * 24 }, (_, i) => ({ t: now - (12 * 24 - i) * MIN5, cpuPercent: 50, instances: 4 })),
    utilizationPeriodSeconds: 300,
    usageHistory: flatHistory(now, 2, 4),
    policy: {
      floorCapacity: 2,
      emergencyUtilizationPercent: 90,
      loadLookbackMs: 7 * DAY,
      tightenAbovePercent: 100,
      restoreBelowPercent: 95,
      capStepPercent: 10,
      targetUtilization: { maxPercent: 90, stepPercent: 5 },
    },
    state:
      floor !== undefined
        ? { original: { minSize: 2, maxSize: 20, desiredCapacity: 4, targetUtilization: 50 }, floor, targetUtilization: 50.1 }
        : undefined,
  });

  test("released to the original when the plan drops it, only while MinSize is still the optimizer's", () => {
    // A flat load loses nothing: the plan sets no floor, so the optimizer's floor of 6 comes down.
    const d = decideCost(input(6, 6, 1000));
    const cap = d.actions.find((a) => a.kind === 'set-capacity');
    expect(cap).toMatchObject({ minSize: 2 });
    expect(d.state.floor).toBeUndefined();
    // MinSize 7 is not the 6 it set: another writer's (the predictive scaler's), never lowered.
    const other = decideCost(input(7, 6, 1000));
    expect(other.actions.find((a) => a.kind === 'set-capacity' && a.minSize < 7)).toBeUndefined();
    expect(other.state.floor).toBeUndefined();
  });

  test('not released without utilization data (rule 1: missing data never lowers MinSize)', () => {
    // The CPU samples are missing: the level cannot judge any split (every loss is 0), so it drops
    // the floor; that is the missing data speaking, not the plan. MinSize stays at the floor.
    const d = decideCost({ ...input(6, 6, 1000), utilization: [] });
    expect(d.actions.find((a) => a.kind === 'set-capacity' && a.minSize < 6)).toBeUndefined();
    expect(d.state.floor).toBe(6);
  });
});

describe('synthetic month: bursts from the troughs (no setting was chosen on it)', () => {
  const STEP = 300;
  const START = Date.parse('2026-03-02T00:00:00Z');
  const N = (30 * DAY) / (STEP * 1000);
  // A low base with a daily shape and bursts of 3x the base mean, 15 minutes long, six a day at
  // random times: target tracking cannot catch them, capacity held ahead of them can.
  let s = 11;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0), s / 2 ** 32);
  const values = new Float64Array(N);
  const burstAt = new Set<number>();
  for (let d = 0; d < 30; d++) for (let k = 0; k < 6; k++) burstAt.add(d * 288 + Math.floor(r() * 282));
  for (let i = 0; i < N; i++) {
    const hour = ((i * STEP) / 3600) % 24;
    values[i] = 10 * (1 + 0.5 * Math.sin((2 * Math.PI * (hour - 8)) / 24)) * (0.9 + 0.2 * r());
  }
  for (const b of burstAt) for (let j = 0; j < 3 && b + j < N; j++) values[b + j] += 30;
  const month = monthOf(START, STEP, values);
  const budget = simulateMonth(month).spend * 0.8;

  test('hard mode: within the budget, and the level serves more of the load than the target alone (floor gain 100% = no floor)', () => {
    const level = simulateMonth(month, { budget, mode: 'hard' });
    const targetOnly = simulateMonth(month, { budget, mode: 'hard', floorGainPercent: 100 });
    expect(level.spend).toBeLessThanOrEqual(budget);
    expect(targetOnly.spend).toBeLessThanOrEqual(budget);
    expect(level.unservedPct).toBeLessThan(targetOnly.unservedPct - 1);
  });
});
