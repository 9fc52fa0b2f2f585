import { explainPlan } from '../../../lambda/core/plan-capacity';
import type { PlanInput } from '../../../lambda/core/plan-types';
import { DAY, MIN, series } from './synthetic-load';

/**
 * The fourth round's two settings: a history-peak cap raised by the metric's own record of jumps
 * above its running peak (`jumpCapMaxFactor`, off by default), and a replay whose misses weigh less
 * the longer ago they were (`replayHalfLifeSeconds`).
 */
const T0 = Date.UTC(2026, 0, 5);
const PER_INSTANCE = 10;

function input(load: number[]): PlanInput {
  return {
    now: T0 + load.length * MIN,
    history: { start: T0, stepSeconds: 60, values: Float64Array.from(load) },
    capacityPerInstance: PER_INSTANCE,
    targetUtilization: 0.7,
    minCapacity: 1,
    maxCapacity: 500,
    launchLeadSeconds: 300,
    horizonSeconds: 1800,
  };
}

/** Load about 100 for `days` days, with `level` for `minutes` minutes from each minute of `at`. */
function withBursts(days: number, at: number[], level: (n: number) => number, minutes: number, seed = 3): number[] {
  const load = series(days, () => 100, 0.05, seed);
  at.forEach((start, n) => {
    for (let i = start; i < start + minutes && i < load.length; i++) load[i] = level(n);
  });
  return load;
}

describe('the history-peak cap priced on the record of jumps', () => {
  // each burst goes well above every load before it: 160, 260, 420 against a running peak of 105, 160, 260
  const jumps = withBursts(10, [2 * DAY + 300, 4 * DAY + 700, 6 * DAY + 200], (n) => [160, 260, 420][n], 30);

  test('a metric that has jumped above its running peak gets a cap above its highest load, up to the bound', () => {
    const capped = explainPlan(input(jumps), { jumpCapMaxFactor: 2 }).explanation!.peakCap;
    const plain = explainPlan(input(jumps)).explanation!.peakCap;
    expect(plain.jumpFactor).toBe(1);
    expect(plain.capInstances).toBe(Math.ceil(420 / PER_INSTANCE));
    expect(capped.jumpFactor).toBeGreaterThan(1.2);
    expect(capped.jumpFactor).toBeLessThanOrEqual(2);
    expect(capped.capInstances).toBeGreaterThan(plain.capInstances);
    // the bound holds: 1.3 is reached, not exceeded
    expect(explainPlan(input(jumps), { jumpCapMaxFactor: 1.3 }).explanation!.peakCap.jumpFactor).toBe(1.3);
  });

  test('a metric whose bursts recur at the height of its first day has no record of jumps: the cap stays its highest load', () => {
    // the first day is the record's warm-up: a burst there sets the running peak, not a jump
    const recurring = withBursts(10, [300, 2 * DAY + 300, 4 * DAY + 700, 6 * DAY + 200], () => 420, 30);
    expect(explainPlan(input(recurring), { jumpCapMaxFactor: 2 }).explanation!.peakCap.jumpFactor).toBeLessThan(1.05);
  });

  test('a larger budget never raises the cap more', () => {
    const tight = explainPlan(input(jumps), { jumpCapMaxFactor: 3, unservedBudget: 1e-4 }).explanation!.peakCap.jumpFactor;
    const loose = explainPlan(input(jumps), { jumpCapMaxFactor: 3, unservedBudget: 1e-2 }).explanation!.peakCap.jumpFactor;
    expect(loose).toBeLessThanOrEqual(tight);
    expect(tight).toBeGreaterThan(1);
  });

  test('a factor below 1 is rejected, naming the option', () => {
    expect(() => explainPlan(input(jumps), { jumpCapMaxFactor: 0.5 })).toThrow(/jumpCapMaxFactor/);
  });
});

describe('the replay half-life', () => {
  // 10 days about 100; one burst to 300 two and a half days before now (inside the 3-day replay)
  const load = withBursts(10, [Math.round(7.5 * DAY)], () => 300, 40, 5);

  test('an old burst holds less headroom with a half-life than without', () => {
    const flat = explainPlan(input(load), { replayHalfLifeSeconds: 0 }).explanation!;
    const decayed = explainPlan(input(load), { replayHalfLifeSeconds: 6 * 3600 }).explanation!;
    expect(decayed.multiplier).toBeLessThan(flat.multiplier);
    expect(Math.max(...decayed.need)).toBeLessThan(Math.max(...flat.need));
    // never below what the forecast needs at the target utilization
    expect(Math.min(...decayed.need)).toBeGreaterThanOrEqual(Math.floor(100 / (PER_INSTANCE * 0.7)));
  });

  test('a recent burst holds about the same headroom either way', () => {
    const recent = withBursts(10, [10 * DAY - 180], () => 300, 40, 5);
    const flat = explainPlan(input(recent), { replayHalfLifeSeconds: 0 }).explanation!;
    const decayed = explainPlan(input(recent), { replayHalfLifeSeconds: 6 * 3600 }).explanation!;
    expect(decayed.multiplier).toBeGreaterThanOrEqual(0.9 * flat.multiplier);
  });

  test('a negative half-life is rejected, naming the option', () => {
    expect(() => explainPlan(input(load), { replayHalfLifeSeconds: -1 })).toThrow(/replayHalfLifeSeconds/);
  });
});
