import * as fc from 'fast-check';
import { planCapacity } from '../../../lambda/core/plan-capacity';
import type { PlanInput, PlanOutput } from '../../../lambda/core/plan-types';

const T0 = Date.UTC(2026, 0, 5);

/** Any value a metric export can hold, weighted towards the awkward ones. */
const point = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, -1e9, 1e300, Number.MAX_VALUE, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e12 }) },
);

/** A history: raw points, or a daily-ish series with gaps, outages and spikes spliced in. */
const history = fc.oneof(
  fc.array(point, { maxLength: 400 }),
  fc
    .record({
      days: fc.integer({ min: 1, max: 14 }),
      level: fc.double({ min: 0, max: 1e6, noNaN: true }),
      amplitude: fc.double({ min: 0, max: 1, noNaN: true }),
      gapEvery: fc.integer({ min: 0, max: 50 }),
      spike: fc.double({ min: 1, max: 1e6, noNaN: true }),
      spikeEvery: fc.integer({ min: 0, max: 5000 }),
      outageFrom: fc.integer({ min: 0, max: 20_160 }),
      outageLength: fc.integer({ min: 0, max: 2000 }),
    })
    .map((p) => {
      const n = Math.min(20_160, p.days * 1440);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = p.level * (1 + p.amplitude * Math.sin((2 * Math.PI * i) / 1440));
        if (p.gapEvery && i % p.gapEvery === 0) v = NaN;
        if (p.spikeEvery && i % p.spikeEvery === 7) v *= p.spike;
        if (i >= p.outageFrom && i < p.outageFrom + p.outageLength) v = 0;
        values[i] = v;
      }
      return Array.from(values);
    }),
);

const settings = fc.record({
  capacityPerInstance: fc.double({ min: 1e-6, max: 1e6, noNaN: true }).filter((x) => x > 0),
  targetUtilization: fc.double({ min: 0.05, max: 1, noNaN: true }),
  minCapacity: fc.integer({ min: 0, max: 20 }),
  extra: fc.integer({ min: 0, max: 500 }),
  launchLeadSeconds: fc.integer({ min: 0, max: 1800 }),
  horizonSeconds: fc.integer({ min: 0, max: 7200 }),
  lagSteps: fc.integer({ min: 0, max: 30 }),
  stepSeconds: fc.constantFrom(60, 60, 60, 300),
  scaleInWithDesiredCapacity: fc.boolean(),
});

function checkPlan(input: PlanInput, plan: PlanOutput): void {
  expect(Array.isArray(plan.schedule)).toBe(true);
  for (const a of plan.schedule) {
    expect(Number.isFinite(a.at)).toBe(true);
    expect(a.at).toBeGreaterThanOrEqual(input.now);
    expect(a.minCapacity !== undefined || a.desiredCapacity !== undefined).toBe(true);
    for (const c of [a.minCapacity, a.desiredCapacity]) {
      if (c === undefined) continue;
      expect(Number.isInteger(c)).toBe(true);
      expect(c).toBeGreaterThanOrEqual(input.minCapacity);
      expect(c).toBeLessThanOrEqual(input.maxCapacity);
    }
  }
  if (plan.forecast) {
    expect(plan.forecast.values.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(plan.forecast.start)).toBe(true);
  }
}

describe('planCapacity properties', () => {
  test('for any history: no throw, actions at or after now, integral capacities within bounds, finite forecast', () => {
    fc.assert(
      fc.property(history, settings, (values, s) => {
        const input: PlanInput = {
          now: T0 + (values.length + s.lagSteps) * s.stepSeconds * 1000,
          history: { start: T0, stepSeconds: s.stepSeconds, values: s.lagSteps % 2 ? Float64Array.from(values) : values },
          capacityPerInstance: s.capacityPerInstance,
          targetUtilization: s.targetUtilization,
          minCapacity: s.minCapacity,
          maxCapacity: s.minCapacity + s.extra,
          launchLeadSeconds: s.launchLeadSeconds,
          horizonSeconds: s.horizonSeconds,
        };
        checkPlan(input, planCapacity(input, { scaleInWithDesiredCapacity: s.scaleInWithDesiredCapacity }));
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });

  test('the edge histories: empty, all NaN, zeros, negatives, Infinity, huge spikes, 20,160 points', () => {
    const n = 20_160;
    const cases: number[][] = [
      [],
      new Array(n).fill(NaN),
      new Array(n).fill(0),
      new Array(n).fill(-5),
      new Array(n).fill(Infinity),
      Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? 1e12 : 10)),
      Array.from({ length: n }, (_, i) => (i % 2 ? Number.MAX_VALUE : 0)),
      [42],
    ];
    for (const values of cases) {
      const input: PlanInput = {
        now: T0 + values.length * 60_000,
        history: { start: T0, stepSeconds: 60, values },
        capacityPerInstance: 3,
        targetUtilization: 0.7,
        minCapacity: 1,
        maxCapacity: 40,
        launchLeadSeconds: 300,
        horizonSeconds: 1800,
      };
      checkPlan(input, planCapacity(input));
    }
  });
});
