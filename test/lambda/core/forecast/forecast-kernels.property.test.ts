/**
 * The planner's inner loops are written for speed (a sorting network, quickselect, a profile
 * window maximum instead of a per-origin scan, one pass for both profiles). Each is pinned here to
 * a plain reference implementation of what it must compute, on arbitrary series with gaps, ties
 * and extreme values: the fast kernel must give exactly the same numbers.
 */
import * as fc from 'fast-check';
import { learnHeadroom, replayContext, replayPlan, type ReplayedPlan } from '../../../../lambda/core/forecast/forecast-errors';
import { buildProfiles, FittedModel, type ForecastModelSpec, trailingMax, WindowMedians } from '../../../../lambda/core/forecast/forecast-model';
import {
  bufferMedian,
  median5,
  movingMedian,
  quantileInPlace,
  quantileSorted,
  selectInPlace,
  smallMedian,
} from '../../../../lambda/core/forecast/robust-stats';

/** Values a cleaned series holds: finite non-negative numbers (ties likely) or NaN gaps. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }).map((v) => v / 4) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1e9, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, 0, Number.MIN_VALUE, 1e300) },
);
const series = (maxLength: number, minLength = 0) => fc.array(value, { minLength, maxLength }).map((a) => Float64Array.from(a));

/** The reference: sort the finite values, take the middle (the mean of the two middle ones). */
function referenceMedian(values: ArrayLike<number>): number {
  const s = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** -0 and 0 are the same number (the kernels and the references may order the two differently). */
const num = (x: number) => x + 0;
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a, num)).toEqual(Array.from(b, num));

test('median5 is the median of five finite numbers, and NaN when one is not finite', () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 5, maxLength: 5 }), (v) => {
      const [a, b, c, d, e] = v;
      const expected = v.every(Number.isFinite) ? referenceMedian(v) : NaN;
      expect(num(median5(a, b, c, d, e))).toBe(num(expected));
    }),
    { numRuns: 2000 },
  );
});

test('bufferMedian and smallMedian give the reference median of the first n values', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 80 }), fc.integer({ min: 0, max: 80 }), (v, cut) => {
      const n = Math.min(cut, v.length);
      const expected = referenceMedian(v.slice(0, n));
      expect(num(bufferMedian(Float64Array.from(v), n))).toBe(num(expected));
      expect(num(smallMedian(Float64Array.from(v), n))).toBe(num(expected));
    }),
  );
});

test('selectInPlace returns the k-th smallest', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.nat(), (v, k0) => {
      const k = k0 % v.length;
      expect(num(selectInPlace(Float64Array.from(v), v.length, k))).toBe(num([...v].sort((a, b) => a - b)[k]));
    }),
  );
});

test('quantileInPlace is quantileSorted of the sorted values', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (v, q) => {
      const sorted = Float64Array.from(v).sort();
      expect(num(quantileInPlace(Float64Array.from(v), v.length, q))).toBe(num(quantileSorted(sorted, q)));
    }),
  );
});

test('movingMedian is the median of the finite values of each centered window', () => {
  fc.assert(
    fc.property(series(60), fc.integer({ min: 0, max: 4 }), (x, h) => {
      const expected = Array.from(x, (_, i) => referenceMedian(x.slice(Math.max(0, i - h), i + h + 1)));
      same(movingMedian(x, h), expected);
    }),
  );
});

test('trailingMax from an index is the maximum of the finite values of each trailing window (NaN before it)', () => {
  fc.assert(
    fc.property(series(80), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -3, max: 90 }), (x, w, from) => {
      const expected = Array.from(x, (_, i) => {
        if (i < from) return NaN;
        const finite = Array.from(x.slice(Math.max(0, i - w + 1), i + 1)).filter(Number.isFinite);
        return finite.length ? Math.max(...finite) : NaN;
      });
      same(trailingMax(x, w, from), expected);
    }),
  );
});

test('buildProfiles gives, per index, the median and the maximum over earlier cycles', () => {
  fc.assert(
    fc.property(
      series(120),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 7 }),
      fc.nat(40),
      fc.nat(30),
      (x, period, cycles, extra, from0) => {
        const length = x.length + extra;
        const from = Math.min(from0, length);
        const p = buildProfiles(x, length, period, cycles, from);
        for (let i = from; i < length; i++) {
          const seen: number[] = [];
          for (let c = 1; c <= cycles && i - c * period >= 0; c++) if (i - c * period < x.length) seen.push(x[i - c * period]);
          const finite = seen.filter(Number.isFinite);
          expect(num(p.median[i - from])).toBe(num(referenceMedian(finite)));
          expect(num(p.max[i - from])).toBe(num(finite.length ? Math.max(...finite) : NaN));
        }
      },
    ),
  );
});

/**
 * The replay as first written: from each origin, every forecast over the leads, and the planned
 * capacity of each scored lead the largest finite forecast over [lead - back, lead + ahead] (from
 * lead 0 on), by a plain scan.
 */
function referenceReplay(model: FittedModel, values: Float64Array, w: Parameters<typeof replayPlan>[2], context: Parameters<typeof replayPlan>[3]) {
  const rows: number[][] = [];
  for (let o = w.fromOrigin; o <= w.toOrigin; o += w.stride) {
    const level = model.levelAt(o);
    if (!Number.isFinite(level)) continue;
    for (let lead = w.leadMin; lead <= w.leadMax; lead++) {
      const k = o + lead;
      if (k >= values.length) break;
      const fk = model.forecast(k, level);
      if (!Number.isFinite(values[k]) || !Number.isFinite(fk)) continue;
      let g = fk;
      for (let l = Math.max(0, lead - w.back); l <= lead + w.ahead; l++) {
        const x = model.forecast(o + l, level);
        if (Number.isFinite(x) && x > g) g = x;
      }
      rows.push([fk, g, values[k], context.memory ? context.memory[o] : NaN, context.reactive[k], k].map(num));
    }
  }
  return rows;
}

const rowsOf = (r: ReplayedPlan) =>
  Array.from({ length: r.count }, (_, i) => [r.forecasts[i], r.planned[i], r.actuals[i], r.memory[i], r.reactive[i], r.steps[i]].map(num));

test('replayPlan pairs the same forecasts, planned capacity and outcomes as a plain scan, for every model kind', () => {
  fc.assert(
    fc.property(
      series(300, 40),
      fc.record({
        period: fc.integer({ min: 0, max: 40 }),
        cycles: fc.integer({ min: 1, max: 4 }),
        combine: fc.constantFrom('median' as const, 'max' as const),
        levelWindow: fc.integer({ min: 1, max: 8 }),
        stride: fc.integer({ min: 1, max: 9 }),
        leadMin: fc.integer({ min: 0, max: 6 }),
        leads: fc.integer({ min: 0, max: 10 }),
        back: fc.integer({ min: 1, max: 8 }),
        ahead: fc.integer({ min: 0, max: 10 }),
        memory: fc.integer({ min: 0, max: 6 }),
        fromOrigin: fc.nat(150),
        span: fc.nat(250),
      }),
      (x, p) => {
        const spec: ForecastModelSpec = {
          kind: p.period > 0 ? 'daily' : 'none',
          periodSteps: p.period,
          cycles: p.cycles,
          combine: p.combine,
          levelWindow: p.levelWindow,
          smoothHalfWidth: 0,
        };
        const extra = p.leadMin + p.leads + p.ahead + 1;
        const profiles = p.period > 0 ? buildProfiles(x, x.length + extra, p.period, p.cycles, Math.min(p.fromOrigin, x.length)) : undefined;
        const model = new FittedModel(spec, x, profiles, 1e-3, new WindowMedians(x, p.levelWindow));
        const w = {
          fromOrigin: p.fromOrigin,
          toOrigin: p.fromOrigin + p.span,
          stride: p.stride,
          leadMin: p.leadMin,
          leadMax: p.leadMin + p.leads,
          back: p.back,
          ahead: p.ahead,
        };
        const context = replayContext(x, p.memory, p.back, 0.7, p.fromOrigin);
        expect(rowsOf(replayPlan(model, x, w, context))).toEqual(referenceReplay(model, x, w, context));
      },
    ),
    { numRuns: 300 },
  );
});

/** learnHeadroom as first written: the same figures from the replayed points, by plain loops. */
function referenceHeadroom(r: ReplayedPlan, budget: number, target: number, floor: number, withMemory: boolean) {
  const pts = rowsOf(r).filter(([f, g]) => f >= floor && g >= floor);
  if (pts.length === 0) return undefined;
  const typical = referenceMedian(pts.map(([f, , a]) => a / f));
  const total = pts.reduce((s, [, , a]) => s + a, 0);
  const base = Math.max(typical, 0) / target;
  const allowed = budget * total;
  const solve = (memory: boolean) => {
    const other = (p: number[]) => Math.max(p[4], memory && Number.isFinite(p[3]) ? p[3] : 0);
    const unservedAt = (m: number) => pts.reduce((u, p) => u + Math.max(0, p[2] - Math.max(m * p[1], other(p))), 0);
    const hi = pts.reduce((h, p) => (p[2] > other(p) && p[2] > base * p[1] ? Math.max(h, p[2] / p[1]) : h), base);
    let tail = base;
    if (unservedAt(base) > allowed) {
      let lo = base;
      let up = hi;
      for (let it = 0; it < 32 && up / lo > 1.002; it++) {
        const mid = Math.sqrt(lo * up);
        if (unservedAt(mid) > allowed) lo = mid;
        else up = mid;
      }
      tail = up;
    }
    const cost = pts.reduce((c, p) => c + Math.max(tail * p[1], memory && Number.isFinite(p[3]) ? p[3] : 0), 0) / pts.length;
    return { tail, cost, unserved: total > 0 ? unservedAt(tail) / total : 0 };
  };
  const without = { ...solve(false), memory: false };
  const withIt = withMemory ? { ...solve(true), memory: true } : undefined;
  return { typical, ...(withIt && withIt.cost < without.cost ? withIt : without), samples: pts.length };
}

test('learnHeadroom finds the same multipliers as plain loops over the replayed points', () => {
  const point = fc.tuple(
    fc.double({ min: 0.01, max: 100, noNaN: true }),
    fc.double({ min: 0, max: 2, noNaN: true }),
    fc.double({ min: 0, max: 300, noNaN: true }),
    fc.oneof(fc.constant(NaN), fc.double({ min: 0, max: 300, noNaN: true })),
    fc.double({ min: 0, max: 200, noNaN: true }),
  );
  fc.assert(
    fc.property(fc.array(point, { maxLength: 200 }), fc.constantFrom(0, 1e-4, 3e-4, 1e-2, 0.2), fc.boolean(), (pts, budget, withMemory) => {
      const r: ReplayedPlan = {
        forecasts: Float64Array.from(pts, (p) => p[0]),
        planned: Float64Array.from(pts, (p) => p[0] * (1 + p[1])),
        actuals: Float64Array.from(pts, (p) => p[2]),
        memory: Float64Array.from(pts, (p) => p[3]),
        reactive: Float64Array.from(pts, (p) => p[4]),
        steps: Float64Array.from(pts, (_, i) => i),
        count: pts.length,
      };
      const h = learnHeadroom(r, { unservedBudget: budget, targetUtilization: 0.7, floor: 0.05, withMemory });
      const expected = referenceHeadroom(r, budget, 0.7, 0.05, withMemory);
      if (!expected) expect(h.samples).toBe(0);
      else {
        expect({ typical: num(h.typical), tail: num(h.tail), memory: h.memory, samples: h.samples }).toEqual({
          typical: num(expected.typical),
          tail: num(expected.tail),
          memory: expected.memory,
          samples: expected.samples,
        });
        expect(h.cost).toBeCloseTo(expected.cost, 9);
        expect(h.unserved).toBeCloseTo(expected.unserved, 12);
      }
    }),
    { numRuns: 300 },
  );
});
