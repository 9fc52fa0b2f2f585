import * as fc from 'fast-check';
import {
  type CostDecisionInput,
  type CostPolicy,
  decideCost,
  decodeCostState,
  encodeCostState,
  forecastSpend,
  hourlyUsage,
  planSpend,
  type SetCapacityAction,
  type SpendForecastInput,
  type UtilizationSample,
} from '../../../../lambda/core/cost';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-01T00:00:00Z');
const END = Date.parse('2026-12-01T00:00:00Z');
const PRICE = 0.2;

/**
 * An hourly usage history from START (and `before` days before it) to `now`: load in busy
 * instances from `load(t)`, instances = max(2, 1.2 x load / 0.5) (target tracking at 50%).
 */
function history(now: number, load: (t: number) => number, before = 0, target = 0.5): UtilizationSample[] {
  const out: UtilizationSample[] = [];
  for (let t = START - before * DAY; t < now; t += HOUR) {
    const l = load(t);
    const inst = Math.max(2, (1.2 * l) / target);
    out.push({ t, cpuPercent: (l / inst) * 100, instances: inst });
  }
  return out;
}
const spentTo = (h: readonly UtilizationSample[], price = PRICE) => h.filter((s) => s.t >= START).reduce((a, s) => a + s.instances! * price, 0);
const hod = (t: number) => new Date(t).getUTCHours();
const daily = (t: number) => 1 + 0.5 * Math.sin((2 * Math.PI * (hod(t) - 6)) / 24);

function fin(over: Partial<SpendForecastInput> & { now: number; history: UtilizationSample[] }): SpendForecastInput {
  return {
    periodStart: START,
    periodEnd: END,
    actualSpend: spentTo(over.history),
    currentTargetPercent: 50,
    minimumInstances: 2,
    ...over,
  };
}
/** What the rest of the month really costs under the same model. */
const truth = (now: number, load: (t: number) => number) => {
  let s = 0;
  for (let t = now; t < END; t += HOUR) s += Math.max(2, (1.2 * load(t)) / 0.5) * PRICE;
  return s;
};

describe('month-end spend forecast (forecastSpend)', () => {
  test('a flat load: the rest of the month at the same usage, the price learned from the spend', () => {
    const now = START + 10 * DAY;
    const h = history(now, () => 10);
    const f = forecastSpend(fin({ now, history: h }));
    expect(f.pricePerInstanceHour).toBeCloseTo(PRICE, 6);
    expect(f.headroom).toBeCloseTo(1.2, 3);
    expect(f.remainingSpendAt(50)).toBeCloseTo(
      truth(now, () => 10),
      0,
    );
    expect(f.hours).toHaveLength(20 * 24);
    // A higher target uses fewer instances (load / target), never below the minimum.
    expect(f.remainingSpendAt(75)).toBeCloseTo(truth(now, () => 10) * (50 / 75), 0);
    expect(Math.min(...f.instancesAt(95, 3))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...f.instancesAt(50, 3))).toBe(3);
  });

  test('the daily shape is kept: a busy afternoon costs more than the night', () => {
    const now = START + 10 * DAY;
    const load = (t: number) => 20 * daily(t);
    const f = forecastSpend(fin({ now, history: history(now, load) }));
    const byHour = new Map<number, number>();
    f.hours.forEach((t, i) => byHour.set(hod(t), f.load[i]));
    expect(byHour.get(12)! / byHour.get(0)!).toBeGreaterThan(2);
    expect(Math.abs(f.remainingSpendAt(50) / truth(now, load) - 1)).toBeLessThan(0.05);
  });

  test('a weekly shape from two weeks of history: weekends forecast lower', () => {
    const now = START + 14 * DAY;
    const weekly = (t: number) => ([0, 6].includes(new Date(t).getUTCDay()) ? 0.4 : 1.15);
    const load = (t: number) => 30 * weekly(t) * daily(t);
    const f = forecastSpend(fin({ now, history: history(now, load, 14) }));
    const sat = f.load.filter((_, i) => new Date(f.hours[i]).getUTCDay() === 6);
    const wed = f.load.filter((_, i) => new Date(f.hours[i]).getUTCDay() === 3);
    expect(sat.reduce((a, b) => a + b, 0) / wed.reduce((a, b) => a + b, 0)).toBeLessThan(0.6);
    expect(Math.abs(f.remainingSpendAt(50) / truth(now, load) - 1)).toBeLessThan(0.06);
  });

  test('growth of 50% within the month is seen coming, where a linear extrapolation of month-to-date is not', () => {
    const now = START + 15 * DAY;
    const load = (t: number) => 20 * (1 + (0.5 * (t - START)) / (30 * DAY)) * daily(t);
    const h = history(now, load, 7);
    const actual = spentTo(h);
    const f = forecastSpend(fin({ now, history: h }));
    const real = actual + truth(now, load);
    const linear = (actual * 30) / 15;
    expect(f.trendPerDay).toBeGreaterThan(0.005);
    expect(Math.abs(f.monthEndAt(50) - real)).toBeLessThan(Math.abs(linear - real) / 2);
    expect(Math.abs(f.monthEndAt(50) / real - 1)).toBeLessThan(0.04);
  });

  test('a price change mid-month shows at once with a price mark', () => {
    const now = START + 16 * DAY;
    const h = history(now, () => 10);
    // The price went from 0.2 to 0.3 on day 15.
    const spend = h.filter((s) => s.t >= START).reduce((a, s) => a + s.instances! * (s.t >= START + 15 * DAY ? 0.3 : 0.2), 0);
    const ih = (to: number) => h.filter((s) => s.t >= START && s.t < to).reduce((a, s) => a + s.instances!, 0);
    const markT = START + 15 * DAY;
    const mark = { t: markT, spend: ih(markT) * 0.2, instanceHours: ih(markT) };
    const without = forecastSpend(fin({ now, history: h, actualSpend: spend }));
    const withMark = forecastSpend(fin({ now, history: h, actualSpend: spend, priceMark: mark }));
    expect(without.pricePerInstanceHour).toBeLessThan(0.21);
    expect(withMark.pricePerInstanceHour).toBeCloseTo(0.3, 6);
  });

  test('AWS Budgets is one input: it weighs half with a day and a half of history and nothing from three days', () => {
    const load = () => 10;
    const early = START + 1.5 * DAY;
    const h1 = history(early, load);
    const f1 = forecastSpend(fin({ now: early, history: h1, budgetsForecast: 5000 }));
    expect(f1.budgetsWeight).toBeCloseTo(0.5, 1);
    expect(f1.monthEndAt(50)).toBeGreaterThan(3000);
    const late = START + 10 * DAY;
    const f2 = forecastSpend(fin({ now: late, history: history(late, load), budgetsForecast: 5000 }));
    expect(f2.budgetsWeight).toBe(0);
    expect(f2.monthEndAt(50)).toBeCloseTo(spentTo(history(late, load)) + truth(late, load), 0);
  });

  test('any scale of values: a load of 0.003 busy instances or 30,000 forecasts the same month shape', () => {
    const now = START + 9 * DAY;
    for (const scale of [0.003, 30_000]) {
      const load = (t: number) => scale * daily(t);
      const h = history(now, load);
      const f = forecastSpend(fin({ now, history: h }));
      expect(Number.isFinite(f.monthEndAt(50))).toBe(true);
      expect(Math.abs(f.remainingSpendAt(50) / truth(now, load) - 1)).toBeLessThan(0.05);
    }
  });

  test('gaps in the history are skipped; samples of any period become hours', () => {
    const now = START + 8 * DAY;
    const h = history(now, () => 10).filter((s) => !(s.t > START + 2 * DAY && s.t < START + 4 * DAY));
    const fiveMin: UtilizationSample[] = h.flatMap((s) => Array.from({ length: 12 }, (_, k) => ({ ...s, t: s.t + k * 300_000 })));
    expect(hourlyUsage(fiveMin)).toHaveLength(h.length);
    const f = forecastSpend(fin({ now, history: fiveMin, actualSpend: spentTo(h) }));
    expect(f.remainingSpendAt(50)).toBeCloseTo(
      truth(now, () => 10),
      0,
    );
  });

  test('property: the forecast is finite, non-negative and falls as the target rises', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 1e5, noNaN: true }),
        fc.integer({ min: 1, max: 28 }),
        fc.double({ min: -0.9, max: 2, noNaN: true }),
        (scale, days, growth) => {
          const now = START + days * DAY + 5 * HOUR;
          const load = (t: number) => scale * Math.max(0.01, 1 + (growth * (t - START)) / (30 * DAY)) * daily(t);
          const f = forecastSpend(fin({ now, history: history(now, load, 3) }));
          const a = f.remainingSpendAt(50);
          const b = f.remainingSpendAt(80);
          return Number.isFinite(a) && a >= 0 && b <= a + 1e-9 && f.load.every((x) => x >= 0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('spend plan (planSpend)', () => {
  const now = START + 10 * DAY;
  const h = history(now, (t) => 20 * daily(t));
  const f = forecastSpend(fin({ now, history: h }));
  const spent = spentTo(h);
  const base = { forecast: f, actualSpend: spent, baseTargetPercent: 50, maxTargetPercent: 80, maxSize: 200, floor: 2, margin: 0 };

  test('fits: the original settings', () => {
    const p = planSpend({ ...base, limit: f.monthEndAt(50) * 1.1, mode: 'hard' });
    expect(p.targetPercent).toBe(50);
    expect(p.cap).toBeUndefined();
    expect(p.overrunPercent).toBe(0);
  });

  test('a tighter budget: the lowest target that fits, then a cap, down to the floor in hard mode', () => {
    const limit = spent + f.remainingSpendAt(50) * 0.8;
    const p = planSpend({ ...base, limit, mode: 'hard' });
    expect(p.targetPercent).toBeGreaterThan(60);
    expect(p.targetPercent).toBeLessThan(64);
    expect(p.plannedMonthEnd).toBeLessThanOrEqual(limit + 1e-6);
    const tight = planSpend({ ...base, limit: spent + f.remainingSpendAt(80) * 0.7, mode: 'hard' });
    expect(tight.targetPercent).toBe(80);
    expect(tight.cap).toBeDefined();
    expect(tight.plannedMonthEnd).toBeLessThanOrEqual(spent + f.remainingSpendAt(80) * 0.7 + 1e-6);
    expect(Math.max(...tight.hourlyInstances)).toBeLessThanOrEqual(tight.cap!);
    const floor = planSpend({ ...base, limit: spent + 1, mode: 'hard' });
    expect(floor.cap).toBe(2);
    expect(floor.overrunPercent).toBeGreaterThan(0);
    expect(floor.reason).toMatch(/the floor is 2/);
  });

  test('availability first: never capped below the load need; the overrun is reported', () => {
    const limit = spent + f.remainingSpendAt(80) * 0.7;
    const soft = planSpend({ ...base, limit, mode: 'availability-first', loadNeedCap: 40 });
    expect(soft.cap).toBe(40);
    expect(soft.overrunPercent).toBeGreaterThan(0);
    expect(soft.reason).toMatch(/the load needs 40 instance\(s\) at the emergency utilization/);
    const hard = planSpend({ ...base, limit, mode: 'hard', loadNeedCap: 40 });
    expect(hard.cap!).toBeLessThan(40);
    expect(hard.plannedMonthEnd).toBeLessThanOrEqual(limit + 1e-6);
  });
});

describe('no churn (issue 21): a band around the money left, and a daily limit', () => {
  const now = START + 10 * DAY;
  const h = history(now, (t) => 20 * daily(t));
  const f = forecastSpend(fin({ now, history: h }));
  const spent = spentTo(h);
  const base = { forecast: f, actualSpend: spent, baseTargetPercent: 50, maxTargetPercent: 80, maxSize: 200, floor: 2, margin: 0, minChange: 0.04 };
  const limit = spent + f.remainingSpendAt(50) * 0.8;
  const planned = planSpend({ ...base, limit, mode: 'hard' });

  test('settings that spend within the band below the money left are held; a change lands in the middle of the band', () => {
    const allowed = limit - spent;
    // The plan's own target, a little higher (spends a little less): inside the band, held.
    const cur = { targetPercent: planned.targetPercent + 1 };
    expect(f.remainingSpendAt(cur.targetPercent)).toBeGreaterThan(allowed * 0.96);
    const held = planSpend({ ...base, limit, mode: 'hard', current: cur });
    expect(held).toMatchObject({ held: true, targetPercent: cur.targetPercent });
    expect(held.reason).toMatch(/held$/);
    // Without the band every run follows the plan exactly.
    expect(planSpend({ ...base, minChange: 0, limit, mode: 'hard', current: cur }).targetPercent).toBe(planned.targetPercent);
    // Far below the money left (a target of 80%): a change, to the middle of the band.
    const loose = planSpend({ ...base, limit, mode: 'hard', current: { targetPercent: 80 } });
    expect(loose.held).toBeUndefined();
    expect(f.remainingSpendAt(loose.targetPercent)).toBeLessThanOrEqual(allowed * 0.98 + 1e-6);
    expect(f.remainingSpendAt(loose.targetPercent)).toBeGreaterThan(allowed * 0.96);
  });

  test('settings that overrun the money left always change (the hard limit), however small the overrun', () => {
    const over = planSpend({ ...base, limit, mode: 'hard', current: { targetPercent: planned.targetPercent - 0.5 } });
    expect(over.required).toBe(true);
    expect(over.held).toBeUndefined();
    expect(over.targetPercent).toBeGreaterThan(planned.targetPercent);
  });

  test('at most maxChangesPerDay budget changes a UTC day, kept in the state; not for a change the limit needs', () => {
    const day = Math.floor(now / DAY);
    const policy: CostPolicy = {
      floorCapacity: 2,
      emergencyUtilizationPercent: 90,
      loadLookbackMs: DAY,
      tightenAbovePercent: 100,
      restoreBelowPercent: 95,
      capStepPercent: 10,
      targetUtilization: { maxPercent: 80, stepPercent: 5 },
      planMarginPercent: 0,
      maxChangesPerDay: 2,
    };
    const input = (targetUtilization: number, count: number): CostDecisionInput => ({
      now,
      budget: { limit, actualSpend: spent, periodStart: START, periodEnd: END },
      group: { minSize: 2, maxSize: 200, desiredCapacity: 40, targetUtilization },
      utilization: h.filter((x) => x.t >= now - DAY),
      utilizationPeriodSeconds: 3600,
      usageHistory: h,
      policy,
      state: {
        original: { minSize: 2, maxSize: 200, desiredCapacity: 40, targetUtilization: 50 },
        targetUtilization,
        changesToday: { day, count },
        // The history ran at 50%: the forecast learns its headroom against that.
        targetMean: { percent: 50, t: now - HOUR },
      },
    });
    // A loosening (80% -> lower) is worth a change: the first two of the day are made and counted...
    const first = decideCost(input(80, 1));
    expect(first.actions.find((a) => a.kind === 'set-target-utilization')).toBeDefined();
    expect(first.state.changesToday).toEqual({ day, count: 2 });
    expect(() => decodeCostState(encodeCostState(first.state))).not.toThrow();
    expect(decodeCostState(encodeCostState(first.state)).changesToday).toEqual({ day, count: 2 });
    // ...the third waits for tomorrow...
    const third = decideCost(input(80, 2));
    expect(third.actions).toEqual([]);
    expect(third.notes.join('\n')).toMatch(/2 budget change\(s\) today, at most 2 a day: the settings hold until tomorrow \(UTC\)/);
    // ...but settings that overrun the money left change anyway.
    const required = decideCost(input(50, 2));
    expect(required.actions.find((a) => a.kind === 'set-target-utilization')).toBeDefined();
    expect(required.state.changesToday).toEqual({ day, count: 3 });
    // A new day starts the count afresh.
    const tomorrow = decideCost({ ...input(80, 2), state: { ...input(80, 2).state!, changesToday: { day: day - 1, count: 6 } } });
    expect(tomorrow.actions.find((a) => a.kind === 'set-target-utilization')).toBeDefined();
  });
});

describe('decideCost with a usage history', () => {
  const now = Date.parse('2026-11-16T12:00:00Z');
  const load = (t: number) => 20 * daily(t);
  const h = history(now, load, 14);
  const spent = spentTo(h);
  const policy: CostPolicy = {
    floorCapacity: 2,
    emergencyUtilizationPercent: 90,
    loadLookbackMs: DAY,
    tightenAbovePercent: 100,
    restoreBelowPercent: 95,
    capStepPercent: 10,
    targetUtilization: { maxPercent: 60, stepPercent: 5 },
    planMarginPercent: 0,
  };
  const recent = h.filter((s) => s.t >= now - DAY);
  const input = (limit: number, over: Partial<CostDecisionInput> = {}): CostDecisionInput => ({
    now,
    budget: { limit, actualSpend: spent, periodStart: START, periodEnd: END },
    group: { minSize: 2, maxSize: 200, desiredCapacity: 40, targetUtilization: 50 },
    utilization: recent,
    utilizationPeriodSeconds: 3600,
    usageHistory: h,
    policy,
    ...over,
  });
  const full = spent + truth(now, load);

  test('within budget: no action, the forecast source is the usage history', () => {
    const d = decideCost(input(full * 1.2));
    expect(d.actions).toEqual([]);
    expect(d.plan.forecastSource).toBe('usage-history');
    expect(d.plan.forecastOverrunPercent).toBe(0);
    expect(d.state.priceMark).toBeDefined();
    expect(() => decodeCostState(encodeCostState(d.state))).not.toThrow();
  });

  test('hard: the target rises to its highest at once and the cap gives way, each with its reason', () => {
    const d = decideCost(input(spent + (full - spent) * 0.5, { policy: { ...policy, budgetMode: 'hard' } }));
    const target = d.actions.find((a) => a.kind === 'set-target-utilization');
    expect(target).toMatchObject({ percent: 60 });
    const cap = d.actions.find((a) => a.kind === 'set-capacity') as SetCapacityAction;
    expect(cap.maxSize).toBeLessThan(200);
    expect(cap.maxSize).toBeGreaterThanOrEqual(2);
    expect(cap.reason).toMatch(/month-end forecast .* capping MaxSize 200 -> \d+ \(hard/);
    expect(d.plan.budgetMode).toBe('hard');
    expect(d.plan.plannedMonthEndCost!).toBeLessThanOrEqual(spent + (full - spent) * 0.5 + 1e-6);
  });

  test('availability first: the cap stays at what the peak load needs at 90%; the overrun is reported', () => {
    const d = decideCost(input(spent + (full - spent) * 0.3, { policy: { ...policy, budgetMode: 'availability-first' } }));
    const cap = d.actions.find((a) => a.kind === 'set-capacity') as SetCapacityAction;
    const peak = Math.max(...recent.map((s) => (s.cpuPercent * s.instances!) / 100));
    expect(cap.maxSize).toBeGreaterThanOrEqual(Math.ceil(peak / 0.9 - 1e-9));
    expect(d.plan.forecastOverrunPercent!).toBeGreaterThan(0);
    expect(d.notes.join('\n')).toMatch(/forecast overrun .*availability-first/);
  });

  test('the target comes down at most 5 points a run once the budget allows', () => {
    const d = decideCost(
      input(full * 1.2, {
        group: { minSize: 2, maxSize: 200, desiredCapacity: 30, targetUtilization: 60 },
        state: {
          original: { minSize: 2, maxSize: 200, desiredCapacity: 40, targetUtilization: 50 },
          targetUtilization: 60,
        },
      }),
    );
    expect(d.actions).toEqual([expect.objectContaining({ kind: 'set-target-utilization', percent: 55 })]);
    expect(d.state.targetUtilization).toBe(55);
  });

  test('without a day of usage history: the threshold steps on the Budgets forecast decide', () => {
    const d = decideCost(input(full * 1.2, { usageHistory: h.slice(-10) }));
    expect(d.plan.forecastSource).not.toBe('usage-history');
  });
});

describe('spend plan properties and state', () => {
  test('the price mark and the mean target in force round-trip through the state tag', () => {
    const st = { priceMark: { t: 1_780_000_000_000, spend: 123.456, instanceHours: 789.06 }, targetMean: { percent: 57.123, t: 1_780_000_360_000 } };
    const text = encodeCostState(st);
    expect(text.length).toBeLessThan(120);
    expect(decodeCostState(text)).toEqual({
      priceMark: { t: 1_780_000_000_000, spend: 123.46, instanceHours: 789.1 },
      targetMean: { percent: 57.12, t: 1_780_000_360_000 },
    });
    expect(() => decodeCostState('{"v":1,"pm":[1,-2,3]}')).toThrow(/pm/);
    expect(() => decodeCostState('{"v":1,"tm":[120,5]}')).toThrow(/tm/);
  });

  test('a target change starts the mean target in force; it decays to the new target and is dropped', () => {
    const now = Date.parse('2026-11-16T12:00:00Z');
    const h = history(now, (t) => 20 * daily(t), 14);
    const spent = spentTo(h);
    const policy: CostPolicy = {
      floorCapacity: 2,
      emergencyUtilizationPercent: 90,
      loadLookbackMs: DAY,
      tightenAbovePercent: 100,
      restoreBelowPercent: 95,
      capStepPercent: 10,
      targetUtilization: { maxPercent: 80, stepPercent: 5 },
    };
    const base = {
      budget: { limit: spent + truth(now, (t) => 20 * daily(t)) * 0.8, actualSpend: spent, periodStart: START, periodEnd: END },
      utilization: h.filter((s) => s.t >= now - DAY),
      utilizationPeriodSeconds: 3600,
      usageHistory: h,
      policy,
    };
    const d1 = decideCost({ ...base, now, group: { minSize: 2, maxSize: 200, desiredCapacity: 40, targetUtilization: 50 } });
    const raised = d1.actions.find((a) => a.kind === 'set-target-utilization');
    expect(raised).toBeDefined();
    expect(d1.state.targetMean).toEqual({ percent: 50, t: now });
    const later = now + 6 * HOUR;
    const d2 = decideCost({
      ...base,
      now: later,
      group: { minSize: 2, maxSize: 200, desiredCapacity: 30, targetUtilization: (raised as { percent: number }).percent },
      state: d1.state,
    });
    expect(d2.state.targetMean!.percent).toBeGreaterThan(50);
    expect(d2.state.targetMean!.percent).toBeLessThan((raised as { percent: number }).percent);
  });

  test('property: with a usage history, MaxSize stays within [floor, original] (hard) and never below the load need (availability first)', () => {
    const now = Date.parse('2026-11-16T12:00:00Z');
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 500, noNaN: true }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.integer({ min: 3, max: 60 }),
        fc.boolean(),
        fc.integer({ min: 2, max: 10 }),
        (scale, budgetShare, maxSize, soft, floorCapacity) => {
          const h = history(now, (t) => scale * daily(t), 3).map((s) => ({ ...s, instances: Math.min(maxSize, s.instances!) }));
          const spent = spentTo(h);
          const policy: CostPolicy = {
            budgetMode: soft ? 'availability-first' : 'hard',
            floorCapacity,
            emergencyUtilizationPercent: 90,
            loadLookbackMs: DAY,
            tightenAbovePercent: 100,
            restoreBelowPercent: 95,
            capStepPercent: 10,
            targetUtilization: { maxPercent: 80, stepPercent: 5 },
          };
          const recent = h.filter((s) => s.t >= now - DAY);
          const d = decideCost({
            now,
            budget: { limit: spent + truth(now, (t) => scale * daily(t)) * budgetShare, actualSpend: spent, periodStart: START, periodEnd: END },
            group: { minSize: 2, maxSize, desiredCapacity: Math.min(maxSize, 4), targetUtilization: 50 },
            utilization: recent,
            utilizationPeriodSeconds: 3600,
            usageHistory: h,
            policy,
          });
          const floor = Math.min(floorCapacity, maxSize);
          const need = Math.min(maxSize, Math.max(floor, d.plan.minimumCapForLoad ?? 0));
          return (
            d.actions.every((a) => {
              if (a.kind === 'set-target-utilization') return a.percent >= 50 && a.percent <= 80;
              if (a.kind !== 'set-capacity') return true;
              return (
                a.maxSize >= floor &&
                a.maxSize <= maxSize &&
                a.minSize <= a.maxSize &&
                (!soft || a.maxSize >= need) &&
                a.reason.length > 0 &&
                (a.desiredCapacity === undefined || (a.desiredCapacity >= a.minSize && a.desiredCapacity <= a.maxSize))
              );
            }) && (d.plan.forecastOverrunPercent ?? 0) >= 0
          );
        },
      ),
      { numRuns: 80 },
    );
  });
});
