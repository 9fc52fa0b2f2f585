/**
 * Synthetic one-minute load families the planner is calibrated and tested on beside the real
 * traces: shapes the shared traces do not have (or have once), generated deterministically from a
 * seed so that a test or a benchmark can be repeated. Used by `scripts/bench-planner-loo.ts
 * --synthetic` and by the planner's tests.
 */

/** Minutes per day. */
export const DAY = 1440;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from `rnd` (Box-Muller). */
function gauss(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** One family: a name, a short description, and its generator. */
export interface SyntheticFamily {
  readonly name: string;
  readonly description: string;
  /** `days` days of one-minute load (NaN = no datapoint) from a Monday, midnight UTC. */
  generate(days: number, seed: number): Float64Array;
}

const dayShape = (i: number) => 1 + 0.6 * Math.sin((2 * Math.PI * (i % DAY)) / DAY - Math.PI / 2);
const weekend = (i: number) => (Math.floor(i / DAY) % 7 >= 5 ? 0.4 : 1);

function build(days: number, seed: number, f: (i: number, rnd: () => number) => number, noise = 0.08): Float64Array {
  const rnd = random(seed);
  const n = Math.round(days * DAY);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, f(i, rnd) * (1 + noise * gauss(rnd)));
  return out;
}

/** The families (a fixed list; each generator takes any length and seed). */
export const SYNTHETIC_FAMILIES: readonly SyntheticFamily[] = [
  {
    name: 'trend-weeks',
    description: 'daily shape on a level that doubles over two weeks',
    generate: (days, seed) => build(days, seed, (i) => 100 * (1 + i / (14 * DAY)) * dayShape(i)),
  },
  {
    name: 'level-shifts',
    description: 'daily shape whose level jumps by x0.5 to x2 every 2 to 4 days',
    generate: (days, seed) => {
      const rnd = random(seed + 1);
      let level = 100;
      let next = Math.round((2 + 2 * rnd()) * DAY);
      return build(days, seed, (i) => {
        if (i === next) {
          level *= 0.5 + 1.5 * rnd();
          next += Math.round((2 + 2 * rnd()) * DAY);
        }
        return level * dayShape(i);
      });
    },
  },
  {
    name: 'regime-change',
    description: 'a daily shape that turns into a flat noisy load with a different level after 9 days',
    generate: (days, seed) => build(days, seed, (i) => (i < 9 * DAY ? 100 * dayShape(i) : 160), 0.08),
  },
  {
    name: 'burst-clusters',
    description: 'a daily shape with clusters of 2 to 5 short bursts (2 to 6 minutes at 3 to 6x) at random times',
    generate: (days, seed) => {
      const rnd = random(seed + 2);
      const n = Math.round(days * DAY);
      const burst = new Float64Array(n).fill(1);
      for (let c = 0; c < days * 1.5; c++) {
        let at = Math.floor(rnd() * n);
        const count = 2 + Math.floor(rnd() * 4);
        for (let b = 0; b < count && at < n; b++) {
          const len = 2 + Math.floor(rnd() * 5);
          const height = 3 + 3 * rnd();
          for (let k = 0; k < len && at + k < n; k++) burst[at + k] = height;
          at += 10 + Math.floor(rnd() * 40);
        }
      }
      return build(days, seed, (i) => 100 * dayShape(i) * burst[i]);
    },
  },
  {
    name: 'busy-hour-bursts',
    description:
      'a low flat load with bursts of 10 to 40 minutes at 8 to 15x, about one an hour from 9:00 to 17:00 (the time of day says more than the last half hour)',
    generate: (days, seed) => {
      const rnd = random(seed + 5);
      const n = Math.round(days * DAY);
      const burst = new Float64Array(n).fill(1);
      for (let day = 0; day < days; day++) {
        const end = Math.min(n, day * DAY + 17 * 60);
        for (let at = day * DAY + 9 * 60; ;) {
          at += Math.round(-60 * Math.log(1 - rnd()));
          if (at >= end) break;
          const len = 10 + Math.floor(rnd() * 31);
          const height = 8 + 7 * rnd();
          for (let k = 0; k < len && at + k < n; k++) burst[at + k] = Math.max(burst[at + k], height);
        }
      }
      return build(days, seed, (i) => 10 * burst[i]);
    },
  },
  {
    name: 'jumps-from-quiet',
    description:
      'a quiet flat load that on about half the days jumps within a minute to 20 to 40x at a random time and holds for 1 to 6 hours (a level shift from nothing, no history announces it)',
    generate: (days, seed) => {
      const rnd = random(seed + 6);
      const n = Math.round(days * DAY);
      const level = new Float64Array(n).fill(1);
      for (let day = 0; day < days; day++) {
        if (rnd() >= 0.5) continue;
        const at = day * DAY + Math.floor(rnd() * DAY);
        const len = Math.round((1 + 5 * rnd()) * 60);
        const height = 20 + 20 * rnd();
        for (let k = 0; k < len && at + k < n; k++) level[at + k] = height;
      }
      return build(days, seed, (i) => 5 * level[i], 0.15);
    },
  },
  {
    name: 'gaps',
    description: 'a daily shape with 20% of the points missing and a missing half day',
    generate: (days, seed) => {
      const rnd = random(seed + 3);
      const v = build(days, seed, (i) => 100 * dayShape(i));
      for (let i = 0; i < v.length; i++) if (rnd() < 0.2 || (i >= 5 * DAY && i < 5.5 * DAY)) v[i] = NaN;
      return v;
    },
  },
  {
    name: 'weekly-only',
    description: 'busy weekdays and quiet weekends, flat within the day',
    generate: (days, seed) => build(days, seed, (i) => 100 * weekend(i)),
  },
  {
    name: 'no-seasonality',
    description: 'a random walk of the level with noise (no daily or weekly shape)',
    generate: (days, seed) => {
      const rnd = random(seed + 4);
      let level = 100;
      return build(
        days,
        seed,
        () => {
          level = Math.min(400, Math.max(25, level * (1 + 0.004 * gauss(rnd))));
          return level;
        },
        0.1,
      );
    },
  },
  {
    name: 'noisy',
    description: 'a daily shape under heavy minute-to-minute noise (30%)',
    generate: (days, seed) => build(days, seed, (i) => 100 * dayShape(i), 0.3),
  },
  {
    name: 'tiny-values',
    description: 'a weekly shape at a level of 1e-3',
    generate: (days, seed) => build(days, seed, (i) => 1e-3 * dayShape(i) * weekend(i)),
  },
  {
    name: 'huge-values',
    description: 'a daily shape with bursts at a level of 1e7',
    generate: (days, seed) => build(days, seed, (i, rnd) => 1e7 * dayShape(i) * (rnd() < 0.002 ? 4 : 1)),
  },
];
