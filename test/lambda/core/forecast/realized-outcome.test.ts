import * as fc from 'fast-check';
import { measureRealized, type RealizedOptions } from '../../../../lambda/core/forecast/realized-outcome';
import { DEFAULT_MAX_REALIZED_BOOST, explainPlan } from '../../../../lambda/core/plan-capacity';
import type { PlanInput } from '../../../../lambda/core/plan-types';
import { DAY, daily, MIN, series } from '../synthetic-load';

/**
 * The realized outcome: the share of the load the group's instances in service (capacityHistory)
 * really left unserved, and how the planner steers on it; bad capacity histories (gaps, an empty
 * group, a lagging series, one that contradicts capacityPerInstance by 2x) are handled safely.
 */
const T0 = Date.UTC(2026, 0, 5);
const OPTIONS: RealizedOptions = {
  unservedBudget: 3e-4,
  capacityPerInstance: 90,
  targetUtilization: 0.7,
  minCapacity: 0,
  windowSteps: 3 * DAY,
  gain: 1,
  maxBoost: 1.5,
  minSteps: 360,
  reachableShare: 0.5,
};
const constant = (n: number, v: number) => new Float64Array(n).fill(v);
const cap = (values: ArrayLike<number>, start = T0) => ({ start, stepSeconds: 60, values: Float64Array.from(values) });

describe('measureRealized', () => {
  test('measures the load above what the instances in service carried, and the factor that would have kept the budget', () => {
    // 100 of load on one instance that carries 90: 10% unserved
    const r = measureRealized(constant(2000, 100), T0, MIN, cap(constant(2000, 1)), { ...OPTIONS, minCapacity: 1 });
    expect(r.share).toBeCloseTo(0.1, 10);
    expect(r.steps).toBe(2000);
    // (100 - 0.03) / 90: served but the budget
    expect(r.needed).toBeCloseTo(99.97 / 90, 2);
    expect(r.boost).toBeCloseTo(r.needed, 10);
    expect(r.contradiction).toBeUndefined();
  });

  test('within the budget nothing is steered', () => {
    const r = measureRealized(constant(2000, 80), T0, MIN, cap(constant(2000, 1)), OPTIONS);
    expect(r.share).toBe(0);
    expect(r.boost).toBe(1);
  });

  test('gaps in the capacity history are skipped, not counted as misses', () => {
    const c = constant(2000, 2);
    for (let i = 0; i < 2000; i += 3) c[i] = NaN;
    const r = measureRealized(constant(2000, 100), T0, MIN, cap(c), OPTIONS);
    expect(r.steps).toBe(2000 - Math.ceil(2000 / 3));
    expect(r.share).toBe(0);
    expect(r.boost).toBe(1);
  });

  test('an emptied group (0 in service) is counted apart, not as a miss that headroom could fix', () => {
    const c = constant(2000, 2);
    c.fill(0, 500, 800);
    const r = measureRealized(constant(2000, 100), T0, MIN, cap(c), OPTIONS);
    expect(r.emptySteps).toBe(300);
    expect(r.share).toBe(0);
    expect(r.boost).toBe(1);
    // all zeros: nothing measured
    const none = measureRealized(constant(2000, 100), T0, MIN, cap(constant(2000, 0)), OPTIONS);
    expect(none.steps).toBe(0);
    expect(none.boost).toBe(1);
  });

  test('a capacity history half of what capacityPerInstance implies is reported as a contradiction, not chased', () => {
    // the group ran what the load needs at the target, but the history counts half of it
    const load = series(4, daily, 0.05, 3);
    const inService = load.map((l) => Math.ceil(l / (OPTIONS.capacityPerInstance * OPTIONS.targetUtilization)) / 2);
    const r = measureRealized(Float64Array.from(load), T0, MIN, cap(inService), OPTIONS);
    expect(r.share).toBeGreaterThan(0.05);
    expect(r.busyUtilizationRatio).toBeGreaterThan(1.6);
    expect(r.contradiction).toMatch(/capacityPerInstance/);
    expect(r.boost).toBe(1);
    // four times what it implies: reported too (the realized share would understate the misses);
    // twice as many looks like a plan with wide headroom and is not told apart (no boost either way)
    const many = measureRealized(Float64Array.from(load), T0, MIN, cap(inService.map((c) => 8 * c)), OPTIONS);
    expect(many.contradiction).toMatch(/higher than what an instance really serves/);
    expect(many.boost).toBe(1);
    const twice = measureRealized(Float64Array.from(load), T0, MIN, cap(inService.map((c) => 4 * c)), OPTIONS);
    expect(twice.share).toBe(0);
    expect(twice.boost).toBe(1);
    // the consistent history is not a contradiction
    const fine = measureRealized(Float64Array.from(load), T0, MIN, cap(inService.map((c) => 2 * c)), OPTIONS);
    expect(fine.contradiction).toBeUndefined();
  });

  test('a capacity history that lags the load (shifted, or ending earlier) is aligned by time and bounded', () => {
    const load = Float64Array.from(series(4, daily, 0.05, 5));
    const inService = Array.from(load, (l) => Math.ceil(l / (OPTIONS.capacityPerInstance * OPTIONS.targetUtilization)));
    // the same instances reported 15 minutes late: misses on every rise
    const lagged = [...new Array(15).fill(inService[0]), ...inService.slice(0, -15)];
    const r = measureRealized(load, T0, MIN, cap(lagged), OPTIONS);
    expect(r.boost).toBeGreaterThanOrEqual(1);
    expect(r.boost).toBeLessThanOrEqual(OPTIONS.maxBoost);
    // a history that ends two hours early, and one that starts in the middle of a step
    const early = measureRealized(load, T0, MIN, cap(inService.slice(0, -120)), { ...OPTIONS, windowSteps: 8 * DAY });
    expect(early.steps).toBe(load.length - 120);
    const offset = measureRealized(load, T0, MIN, cap(inService, T0 + 20_000), { ...OPTIONS, windowSteps: 8 * DAY });
    expect(offset.steps).toBe(load.length);
    expect(offset.share).toBe(0);
  });

  test('a window dominated by one jump: not steered by default; with steerReachable, the reachable misses alone are held to the budget', () => {
    // 2 instances carry 180 at 100%; a 10-minute jump to 2000 (11x, beyond any boost) and, on 200
    // other minutes, 200 of load (1.11x: a boost of 1.5 would have served them)
    const n = 3000;
    const load = constant(n, 100);
    load.fill(2000, 1000, 1010);
    for (let i = 1500; i < 2500; i += 5) load[i] = 200;
    const off = measureRealized(load, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2 });
    expect(off.unreachable).toBe(true);
    expect(off.boost).toBe(1);
    const on = measureRealized(load, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2, steerReachable: true });
    expect(on.unreachable).toBe(true);
    expect(on.share).toBe(off.share);
    // the factor that serves the 200s but the window's budget: about 200 / 180
    expect(on.boost).toBeGreaterThan(1.05);
    expect(on.boost).toBeLessThanOrEqual(200 / 180 + 1e-3);
    expect(on.boost).toBeLessThanOrEqual(OPTIONS.maxBoost);
    // only the jump missed: nothing reachable to steer on
    const jumpOnly = Float64Array.from(load, (v) => (v === 200 ? 100 : v));
    const none = measureRealized(jumpOnly, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2, steerReachable: true });
    expect(none.unreachable).toBe(true);
    expect(none.boost).toBe(1);
  });

  test('with jumpsSpendBudget the jump spends the window budget first: the reachable misses are served in full', () => {
    const n = 3000;
    const load = constant(n, 100);
    load.fill(2000, 1000, 1010);
    for (let i = 1500; i < 2500; i += 5) load[i] = 200;
    const reachable = measureRealized(load, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2, steerReachable: true });
    // implies steerReachable
    const spent = measureRealized(load, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2, jumpsSpendBudget: true });
    expect(spent.unreachable).toBe(true);
    expect(spent.share).toBe(reachable.share);
    // the jump alone leaves 10 x (2000 - 1.5 x 180) = 17,300 at the largest boost, far above the
    // window's budget (0.03% of about 320,000): nothing is left for the 200s, all of them are served
    expect(spent.boost).toBeGreaterThan(reachable.boost);
    expect(spent.boost).toBeGreaterThanOrEqual(200 / 180 - 1e-9);
    expect(spent.boost).toBeLessThanOrEqual((200 / 180) * 1.001);
    // served in full: the boost is the largest reachable ratio of load to what was carried
    const ratio = measureRealized(
      Float64Array.from(load, (v, i) => (i === 1700 ? 240 : v)),
      T0,
      MIN,
      cap(constant(n, 2)),
      { ...OPTIONS, minCapacity: 2, jumpsSpendBudget: true },
    );
    expect(ratio.boost).toBeCloseTo(240 / 180, 10);
  });

  test('with a half-life a miss steers less as it ages; the reported share is not weighted', () => {
    // one instance carrying 90 under a load of 80, and one hour at 95 (5 unserved a minute): at
    // the window's start (3 days ago) or at its end (the last hour)
    const n = 3 * DAY;
    const old = constant(n, 80).fill(95, 0, 60);
    const recent = constant(n, 80).fill(95, n - 60, n);
    const at = (load: Float64Array, halfLifeSteps?: number) =>
      measureRealized(load, T0, MIN, cap(constant(n, 1)), { ...OPTIONS, minCapacity: 0, halfLifeSteps });
    // without a half-life the two windows are the same to the steering
    expect(at(old).boost).toBeCloseTo(at(recent).boost, 10);
    expect(at(old).steeredShare).toBeCloseTo(at(old).share, 12);
    // with a 3-hour half-life the old miss weighs next to nothing, the recent one much more
    const oldH = at(old, 180);
    const recentH = at(recent, 180);
    expect(oldH.share).toBe(at(old).share);
    expect(recentH.share).toBe(at(recent).share);
    expect(oldH.steeredShare).toBeLessThan(1e-6);
    expect(oldH.boost).toBe(1);
    expect(recentH.steeredShare).toBeGreaterThan(10 * recentH.share);
    expect(recentH.boost).toBeGreaterThanOrEqual(at(recent).boost);
    // what would have served the recent hour but the budget: about 95 / 90
    expect(recentH.boost).toBeLessThanOrEqual((95 / 90) * 1.001);
    expect(recentH.boost).toBeGreaterThan(1.04);
  });

  test('any half-life: a miss 20 half-lives old no longer steers, one that ends the window weighs more than its plain share', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1 / 60, max: 10_000, noNaN: true }),
        // steps between the 30-minute miss and the window's end (0 often: the miss ends the window)
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4290 })),
        fc.double({ min: 1.2, max: 5, noNaN: true }),
        (halfLifeSteps, gap, peak) => {
          const n = 4320;
          const end = n - gap;
          const at = end - 30;
          const load = constant(n, 80).fill(80 * peak, at, end);
          const r = measureRealized(load, T0, MIN, cap(constant(n, 1)), { ...OPTIONS, minCapacity: 0, halfLifeSteps });
          expect(Number.isFinite(r.steeredShare)).toBe(true);
          expect(r.boost).toBeGreaterThanOrEqual(1);
          expect(r.boost).toBeLessThanOrEqual(OPTIONS.maxBoost);
          if (n - end >= 20 * halfLifeSteps) {
            expect(r.steeredShare).toBeLessThan(OPTIONS.unservedBudget);
            expect(r.boost).toBe(1);
          }
          if (end === n) expect(r.steeredShare).toBeGreaterThanOrEqual(r.share * (1 - 1e-12));
        },
      ),
      { numRuns: 80 },
    );
  });

  test('with jumpsSpendBudget the half-life decides whether the window is steered, not how much', () => {
    // a 10-minute jump (1000 against 180 carried) ends the window; one reachable miss (250) at its start
    const n = 3 * DAY;
    const load = constant(n, 100);
    load[10] = 250;
    load.fill(1000, n - 10, n);
    const at = (halfLifeSteps?: number) =>
      measureRealized(load, T0, MIN, cap(constant(n, 2)), { ...OPTIONS, minCapacity: 2, jumpsSpendBudget: true, halfLifeSteps });
    for (const h of [undefined, 180, 30]) {
      expect(at(h).unreachable).toBe(true);
      expect(at(h).boost).toBeCloseTo(250 / 180, 10);
    }
  });
});

/**
 * A plan input of `days` of daily load with a burst every 50 minutes, and the group's in-service
 * history: `ratio` times what the daily shape (without the bursts) needs at the target.
 */
function input(days: number, ratio: number | undefined, seed = 7): PlanInput {
  const load = series(days, daily, 0.08, seed).map((v, i) => (i % 50 === 0 ? 1.7 * v : v));
  const perInstance = 10;
  return {
    now: T0 + load.length * MIN,
    history: { start: T0, stepSeconds: 60, values: load },
    ...(ratio !== undefined
      ? {
          capacityHistory: {
            start: T0,
            stepSeconds: 60,
            values: load.map((_, i) => Math.max(1, Math.ceil((ratio * daily(i)) / (perInstance * 0.7)))),
          },
        }
      : {}),
    capacityPerInstance: perInstance,
    targetUtilization: 0.7,
    minCapacity: 1,
    maxCapacity: 100,
    launchLeadSeconds: 300,
    horizonSeconds: 1800,
  };
}

describe('explainPlan with a capacity history', () => {
  test('without one, and with one within the budget, the replay alone sizes the plan', () => {
    const without = explainPlan(input(5, undefined));
    const within = explainPlan(input(5, 2));
    expect(without.explanation?.realized).toBeUndefined();
    expect(within.explanation?.realized?.boost).toBe(1);
    expect(within.plan.schedule).toEqual(without.plan.schedule);
  });

  test('where the group really fell short, the headroom grows and the log says why', () => {
    // the group ran what the daily shape needs at the target: the bursts went unserved
    const without = explainPlan(input(5, undefined));
    const short = explainPlan(input(5, 1));
    const r = short.explanation!.realized!;
    expect(r.share).toBeGreaterThan(3e-4);
    expect(r.contradiction).toBeUndefined();
    expect(r.boost).toBeGreaterThan(1);
    expect(short.explanation!.notes.join(' ')).toMatch(/realized unserved/);
    expect(short.plan.diagnostics?.realizedBoost).toBe(r.boost);
    const more = short.explanation!.need.filter((x, j) => x > without.explanation!.need[j]).length;
    expect(more).toBeGreaterThan(0);
    short.explanation!.need.forEach((x, j) => expect(x).toBeGreaterThanOrEqual(without.explanation!.need[j]));
    // the headroom grows, the history-peak cap does not (it bought little on the held-out traces)
    expect(short.explanation!.peakCap.capInstances).toBe(without.explanation!.peakCap.capInstances);
  });

  test('the log gives the share the planner steered on (weighted to the last hours) beside the plain one', () => {
    const short = explainPlan(input(5, 1));
    const r = short.explanation!.realized!;
    expect(short.plan.diagnostics?.realizedSteeredShare).toBe(r.steeredShare);
    expect(short.explanation!.notes.join(' ')).toMatch(/realized unserved [\d.]+% over the last \d+ steps \([\d.]+% with a half-life of 3 h\)/);
    // without the half-life the steered share is the plain share, and the log says only that
    const flat = explainPlan(input(5, 1), { realizedHalfLifeSeconds: 0 });
    expect(flat.explanation!.realized!.steeredShare).toBeCloseTo(flat.explanation!.realized!.share, 12);
    expect(flat.explanation!.notes.join(' ')).not.toMatch(/half-life/);
  });

  test('realizedHalfLifeSeconds must be 0 or a finite number of seconds >= 1', () => {
    for (const bad of [-1, 1e-320, 0.5, Infinity, NaN]) {
      expect(() => explainPlan(input(2, 1), { realizedHalfLifeSeconds: bad })).toThrow(
        new RegExp(`realizedHalfLifeSeconds must be 0 \\(every step weighs the same\\) or a finite number of seconds >= 1 \\(got ${bad}\\)`),
      );
    }
    for (const ok of [0, 1, 60, 86_400]) expect(() => explainPlan(input(2, 1), { realizedHalfLifeSeconds: ok })).not.toThrow();
  });

  test('a realized share above the budget only in misses older than the last hours is said, and not steered on', () => {
    // the group fell short on days 1 to 4 and ran what the load needs at 100% on the last day: the
    // window's share is above the budget, the last hours' is not
    const i = input(5, 1);
    const values = Float64Array.from(i.capacityHistory!.values, (c, k) =>
      k >= 4 * DAY ? Math.max(c, Math.ceil((i.history.values as Float64Array)[k] / 10)) : c,
    );
    const p = explainPlan({ ...i, capacityHistory: { ...i.capacityHistory!, values } });
    const r = p.explanation!.realized!;
    expect(r.share).toBeGreaterThan(3e-4);
    expect(r.steeredShare).toBeLessThanOrEqual(3e-4);
    expect(r.boost).toBe(1);
    expect(p.explanation!.notes.join(' ')).toMatch(
      /exceeds the budget 0\.030% over the whole window, in misses older than the last hours: not steered/,
    );
  });

  test('a history contradicting capacityPerInstance by 2x is said in the log and not chased', () => {
    const without = explainPlan(input(5, undefined));
    const i = input(5, 1.3);
    const halved = { ...i, capacityHistory: { ...i.capacityHistory!, values: Array.from(i.capacityHistory!.values, (c) => c / 2) } };
    const p = explainPlan(halved);
    expect(p.explanation!.realized!.contradiction).toBeDefined();
    expect(p.plan.diagnostics?.capacityContradiction).toBe(true);
    expect(p.explanation!.notes.join(' ')).toMatch(/contradicts capacityPerInstance/);
    expect(p.plan.schedule).toEqual(without.plan.schedule);
  });

  test('the plan says when the history-peak cap keeps the budget out of reach, and what the replay says it takes', () => {
    // a noisy load that stepped up half a day ago: the replay asks for more than the history's peak allows
    const values = series(5, (i) => (i < 4.5 * DAY ? 100 : 150), 0.2, 9);
    const p = explainPlan({ ...input(5, undefined), history: { start: T0, stepSeconds: 60, values } }, { unservedBudget: 1e-5 });
    const cap = p.explanation!.peakCap;
    expect(cap.bound).toBe(true);
    expect(cap.replayInstances).toBeGreaterThan(cap.plannedInstances);
    expect(p.explanation!.notes.join(' ')).toMatch(/not reachable within the history-peak cap: the replay says it takes \d+ instances/);
  });

  test('any capacity history (gaps, zeros, junk, other steps and offsets): never throws, never below the plan without it, at most the boost above it', () => {
    const base = input(3, undefined, 11);
    const reference = explainPlan(base).explanation!;
    const point = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e300, 0.5) },
    );
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 0, maxLength: 600 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: -3 * DAY, max: 3 * DAY }),
        fc.constantFrom(60, 60, 300, 30),
        (pattern, repeat, offsetMinutes, stepSeconds) => {
          const values = Array.from({ length: Math.min(5000, pattern.length * repeat) }, (_, i) => pattern[Math.floor(i / repeat)]);
          const p = explainPlan({ ...base, capacityHistory: { start: T0 + offsetMinutes * MIN, stepSeconds, values } });
          const e = p.explanation!;
          for (const a of p.plan.schedule) {
            expect(a.minCapacity).toBeGreaterThanOrEqual(base.minCapacity);
            expect(a.minCapacity).toBeLessThanOrEqual(base.maxCapacity);
          }
          e.need.forEach((x, j) => {
            expect(x).toBeGreaterThanOrEqual(reference.need[j]);
            expect(x).toBeLessThanOrEqual(Math.min(base.maxCapacity, Math.ceil(DEFAULT_MAX_REALIZED_BOOST * reference.need[j])));
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});
