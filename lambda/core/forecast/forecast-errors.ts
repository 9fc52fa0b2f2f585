import { FittedModel } from './forecast-model';
import { quantileSorted } from './robust-stats';

/** Paired forecasts and outcomes from replaying a model over recent history. */
export interface ForecastErrors {
  readonly forecasts: Float64Array;
  readonly actuals: Float64Array;
  /** Index in the series of each outcome. */
  readonly steps: Float64Array;
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
  const steps = new Float64Array(Math.max(0, cap));
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
      steps[count] = k;
      count++;
    }
  }
  return { forecasts, actuals, steps, count };
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
  /** Forecasts below this are left out. */
  readonly floor: number;
  /**
   * Outcomes within this many steps of the worst one (largest actual/forecast) form one episode
   * that is left out of the tail: a single burst is not worth a permanent headroom, bursts that
   * recur still set it. 0 keeps every outcome.
   */
  readonly episodeSteps: number;
  /**
   * The tail never exceeds this quantile of actual/forecast: a handful of isolated outliers is
   * not worth a permanent headroom. 1 disables the cap.
   */
  readonly tailQuantileCap: number;
}

/**
 * Learns headroom from replayed errors: a central quantile of the ratio actual/forecast (so that
 * the target utilization holds on the typical minute) and a tail multiplier, the smallest m whose
 * replayed unserved load sum(max(0, actual - m x forecast)) stays within the budget (so that
 * bursts above the forecast are covered in proportion to the load they carried, not to how often
 * they happened). Points forecast below `floor` (outages, an idle metric) teach nothing about
 * headroom and are left out. O(n log n).
 */
export function learnHeadroom(errors: ForecastErrors, options: HeadroomOptions): Headroom {
  const floor = Math.max(options.floor, Number.MIN_VALUE);
  // the worst episode: the outcomes around the largest ratio
  let worst = -1;
  let worstRatio = -Infinity;
  if (options.episodeSteps > 0) {
    for (let i = 0; i < errors.count; i++) {
      if (errors.forecasts[i] < floor) continue;
      const r = errors.actuals[i] / errors.forecasts[i];
      if (r > worstRatio) {
        worstRatio = r;
        worst = errors.steps[i];
      }
    }
  }
  const idx: number[] = [];
  let totalLoad = 0;
  for (let i = 0; i < errors.count; i++) {
    if (errors.forecasts[i] >= floor && !(worst >= 0 && Math.abs(errors.steps[i] - worst) <= options.episodeSteps)) {
      idx.push(i);
      totalLoad += errors.actuals[i];
    }
  }
  const n = idx.length;
  if (n === 0) return { typical: NaN, tail: NaN, samples: 0 };
  const ratios = Float64Array.from(idx, (i) => errors.actuals[i] / errors.forecasts[i]);
  const sorted = Float64Array.from(ratios).sort();
  const typical = quantileSorted(sorted, options.typicalQuantile);
  const allowed = options.unservedBudget * totalLoad;
  // The tail lies among the largest ratios: sort only those (pairs of ratio and forecast), and
  // widen the set when the budget is not reached within it.
  let tail = NaN;
  for (let share = 0.05; Number.isNaN(tail); share = Math.min(1, share * 4)) {
    const threshold = share >= 1 ? -Infinity : sorted[Math.floor((1 - share) * (n - 1))];
    const top: number[] = [];
    for (let j = 0; j < n; j++) if (ratios[j] >= threshold) top.push(j);
    top.sort((x, y) => ratios[y] - ratios[x]);
    // unserved(m) = sum over ratio > m of (actual - m * forecast); walk down from the largest.
    let sumA = 0;
    let sumF = 0;
    for (let k = 0; k < top.length; k++) {
      const j = top[k];
      sumA += errors.actuals[idx[j]];
      sumF += errors.forecasts[idx[j]];
      const next = k + 1 < top.length ? ratios[top[k + 1]] : share >= 1 ? 0 : NaN;
      if (Number.isNaN(next)) break;
      // With m in [next, ratios[j]], the points walked so far are unserved: sumA - m * sumF.
      if (sumA - next * sumF > allowed) {
        tail = Math.max(next, (sumA - allowed) / sumF);
        break;
      }
    }
    if (Number.isNaN(tail) && share >= 1) tail = 0;
  }
  if (options.tailQuantileCap < 1) tail = Math.min(tail, quantileSorted(sorted, options.tailQuantileCap));
  return { typical, tail, samples: n };
}
