import { FittedModel } from './forecast-model';
import { quantileSorted } from './robust-stats';

/** Paired forecasts and outcomes from replaying a model over recent history. */
export interface ForecastErrors {
  readonly forecasts: Float64Array;
  readonly actuals: Float64Array;
  readonly count: number;
}

/** Where and how often `replayForecasts` makes its past forecasts. */
export interface ReplayWindow {
  /** First origin (index of the last known value when the past forecast is made). */
  readonly fromOrigin: number;
  /** Last origin (inclusive). */
  readonly toOrigin: number;
  /** Steps between two origins. */
  readonly stride: number;
  /** Shortest lead (steps after the origin) that is scored. */
  readonly leadMin: number;
  /** Longest lead that is scored (inclusive). */
  readonly leadMax: number;
}

/**
 * Replays `model` over its own recent history: from each origin it forecasts the leads
 * `leadMin..leadMax` with only the data up to that origin, and pairs each forecast with what
 * happened. Outcomes past the end of the series, gaps and points the model cannot forecast are
 * skipped. This is how the planner learns how wrong it tends to be for this very metric.
 */
export function replayForecasts(model: FittedModel, values: Float64Array, w: ReplayWindow): ForecastErrors {
  const origins = Math.max(0, Math.floor((w.toOrigin - w.fromOrigin) / w.stride) + 1);
  const cap = origins * (w.leadMax - w.leadMin + 1);
  const forecasts = new Float64Array(Math.max(0, cap));
  const actuals = new Float64Array(Math.max(0, cap));
  let count = 0;
  for (let o = w.fromOrigin; o <= w.toOrigin; o += w.stride) {
    const level = model.levelAt(o);
    if (!Number.isFinite(level)) continue;
    for (let lead = w.leadMin; lead <= w.leadMax; lead++) {
      const k = o + lead;
      if (k >= values.length) break;
      const a = values[k];
      if (!Number.isFinite(a)) continue;
      const f = model.forecast(k, level);
      if (!Number.isFinite(f)) continue;
      forecasts[count] = f;
      actuals[count] = a;
      count++;
    }
  }
  return { forecasts, actuals, count };
}

/** Multipliers on a model's forecast, learned from its replayed errors. */
export interface Headroom {
  /** The `typicalQuantile` of actual / forecast: the forecast's bias (about 1 when unbiased). */
  readonly typical: number;
  /**
   * The smallest multiplier m such that capacity m x forecast, run at 100% utilization, would
   * have left at most `unservedBudget` of the replayed load unserved.
   */
  readonly tail: number;
  /** How many replayed points these figures come from. */
  readonly samples: number;
}

/** How `learnHeadroom` reads the errors. */
export interface HeadroomOptions {
  /** Quantile of actual/forecast that planning at the target utilization should cover. */
  readonly typicalQuantile: number;
  /** Share of the load that may exceed a capacity of tail x forecast. */
  readonly unservedBudget: number;
  /** Forecasts below this are raised to it before ratios are taken. */
  readonly floor: number;
}

/**
 * Learns headroom from replayed errors: a central quantile of the ratio actual/forecast (so that
 * the target utilization holds on the typical minute) and a tail multiplier found by bisection
 * on the load that would have been unserved (so that bursts above the forecast are covered
 * in proportion to how much load they carried, not how often they happened).
 */
export function learnHeadroom(errors: ForecastErrors, options: HeadroomOptions): Headroom {
  const n = errors.count;
  if (n === 0) return { typical: NaN, tail: NaN, samples: 0 };
  const floor = Math.max(options.floor, Number.MIN_VALUE);
  const ratios = new Float64Array(n);
  let totalLoad = 0;
  let maxRatio = 0;
  for (let i = 0; i < n; i++) {
    const f = Math.max(errors.forecasts[i], floor);
    const r = errors.actuals[i] / f;
    ratios[i] = r;
    totalLoad += errors.actuals[i];
    if (r > maxRatio) maxRatio = r;
  }
  ratios.sort();
  const typical = quantileSorted(ratios, options.typicalQuantile);
  const allowed = options.unservedBudget * totalLoad;
  let lo = 0;
  let hi = Math.max(maxRatio, 1e-9);
  for (let it = 0; it < 40 && hi - lo > 1e-4 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    let unserved = 0;
    for (let i = 0; i < n; i++) {
      const excess = errors.actuals[i] - mid * Math.max(errors.forecasts[i], floor);
      if (excess > 0) unserved += excess;
    }
    if (unserved <= allowed) hi = mid;
    else lo = mid;
  }
  return { typical, tail: hi, samples: n };
}
