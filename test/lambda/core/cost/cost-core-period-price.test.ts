/**
 * The price per instance-hour of a quarterly or annual budget: spend and instance-hours of the same
 * window. It was the period's spend over 35 days of instance-hours (2.3x the true price for a
 * quarter on Dec 20, 10.1x for a year), which in hard mode capped a budget on pace.
 */
import {
  type CostDecisionInput,
  type CostPolicy,
  decideCost,
  forecastSpend,
  type UtilizationSample,
  usageHistoryStart,
} from '../../../../lambda/core/cost';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PRICE = 0.1;
const INSTANCES = 10;

/** A steady fleet: INSTANCES at 50% CPU every hour from `from` to `now`. */
function steady(from: number, now: number): UtilizationSample[] {
  const out: UtilizationSample[] = [];
  for (let t = Math.floor(from / HOUR) * HOUR; t < now; t += HOUR) out.push({ t, cpuPercent: 50, instances: INSTANCES });
  return out;
}
/** What the fleet spent from `start` to `now` at PRICE. */
const spentSince = (start: number, now: number) => ((now - start) / HOUR) * INSTANCES * PRICE;

const periods = [
  {
    name: 'quarterly, on Dec 20',
    now: Date.parse('2026-12-20T12:00:00Z'),
    start: Date.parse('2026-10-01T00:00:00Z'),
    end: Date.parse('2027-01-01T00:00:00Z'),
  },
  {
    name: 'quarterly, mid-May',
    now: Date.parse('2026-05-16T12:00:00Z'),
    start: Date.parse('2026-04-01T00:00:00Z'),
    end: Date.parse('2026-07-01T00:00:00Z'),
  },
  {
    name: 'annual, on Dec 20',
    now: Date.parse('2026-12-20T12:00:00Z'),
    start: Date.parse('2026-01-01T00:00:00Z'),
    end: Date.parse('2027-01-01T00:00:00Z'),
  },
  {
    name: 'annual, on Jul 2',
    now: Date.parse('2026-07-02T12:00:00Z'),
    start: Date.parse('2026-01-01T00:00:00Z'),
    end: Date.parse('2027-01-01T00:00:00Z'),
  },
];

test('the usage history starts at the start of the UTC year, or 35 days back when that is earlier', () => {
  expect(usageHistoryStart(Date.parse('2026-12-20T12:30:00Z'))).toBe(Date.parse('2026-01-01T00:00:00Z'));
  expect(usageHistoryStart(Date.parse('2026-01-10T12:30:00Z'))).toBe(Date.parse('2026-01-10T12:00:00Z') - 35 * DAY);
  for (const p of periods) expect(usageHistoryStart(p.now)).toBeLessThanOrEqual(p.start);
});

describe.each(periods)('price per instance-hour, $name', ({ now, start, end }) => {
  const base = { now, periodStart: start, periodEnd: end, actualSpend: spentSince(start, now), currentTargetPercent: 50, minimumInstances: 1 };

  test('the history the handler reads (from usageHistoryStart): the period to date over its instance-hours, the true price', () => {
    const f = forecastSpend({ ...base, history: steady(usageHistoryStart(now), now), historyStart: usageHistoryStart(now) });
    expect(f.pricePerInstanceHour).toBeCloseTo(PRICE, 9);
    expect(f.instanceHoursToDate).toBeCloseTo(((now - start) / HOUR) * INSTANCES, 6);
    expect(f.periodReached).toBe(true);
    expect(f.priceSource).toBe('period');
    // The rest of the period at the same fleet, at the true price.
    expect(f.monthEndAt(50)).toBeCloseTo(spentSince(start, end), 3);
  });

  test("35 days of history only: no price from the period's spend (not 2x to 10x the true one)", () => {
    const f = forecastSpend({ ...base, history: steady(now - 35 * DAY, now) });
    expect(f.pricePerInstanceHour).toBe(0);
    expect(f.periodReached).toBe(false);
    expect(f.priceSource).toBeUndefined();
  });

  test('35 days of history and a price mark a day ago: the spend since the mark over the instance-hours since it', () => {
    const markT = Math.floor((now - DAY) / HOUR) * HOUR;
    // The mark as a run a day ago wrote it: its instance-hours were those of its sliding 35 days,
    // the same as now for a steady fleet (the mark's change in instance-hours was 0).
    const mark = { t: markT, spend: spentSince(start, markT), instanceHours: 35 * 24 * INSTANCES };
    const f = forecastSpend({ ...base, history: steady(now - 35 * DAY, now), priceMark: mark });
    expect(f.pricePerInstanceHour).toBeCloseTo(PRICE, 9);
    expect(f.priceSource).toBe('mark');
  });
});

describe('decideCost, hard mode: a quarterly budget on pace is not capped', () => {
  const policy: CostPolicy = {
    floorCapacity: 2,
    emergencyUtilizationPercent: 90,
    loadLookbackMs: DAY,
    tightenAbovePercent: 100,
    restoreBelowPercent: 95,
    capStepPercent: 10,
    planMarginPercent: 0,
    budgetMode: 'hard',
  };
  const { now, start, end } = periods[0];
  const h = steady(usageHistoryStart(now), now);
  const input = (over: Partial<CostDecisionInput> = {}): CostDecisionInput => ({
    now,
    // The whole quarter at this pace is 90% of the limit.
    budget: { limit: spentSince(start, end) / 0.9, actualSpend: spentSince(start, now), periodStart: start, periodEnd: end },
    group: { minSize: 2, maxSize: 20, desiredCapacity: INSTANCES, targetUtilization: 50 },
    utilization: h.filter((s) => s.t >= now - DAY),
    utilizationPeriodSeconds: 3600,
    usageHistory: h,
    policy,
    ...over,
  });

  test('the plan prices the period at the true price, forecasts no overrun and changes nothing', () => {
    const d = decideCost(input());
    expect(d.plan.forecastSource).toBe('usage-history');
    expect(d.plan.pricePerInstanceHour).toBeCloseTo(PRICE, 9);
    expect(d.plan.forecastOverrunPercent).toBe(0);
    expect(d.actions).toEqual([]);
  });

  test('a custom period across the new year (its start before the history): no usage plan at first, a mark, then the price since it', () => {
    const customStart = Date.parse('2026-10-01T00:00:00Z');
    const customEnd = Date.parse('2027-04-01T00:00:00Z');
    const jan = Date.parse('2027-01-20T12:00:00Z');
    const hist = steady(usageHistoryStart(jan), jan);
    const budget = (t: number) => ({
      limit: spentSince(customStart, customEnd) / 0.9,
      actualSpend: spentSince(customStart, t),
      periodStart: customStart,
      periodEnd: customEnd,
    });
    const first = decideCost(input({ now: jan, budget: budget(jan), usageHistory: hist, utilization: hist.filter((s) => s.t >= jan - DAY) }));
    expect(first.plan.forecastSource).not.toBe('usage-history');
    expect(first.state.priceMark).toMatchObject({ t: jan, spend: budget(jan).actualSpend });
    const later = jan + 13 * HOUR;
    const hist2 = steady(usageHistoryStart(later), later);
    const next = decideCost(
      input({ now: later, budget: budget(later), usageHistory: hist2, utilization: hist2.filter((s) => s.t >= later - DAY), state: first.state }),
    );
    expect(next.plan.forecastSource).toBe('usage-history');
    expect(next.plan.pricePerInstanceHour).toBeCloseTo(PRICE, 6);
    expect(next.actions).toEqual([]);
  });
});
