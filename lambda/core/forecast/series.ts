import type { MetricSeries } from '../plan-types';

/**
 * A load series cleaned for forecasting: one value per step, `NaN` where the metric has no
 * usable datapoint. Negative, infinite and non-numeric values are treated as missing, because a
 * load metric cannot be negative and an infinite point carries no information about the level.
 */
export interface CleanSeries {
  /** Epoch milliseconds of `values[0]`. */
  readonly start: number;
  /** Milliseconds per step. */
  readonly stepMs: number;
  readonly values: Float64Array;
  /** How many values are finite. */
  readonly finiteCount: number;
}

/** Copies `history` into a `CleanSeries`; never throws on malformed values. */
export function cleanSeries(history: MetricSeries): CleanSeries {
  const raw = history.values ?? [];
  const n = raw.length;
  const values = new Float64Array(n);
  let finiteCount = 0;
  for (let i = 0; i < n; i++) {
    const v = Number(raw[i]);
    if (Number.isFinite(v) && v >= 0) {
      values[i] = v;
      finiteCount++;
    } else {
      values[i] = NaN;
    }
  }
  const stepSeconds = Number.isFinite(history.stepSeconds) && history.stepSeconds > 0 ? history.stepSeconds : 60;
  return { start: Number(history.start), stepMs: stepSeconds * 1000, values, finiteCount };
}

/**
 * Averages a series into buckets of `factor` steps (e.g. minutes into hours). A bucket with no
 * finite value is `NaN`.
 */
export function aggregate(values: ArrayLike<number>, factor: number): Float64Array {
  const f = Math.max(1, Math.floor(factor));
  const m = Math.ceil(values.length / f);
  const out = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    let sum = 0;
    let count = 0;
    for (let i = b * f; i < Math.min(values.length, (b + 1) * f); i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    out[b] = count ? sum / count : NaN;
  }
  return out;
}
