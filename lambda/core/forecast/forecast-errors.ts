import { type FittedModel, trailingMax } from './forecast-model';
import { bufferMedian } from './robust-stats';

/**
 * Past forecasts paired with what happened, from replaying a model over recent history, with
 * what the group would have had running beside each forecast.
 */
export interface ReplayedPlan {
  /** The point forecast of each outcome. */
  readonly forecasts: Float64Array;
  /**
   * The largest point forecast over the steps whose capacity the plan keeps running at the
   * outcome (`back` steps before it to `ahead` steps after it, see `ReplayWindow`).
   */
  readonly planned: Float64Array;
  /** What happened. */
  readonly actuals: Float64Array;
  /** The highest load of the burst memory known at the origin (`NaN` without memory). */
  readonly memory: Float64Array;
  /**
   * The capacity, at 100% utilization, that target tracking beside the plan would have running at
   * the outcome: the load it saw for three steps a launch lead time earlier, at the target.
   */
  readonly reactive: Float64Array;
  /** Index in the series of each outcome. */
  readonly steps: Float64Array;
  /** How many outcomes the arrays hold (from their start). */
  count: number;
}

/** Where and how often `replayPlan` makes its past forecasts. */
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
  /** The capacity serving step k was requested for the steps k - back .. k + ahead. */
  readonly back: number;
  readonly ahead: number;
}

/**
 * What the group would have had running beside the plan, per index of the series, computed once
 * per plan and shared by every model's replay (see `replayContext`).
 */
export interface ReplayContext {
  /** The burst memory known at each origin: the highest load of the memory window before it. */
  readonly memory?: Float64Array;
  /**
   * The capacity at 100% utilization target tracking would have running at each index: the load
   * it saw for three steps in a row a launch lead time earlier, at the target utilization.
   */
  readonly reactive: Float64Array;
}

/**
 * The burst memory and target-tracking capacity of every index from `from` on (O(n); `NaN` and 0
 * before it): `memorySteps` 0 for no memory, `reactiveDelay` the steps from a scale-out until the
 * instances serve.
 */
export function replayContext(values: Float64Array, memorySteps: number, reactiveDelay: number, targetUtilization: number, from = 0): ReplayContext {
  const n = values.length;
  const reactive = new Float64Array(n);
  for (let k = Math.max(0, from); k < n; k++) {
    let seen = Infinity;
    for (let i = k - reactiveDelay - 2; i <= k - reactiveDelay; i++) {
      const v = i >= 0 ? values[i] : NaN;
      seen = Number.isFinite(v) ? Math.min(seen, v) : 0;
    }
    reactive[k] = Number.isFinite(seen) ? seen / targetUtilization : 0;
  }
  return { reactive, ...(memorySteps > 0 ? { memory: trailingMax(values, memorySteps, from) } : {}) };
}

/** How many outcomes `replayPlan` can pair over `w` (to size a `replayBuffer`). */
export function replayCapacity(w: Pick<ReplayWindow, 'fromOrigin' | 'toOrigin' | 'stride' | 'leadMin' | 'leadMax'>): number {
  const origins = Math.max(0, Math.floor((w.toOrigin - w.fromOrigin) / w.stride) + 1);
  return origins * Math.max(0, w.leadMax - w.leadMin + 1);
}

/** Storage for `capacity` replayed outcomes, reusable by one replay after another. */
export function replayBuffer(capacity: number): ReplayedPlan {
  const c = Math.max(0, capacity);
  return {
    forecasts: new Float64Array(c),
    planned: new Float64Array(c),
    actuals: new Float64Array(c),
    memory: new Float64Array(c),
    reactive: new Float64Array(c),
    steps: new Float64Array(c),
    count: 0,
  };
}

/**
 * Replays `model` over its own recent history: from each origin it forecasts the leads
 * `leadMin..leadMax` with only the data up to that origin, and pairs each forecast with what
 * happened, and with the capacity the plan and target tracking would have had running then.
 * Outcomes past the end of the series, gaps and points the model cannot forecast are skipped.
 * This is how the planner learns how wrong it tends to be for this very metric. `into` (from
 * `replayBuffer`, at least `replayCapacity(w)` long) is overwritten and returned when given.
 */
export function replayPlan(model: FittedModel, values: Float64Array, w: ReplayWindow, context: ReplayContext, into?: ReplayedPlan): ReplayedPlan {
  const cap = replayCapacity(w);
  const out = into && into.forecasts.length >= cap ? into : replayBuffer(cap);
  const { forecasts, planned, actuals, memory: memoryOut, reactive: reactiveOut, steps } = out;
  const reactive = context.reactive;
  const memories = context.memory;
  // a seasonal model forecasts profile[k - from] x level; a level model its level at every lead
  const profile = model.profileView();
  const p = profile?.values;
  const from = profile?.from ?? 0;
  // the largest forecast over [k - back, k + ahead] from an origin is its level times the
  // profile's windowed maximum; a window that starts before the origin holds only the forecasts
  // from the origin on
  const windowMax = model.profileWindowMaxView(w.back, w.ahead);
  const wm = windowMax?.values;
  const wmOffset = windowMax?.offset ?? 0;
  let count = 0;
  for (let o = w.fromOrigin; o <= w.toOrigin; o += w.stride) {
    const level = model.levelAt(o);
    if (!Number.isFinite(level)) continue;
    const memory = memories ? memories[o] : NaN;
    const lastLead = Math.min(w.leadMax, values.length - 1 - o);
    for (let lead = w.leadMin; lead <= lastLead; lead++) {
      const k = o + lead;
      const a = values[k];
      if (!Number.isFinite(a)) continue;
      let fk = level;
      let g = level;
      if (p !== undefined && wm !== undefined) {
        const i = k - from;
        const v = i >= 0 && i < p.length ? p[i] : NaN;
        fk = Number.isFinite(v) ? v * level : NaN;
        if (!Number.isFinite(fk)) continue;
        g = fk;
        if (lead >= w.back) {
          const j = k + wmOffset;
          const m = (j >= 0 && j < wm.length ? wm[j] : NaN) * level;
          if (m > g) g = m;
        } else {
          for (let x = o; x <= k + w.ahead; x++) {
            const y = x - from;
            const u = y >= 0 && y < p.length ? p[y] : NaN;
            const f = Number.isFinite(u) ? u * level : NaN;
            if (f > g) g = f;
          }
        }
      }
      forecasts[count] = fk;
      planned[count] = g;
      actuals[count] = a;
      memoryOut[count] = memory;
      reactiveOut[count] = reactive[k];
      steps[count] = k;
      count++;
    }
  }
  out.count = count;
  return out;
}

/** Multipliers on a model's forecast, learned from its replayed errors and the budget. */
export interface Headroom {
  /** The median of actual / forecast: the forecast's bias (about 1 when unbiased). */
  readonly typical: number;
  /**
   * The smallest multiplier m such that a capacity of max(m x planned forecast, burst memory,
   * target tracking) at 100% utilization would have left at most the unserved budget of the
   * replayed load unserved; never below typical / target (the plan runs at the target first).
   */
  readonly tail: number;
  /** Whether the burst memory is part of the plan (it was cheaper for the same budget). */
  readonly memory: boolean;
  /** Mean replayed capacity at 100% utilization, in load units (what the model would cost). */
  readonly cost: number;
  /** Sum |actual - typical x forecast| / sum actual over the replay. */
  readonly wape: number;
  /**
   * The share of the replayed load the chosen capacity would have left unserved (weighted by age
   * with `HeadroomOptions.halfLifeSteps`).
   */
  readonly unserved: number;
  /** How many replayed points these figures come from. */
  readonly samples: number;
}

/** How `learnHeadroom` reads the errors. */
export interface HeadroomOptions {
  /** Share of the load that may exceed the planned capacity at 100% utilization. */
  readonly unservedBudget: number;
  /** The target utilization the plan runs at. */
  readonly targetUtilization: number;
  /** Forecasts below this are left out (outages, an idle metric teach nothing about headroom). */
  readonly floor: number;
  /** Consider the burst memory (the replay must have been made with `memorySteps` > 0). */
  readonly withMemory: boolean;
  /**
   * When set (steps, > 0), a replayed outcome weighs 2^(-age / halfLifeSteps) in the budget, its
   * age counted from the latest replayed outcome: the misses of a past jump count less the longer
   * ago it was, so the headroom it taught decays. Unset: every outcome weighs the same.
   */
  readonly halfLifeSteps?: number;
}

/**
 * Learns headroom from a replay. The typical multiplier is the median of actual/forecast (so the
 * target utilization holds on the typical minute); the tail multiplier is the smallest m for which
 * the capacity the plan, its burst memory and target tracking would have had running leaves at most
 * `unservedBudget` of the replayed load unserved, so the headroom is sized by the load the misses
 * carried, in proportion to the budget. With `withMemory`, both ways (with and without the burst
 * memory) are solved and the cheaper one is kept: the memory is worth it only where this metric's
 * bursts come in clusters.
 */
export function learnHeadroom(r: ReplayedPlan, options: HeadroomOptions, scratch?: HeadroomScratch): Headroom {
  const floor = Math.max(options.floor, Number.MIN_VALUE);
  const withMemory = options.withMemory;
  // the points the headroom is learned from, side by side: actual, forecast, planned, and what
  // else would have been running (target tracking; with it the burst memory, 0 when none)
  const work = scratch && scratch.capacity >= r.count ? scratch : new HeadroomScratch(r.count);
  const { actual, forecast, planned, reactive, memoryAt, ratios } = work;
  let n = 0;
  let totalLoad = 0;
  // the budget's weight of each outcome (1 without a half-life): a weighted miss is the miss of
  // the weighted actual against the weighted capacity, so the points are scaled as they are kept
  const decay = options.halfLifeSteps !== undefined && options.halfLifeSteps > 0 ? Math.LN2 / options.halfLifeSteps : 0;
  let latest = -Infinity;
  if (decay > 0) for (let i = 0; i < r.count; i++) latest = Math.max(latest, r.steps[i]);
  let weightedLoad = 0;
  const weights = work.weights;
  const { forecasts: rf, planned: rp, actuals: ra, reactive: rr, memory: rm } = r;
  for (let i = 0; i < r.count; i++) {
    const f = rf[i];
    const p = rp[i];
    if (f >= floor && p >= floor) {
      const a = ra[i];
      if (decay > 0) {
        weights[n] = Math.exp(-decay * (latest - r.steps[i]));
        weightedLoad += weights[n] * a;
      }
      actual[n] = a;
      forecast[n] = f;
      planned[n] = p;
      reactive[n] = Math.max(rr[i], 0);
      if (withMemory) memoryAt[n] = Number.isFinite(rm[i]) ? rm[i] : 0;
      ratios[n] = a / f;
      totalLoad += a;
      n++;
    }
  }
  // every weight 1 without a half-life: the weighted load is the load, summed in the same order
  if (!(decay > 0)) weightedLoad = totalLoad;
  if (n === 0) return { typical: NaN, tail: NaN, memory: false, cost: NaN, wape: NaN, unserved: NaN, samples: 0 };
  const typical = bufferMedian(ratios, n);
  const base = Math.max(typical, 0) / options.targetUtilization;
  const allowed = Math.max(0, options.unservedBudget) * weightedLoad;

  // one pass for the error and for the points that can be unserved at all, without and with the
  // burst memory: above the base plan and above what else was running
  const without = new Misses(work.missesWithout);
  const withIt = new Misses(work.missesWith);
  let absErr = 0;
  for (let j = 0; j < n; j++) {
    const a = actual[j];
    const p = planned[j];
    absErr += Math.abs(a - typical * forecast[j]);
    if (a > base * p) {
      const w = decay > 0 ? weights[j] : 1;
      if (a > reactive[j]) without.add(w * a, w * p, w * reactive[j]);
      if (withMemory) {
        const other = Math.max(reactive[j], memoryAt[j]);
        if (a > other) withIt.add(w * a, w * p, w * other);
      }
    }
  }
  const wape = totalLoad > 0 ? absErr / totalLoad : NaN;
  const tailWithout = without.smallestMultiplier(base, allowed);
  const tailWith = withMemory ? withIt.smallestMultiplier(base, allowed) : NaN;

  // what each would cost, in one pass
  let costWithout = 0;
  let costWith = 0;
  for (let j = 0; j < n; j++) {
    costWithout += Math.max(tailWithout * planned[j], 0);
    if (withMemory) costWith += Math.max(tailWith * planned[j], memoryAt[j]);
  }
  // (with a half-life, the weighted share the budget was held to)
  const unservedShare = (u: number) => (weightedLoad > 0 ? u / weightedLoad : 0);
  if (withMemory && costWith / n < costWithout / n) {
    return { typical, tail: tailWith, memory: true, cost: costWith / n, wape, unserved: unservedShare(withIt.unservedAt(tailWith)), samples: n };
  }
  return {
    typical,
    tail: tailWithout,
    memory: false,
    cost: costWithout / n,
    wape,
    unserved: unservedShare(without.unservedAt(tailWithout)),
    samples: n,
  };
}

/** Working memory for `learnHeadroom`, reusable from one call to the next (up to `capacity` points). */
export class HeadroomScratch {
  public readonly actual: Float64Array;
  public readonly forecast: Float64Array;
  public readonly planned: Float64Array;
  public readonly reactive: Float64Array;
  public readonly memoryAt: Float64Array;
  public readonly ratios: Float64Array;
  public readonly weights: Float64Array;
  public readonly missesWithout: Float64Array;
  public readonly missesWith: Float64Array;

  constructor(public readonly capacity: number) {
    const c = Math.max(0, capacity);
    this.actual = new Float64Array(c);
    this.forecast = new Float64Array(c);
    this.planned = new Float64Array(c);
    this.reactive = new Float64Array(c);
    this.memoryAt = new Float64Array(c);
    this.ratios = new Float64Array(c);
    this.weights = new Float64Array(c);
    this.missesWithout = new Float64Array(3 * c);
    this.missesWith = new Float64Array(3 * c);
  }
}

/**
 * The replayed points a plan could have left short: (actual, planned, other) triples, where a
 * capacity multiplier m serves max(m x planned, other) of the actual load.
 */
class Misses {
  private size = 0;
  /** The largest actual / planned: at this multiplier every point is served. */
  private highest = 0;

  /** `at` holds three values per point that can be added. */
  constructor(private readonly at: Float64Array) {}

  public add(actual: number, planned: number, other: number): void {
    this.at[this.size++] = actual;
    this.at[this.size++] = planned;
    this.at[this.size++] = other;
    this.highest = Math.max(this.highest, actual / planned);
  }

  /** The load left unserved at multiplier m. */
  public unservedAt(m: number): number {
    const at = this.at;
    let u = 0;
    for (let j = 0; j < this.size; j += 3) u += Math.max(0, at[j] - Math.max(m * at[j + 1], at[j + 2]));
    return u;
  }

  /**
   * The smallest multiplier from `base` up that leaves at most `allowed` unserved: `base` when it
   * does, otherwise by bisection on a log scale up to the largest ratio (to 0.2%), rounded up.
   */
  public smallestMultiplier(base: number, allowed: number): number {
    if (!(this.unservedAt(base) > allowed)) return base;
    let lo = base;
    let up = Math.max(base, this.highest);
    for (let it = 0; it < 32 && up / lo > 1.002; it++) {
      const mid = Math.sqrt(lo * up);
      if (this.unservedAt(mid) > allowed) {
        lo = mid;
        this.keepUnservedAt(lo);
      } else up = mid;
    }
    return up;
  }

  /** Drops the points fully served at m: they stay served at every larger multiplier. */
  private keepUnservedAt(m: number): void {
    const at = this.at;
    let k = 0;
    for (let j = 0; j < this.size; j += 3) {
      if (at[j] > Math.max(m * at[j + 1], at[j + 2])) {
        at[k++] = at[j];
        at[k++] = at[j + 1];
        at[k++] = at[j + 2];
      }
    }
    this.size = k;
  }
}
