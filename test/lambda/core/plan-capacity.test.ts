import { DEFAULT_REPLAY_BUDGET_FACTOR, explainPlan, planCapacity } from '../../../lambda/core/plan-capacity';
import type { PlanInput } from '../../../lambda/core/plan-types';
import { DAY, MIN, daily, series, weekly } from './synthetic-load';

const T0 = Date.UTC(2026, 0, 5); // a Monday, midnight UTC

/** A plan input over `values` (one-minute points from T0), made right after the last point. */
function input(values: number[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    now: T0 + values.length * MIN,
    history: { start: T0, stepSeconds: 60, values },
    capacityPerInstance: 10,
    targetUtilization: 0.7,
    minCapacity: 1,
    maxCapacity: 100,
    launchLeadSeconds: 300,
    horizonSeconds: 1800,
    ...overrides,
  };
}

/** The minimum capacity the schedule sets for the instant `at`. */
function floorAt(schedule: { at: number; minCapacity?: number }[], at: number): number {
  let v = NaN;
  for (const a of schedule) if (a.at <= at && a.minCapacity !== undefined) v = a.minCapacity;
  return v;
}

const need = (load: number) => Math.ceil(load / (10 * 0.7));

describe('planCapacity', () => {
  test('follows a daily shape ahead of the ramp, and its forecast is close', () => {
    // 8 days of history ending at 06:00 of day 9, where the sine rises steeply
    const all = series(9, daily, 0.03);
    const cut = 8 * DAY + 360;
    const { plan, explanation } = explainPlan(input(all.slice(0, cut)));
    expect(explanation?.seasonality.kind).toBe('daily');
    // a slow sine is forecast well by the level alone too: the replay may choose either
    expect(['none', 'daily']).toContain(explanation?.model.kind);
    const f = plan.forecast!;
    expect(f.start).toBe(T0 + cut * MIN);
    for (let j = 0; j < 30; j++) expect(Math.abs(f.values[j] - all[cut + j]) / all[cut + j]).toBeLessThan(0.15);
    // the capacity for the load 20 minutes ahead is requested now, at the target utilization
    expect(floorAt(plan.schedule, T0 + cut * MIN)).toBeGreaterThanOrEqual(need(all[cut + 20]));
    expect(floorAt(plan.schedule, T0 + cut * MIN)).toBeLessThanOrEqual(need(all[cut + 20]) * 1.6);
  });

  test('uses the weekly shape when weekends differ', () => {
    const all = series(14, weekly, 0.03);
    const cut = 12 * DAY + 600; // Saturday 10:00 of the second week
    const { plan, explanation } = explainPlan(input(all.slice(0, cut)));
    expect(explanation?.seasonality.kind).toBe('weekly');
    const f = plan.forecast!.values;
    for (let j = 0; j < 30; j++) expect(Math.abs(f[j] - all[cut + j]) / all[cut + j]).toBeLessThan(0.2);
  });

  test('plans a flat level for a metric without shape', () => {
    const values = series(7, () => 200, 0.1);
    const { plan, explanation } = explainPlan(input(values));
    expect(explanation?.seasonality.kind).toBe('none');
    const cap = floorAt(plan.schedule, T0 + values.length * MIN);
    // the typical minute at about the target utilization, the noisiest ones within 100%
    expect(cap).toBeGreaterThanOrEqual(need(200) - 1);
    expect(cap * 10).toBeGreaterThanOrEqual(220);
    expect(cap).toBeLessThanOrEqual(need(200) * 1.5);
  });

  test('copes with gaps', () => {
    const values = series(8, daily);
    for (let i = 0; i < values.length; i++) if (i % 3 === 0 || (i > 5 * DAY && i < 5 * DAY + 240)) values[i] = NaN;
    const plan = planCapacity(input(values));
    expect(plan.schedule.length).toBeGreaterThan(0);
    expect(plan.forecast!.values.every(Number.isFinite)).toBe(true);
  });

  test('a past day-long outage does not drag the plan down', () => {
    const values = series(8, daily);
    for (let i = 6 * DAY; i < 7 * DAY; i++) values[i] = 0.2;
    const cut = values.length; // 8 days, midnight: load about 100
    const plan = planCapacity(input(values));
    expect(floorAt(plan.schedule, T0 + cut * MIN)).toBeGreaterThanOrEqual(need(100) - 1);
  });

  test('adapts to a level shift within the hour', () => {
    const values = series(8, (i) => (i < 8 * DAY - 90 ? 100 : 300), 0.05);
    const plan = planCapacity(input(values));
    expect(floorAt(plan.schedule, T0 + values.length * MIN)).toBeGreaterThanOrEqual(need(300));
  });

  test('keeps up with a trend', () => {
    const values = series(6, (i) => 50 + i / 20, 0.03);
    const last = 50 + values.length / 20;
    const plan = planCapacity(input(values));
    expect(floorAt(plan.schedule, T0 + values.length * MIN)).toBeGreaterThanOrEqual(need(last));
  });

  test('the unserved budget drives the headroom: a larger budget never plans more, a tight one covers the bursts', () => {
    // one-minute bursts at 20x the level every ~16 hours: about 1% of the load above the level
    const values = series(8, () => 100, 0.05);
    for (let i = 100; i < values.length; i += 997) values[i] = 2000;
    const now = T0 + values.length * MIN;
    const caps = [1e-4, 1e-3, 1e-2, 5e-2].map((b) =>
      floorAt(planCapacity(input(values, { maxCapacity: 1000 }), { unservedBudget: b }).schedule, now),
    );
    for (let k = 1; k < caps.length; k++) expect(caps[k]).toBeLessThanOrEqual(caps[k - 1]);
    // a budget above the bursts' share of the load does not pay for them; a tight one does
    expect(caps[3]).toBeLessThanOrEqual(need(100 * 1.05) + 1);
    expect(caps[0]).toBeGreaterThan(caps[2]);
    expect(caps[0] * 10).toBeGreaterThanOrEqual(1000);
    expect(() => planCapacity(input(values), { unservedBudget: 1 })).toThrow(/unservedBudget must be a fraction in \[0, 1\) \(got 1\)/);
  });

  test('the replay meets the budget it was given, and says so', () => {
    const values = series(8, daily, 0.15, 7);
    for (const budget of [1e-3, 1e-2]) {
      const { explanation } = explainPlan(input(values), { unservedBudget: budget });
      expect(explanation!.replayBudget).toBeCloseTo(budget * DEFAULT_REPLAY_BUDGET_FACTOR, 12);
      expect(explanation!.headroom.unserved).toBeLessThanOrEqual(explanation!.replayBudget + 1e-12);
      // never below the target utilization
      expect(explanation!.multiplier).toBeGreaterThanOrEqual(explanation!.headroom.typical / 0.7 - 1e-9);
    }
  });

  test('bursts that come in clusters make the burst memory worth it: the floor keeps a recent burst, then lets go', () => {
    // clusters of four 2-minute bursts at 6x, 20 minutes apart, every 8 hours: the first burst of a
    // cluster carries 1.9% of the load, the later ones 5.7%
    const values = series(8, () => 100, 0.05);
    for (let c = 200; c < values.length; c += 480)
      for (let b = 0; b < 4; b++) for (let k = 0; k < 2; k++) if (c + 20 * b + k < values.length) values[c + 20 * b + k] = 600;
    const cut = 200 + 21 * 480 + 1; // one minute into the first burst of a cluster, on day 8
    const { plan, explanation } = explainPlan(input(values.slice(0, cut), { horizonSeconds: 7200 }), { unservedBudget: 0.03 });
    expect(explanation!.headroom.memory).toBe(true);
    const now = T0 + cut * MIN;
    // the next bursts of the cluster (20 and 40 minutes on) meet capacity that is already running
    expect(floorAt(plan.schedule, now + 20 * MIN) * 10).toBeGreaterThanOrEqual(600);
    expect(floorAt(plan.schedule, now + 45 * MIN) * 10).toBeGreaterThanOrEqual(600);
    // without the memory the same budget needs a permanent headroom instead: it costs more
    const off = explainPlan(input(values.slice(0, cut), { horizonSeconds: 7200 }), { unservedBudget: 0.03, burstMemorySeconds: 0 });
    expect(off.explanation!.headroom.memory).toBe(false);
    expect(off.explanation!.headroom.cost).toBeGreaterThan(explanation!.headroom.cost);
  });

  test('a metric without clustered bursts keeps no burst memory', () => {
    const values = series(8, daily, 0.05);
    values[values.length - 30] = 900; // one burst, 30 minutes ago
    const { plan, explanation } = explainPlan(input(values), { unservedBudget: 1e-2 });
    expect(explanation!.headroom.memory).toBe(false);
    expect(floorAt(plan.schedule, T0 + values.length * MIN) * 10).toBeLessThan(900);
  });

  test('the forecast is a point forecast of the load, not of its peaks', () => {
    // heavy minute-to-minute noise around a daily shape: the forecast follows the mean, the capacity the peaks
    const all = series(9, daily, 0.3, 3);
    const cut = 8 * DAY + 600;
    const { plan } = explainPlan(input(all.slice(0, cut)));
    const f = plan.forecast!.values;
    let err = 0;
    let naive = 0;
    let load = 0;
    for (let j = 0; j < 30; j++) {
      err += Math.abs(f[j] - all[cut + j]);
      naive += Math.abs(all[cut + j - DAY] - all[cut + j]);
      load += all[cut + j];
      expect(f[j]).toBeLessThan(daily(cut + j) * 1.15);
      expect(f[j]).toBeGreaterThan(daily(cut + j) * 0.85);
    }
    expect(err / load).toBeLessThan(naive / load);
    expect(floorAt(plan.schedule, T0 + cut * MIN) * 10).toBeGreaterThan(daily(cut) * 1.3);
  });

  test('a burst that recurs at the same time every day is planned for', () => {
    const values = series(8, () => 100, 0.05);
    for (let d = 0; d < 8; d++) for (let k = 0; k < 4; k++) values[d * DAY + 1200 + k] = 600;
    const cut = 7 * DAY + 1180; // 20 minutes before the eighth burst
    const plan = planCapacity(input(values.slice(0, cut)));
    // the burst is carried at 100% utilization at least, with instances launched in time
    expect(floorAt(plan.schedule, T0 + (cut + 20) * MIN) * 10).toBeGreaterThanOrEqual(600);
    expect(floorAt(plan.schedule, T0 + cut * MIN)).toBeLessThan(need(600) * 1.5);
  });

  test('lowers the floor only once the forecast stays low, never before the drop', () => {
    // high until 12:00 every day, low after
    const f = (i: number) => (i % DAY < 720 ? 400 : 100);
    const values = series(8, f, 0.02);
    const cut = 7 * DAY + 700; // 20 minutes before the drop
    const plan = planCapacity(input(values.slice(0, cut)));
    const drop = T0 + (7 * DAY + 720) * MIN;
    const high = floorAt(plan.schedule, T0 + cut * MIN);
    expect(high).toBeGreaterThanOrEqual(need(400) - 1);
    // (within one instance: the forecast's own noise moves the need by that much)
    for (const a of plan.schedule) if (a.at < drop) expect(a.minCapacity).toBeGreaterThanOrEqual(high - 1);
  });

  test('scales out a launch lead time ahead of a rise', () => {
    const f = (i: number) => (i % DAY < 720 ? 100 : 400);
    const values = series(8, f, 0.02);
    const cut = 7 * DAY + 700; // 20 minutes before the rise
    const { plan, explanation } = explainPlan(input(values.slice(0, cut)));
    expect(explanation?.model.kind).toBe('daily');
    const rise = T0 + (7 * DAY + 720) * MIN;
    expect(floorAt(plan.schedule, rise - 300_000)).toBeGreaterThanOrEqual(need(400) - 1);
    expect(floorAt(plan.schedule, T0 + cut * MIN)).toBeLessThan(need(400));
  });

  test('stays within minCapacity..maxCapacity', () => {
    const values = series(3, () => 5000);
    const plan = planCapacity(input(values, { minCapacity: 2, maxCapacity: 12 }));
    expect(plan.schedule.every((a) => a.minCapacity! >= 2 && a.minCapacity! <= 12)).toBe(true);
    expect(floorAt(plan.schedule, T0 + values.length * MIN)).toBe(12);
    const idle = planCapacity(
      input(
        series(3, () => 0.001),
        { minCapacity: 3 },
      ),
    );
    expect(floorAt(idle.schedule, T0 + 3 * DAY * MIN)).toBe(3);
  });

  test('with no usable history it schedules nothing', () => {
    expect(planCapacity(input([])).schedule).toEqual([]);
    expect(planCapacity(input([NaN, NaN, -1, Infinity])).schedule).toEqual([]);
  });

  test('plans from now when the metric lags behind it', () => {
    const values = series(8, daily);
    const now = T0 + (values.length + 7) * MIN + 12_345;
    const plan = planCapacity(input(values, { now }));
    expect(plan.schedule[0].at).toBe(now);
    expect(plan.schedule.every((a) => a.at >= now)).toBe(true);
    expect(plan.forecast!.start).toBeGreaterThanOrEqual(now);
  });

  test('works on five-minute data', () => {
    const values = series(8, daily).filter((_, i) => i % 5 === 0);
    const plan = planCapacity(input(values, { history: { start: T0, stepSeconds: 300, values }, now: T0 + values.length * 300_000 }));
    expect(plan.forecast!.stepSeconds).toBe(300);
    expect(plan.schedule.length).toBeGreaterThan(0);
  });

  test('rejects invalid settings with the name and value', () => {
    const values = series(1, daily);
    expect(() => planCapacity(input(values, { capacityPerInstance: 0 }))).toThrow(/capacityPerInstance.*0/);
    expect(() => planCapacity(input(values, { targetUtilization: 1.5 }))).toThrow(/targetUtilization.*1\.5/);
    expect(() => planCapacity(input(values, { minCapacity: 5, maxCapacity: 3 }))).toThrow(/maxCapacity \(3\).*minCapacity \(5\)/);
  });
});

describe('explainPlan keeps no state between plans', () => {
  /** Ten days of five-minute points of a daily load with a spike at the same time each day. */
  const fiveMinuteInput = (): PlanInput => {
    let s = 1;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const n = 10 * 288;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = i % 288;
      v[i] = 100 * (1.2 + Math.sin((2 * Math.PI * p) / 288)) * (0.9 + 0.2 * rnd()) + (p > 100 && p < 110 ? 300 : 0);
    }
    return { ...input([]), now: T0 + n * 5 * MIN, history: { start: T0, stepSeconds: 300, values: v }, maxCapacity: 1000, horizonSeconds: 3600 };
  };
  const small = input(new Array(50).fill(5));

  test('a plan made while another runs (a getter on its options that plans) leaves the outer plan as it is', () => {
    const plain = explainPlan(fiveMinuteInput());
    // the case is one where the working memory matters: "the same minute a day earlier" is weighed
    expect(plain.explanation?.seasonalNaiveWeight).toBeGreaterThan(0);
    let inner = 0;
    const options = {
      get realizedGain() {
        inner++;
        explainPlan(small);
        return 1;
      },
    };
    const reentrant = explainPlan(fiveMinuteInput(), options);
    expect(inner).toBeGreaterThan(0);
    expect(JSON.stringify(reentrant)).toBe(JSON.stringify(plain));
  });

  test('a plan is the same whatever plans came before it, small or large', () => {
    const a = JSON.stringify(explainPlan(fiveMinuteInput()));
    explainPlan(small);
    explainPlan({ ...fiveMinuteInput(), horizonSeconds: 3 * 86_400 });
    expect(JSON.stringify(explainPlan(fiveMinuteInput()))).toBe(a);
  });
});
