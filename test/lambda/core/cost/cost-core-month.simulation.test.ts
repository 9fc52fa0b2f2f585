/**
 * Synthetic months through the bench's month model (the core's group model with `decideCost`
 * hourly): the budget holds in hard mode and the service is within 0.3 points of the best static
 * CPU target chosen in hindsight, on loads no setting was chosen on.
 */
import { DAY, hindsightStatic, monthOf, simulateMonth } from '../../../../scripts/bench-cost/month';

const STEP = 300; // seconds
const START = Date.parse('2026-03-02T00:00:00Z'); // a Monday
const N = (30 * DAY) / (STEP * 1000);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A daily and weekly shaped load with noise; `f(t, day)` multiplies it. */
function series(seed: number, f: (i: number, day: number) => number = () => 1, scale = 100): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t = START + i * STEP * 1000;
    const day = (t - START) / DAY;
    const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
    const weekend = [0, 6].includes(new Date(t).getUTCDay()) ? 0.6 : 1;
    out[i] = scale * weekend * (1 + 0.6 * Math.sin((2 * Math.PI * (hour - 8)) / 24)) * f(i, day) * (0.9 + 0.2 * r());
  }
  return out;
}

const PRICE = 0.192;

function check(values: Float64Array, price: ((t: number) => number) | undefined, withSoft: boolean) {
  const month = monthOf(START, STEP, values);
  const uncontrolled = simulateMonth(month, { price });
  const budget = uncontrolled.spend * 0.8;
  const hard = simulateMonth(month, { budget, mode: 'hard', price });
  const soft = withSoft ? simulateMonth(month, { budget, mode: 'availability-first', price }) : undefined;
  const hindsight = hindsightStatic(month, budget, { price });
  if (hindsight.kind === 'none') throw new Error(`no hindsight yardstick: ${hindsight.reason}`);
  return { budget, uncontrolled, hard, soft, hindsight };
}

describe('synthetic months: the budget holds and the service keeps up with the hindsight static target', () => {
  const cases: Array<[string, () => Float64Array, ((t: number) => number)?]> = [
    ['growth of 50% within the month', () => series(1, (_, day) => 1 + (0.5 * day) / 30)],
    [
      'bursts in clusters',
      () => {
        const r = rng(7);
        const bursts = new Set<number>();
        for (let k = 0; k < 12; k++) {
          const c = Math.floor(r() * N);
          for (let j = 0; j < 3; j++) {
            const s = c + Math.floor(r() * 200);
            for (let d = 0; d < 12; d++) bursts.add(s + d);
          }
        }
        return series(2, (i) => (bursts.has(i) ? 2.2 : 1));
      },
    ],
    ['a deploy on the 20th: each request costs 30% more CPU from then on', () => series(3, (_, day) => (day >= 19 ? 1.3 : 1))],
    ['a price change mid-month (+30% from the 15th)', () => series(4), (t: number) => (t >= START + 14 * DAY ? PRICE * 1.3 : PRICE)],
    [
      'no seasonality, a gap of 8 hours, values around 0.003',
      () => {
        const r = rng(5);
        const v = Float64Array.from({ length: N }, () => 0.003 * (0.8 + 0.4 * r()));
        for (let i = 10 * 288; i < 10 * 288 + 96; i++) v[i] = NaN;
        return v;
      },
    ],
  ];

  // Availability first on the two months where the load outgrows the plan (the run costs seconds).
  test.each(cases.map(([name, make, price], i) => ({ name, make, price, withSoft: i < 2 })))('$name', ({ make, price, withSoft }) => {
    const r = check(make(), price, withSoft);
    expect(r.uncontrolled.spend).toBeGreaterThan(r.budget);
    // Hard: within the budget; unserved no worse than the hindsight static + 0.3 percentage points.
    expect(r.hard.spend).toBeLessThanOrEqual(r.budget);
    expect(r.hindsight).toBeDefined();
    expect(r.hard.unservedPct).toBeLessThanOrEqual(r.hindsight.result.unservedPct + 0.3);
    // Availability first: service at least as good as hard (within 0.05 points), spend bounded by
    // what the load needed (never above the uncontrolled month).
    if (r.soft) {
      expect(r.soft.unservedPct).toBeLessThanOrEqual(r.hard.unservedPct + 0.05);
      expect(r.soft.spend).toBeLessThanOrEqual(r.uncontrolled.spend);
    }
  });
});
