/** Synthetic one-minute load series for the planner's tests. */
export const DAY = 1440;
export const MIN = 60_000;

/** Deterministic pseudo-random noise in [-1, 1). */
export function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** `days` days of one-minute load f(minute), with multiplicative noise. */
export function series(days: number, f: (minute: number) => number, noiseLevel = 0.05, seed = 1): number[] {
  const rnd = noise(seed);
  return Array.from({ length: Math.round(days * DAY) }, (_, i) => Math.max(0, f(i) * (1 + noiseLevel * rnd())));
}

export const daily = (i: number) => 100 + 60 * Math.sin((2 * Math.PI * i) / DAY);
export const weekly = (i: number) => daily(i) * (Math.floor(i / DAY) % 7 >= 5 ? 0.35 : 1);
