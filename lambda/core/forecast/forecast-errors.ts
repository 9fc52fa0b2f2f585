import { type FittedModel, trailingMax } from './forecast-model';

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
  readonly count: number;
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
 * The burst memory and target-tracking capacity of every index from `from` on (O(n)): `memorySteps`
 * 0 for no memory, `reactiveDelay` the steps from a scale-out until the instances serve.
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
  return { reactive, ...(memorySteps > 0 ? { memory: trailingMax(values, memorySteps) } : {}) };
}

/**
 * Replays `model` over its own recent history: from each origin it forecasts the leads
 * `leadMin..leadMax` with only the data up to that origin, and pairs each forecast with what
 * happened, and with the capacity the plan and target tracking would have had running then.
 * Outcomes past the end of the series, gaps and points the model cannot forecast are skipped.
 * This is how the planner learns how wrong it tends to be for this very metric.
 */
export function replayPlan(model: FittedModel, values: Float64Array, w: ReplayWindow, context: ReplayContext): ReplayedPlan {
  const origins = Math.max(0, Math.floor((w.toOrigin - w.fromOrigin) / w.stride) + 1);
  const leads = Math.max(0, w.leadMax - w.leadMin + 1);
  const cap = origins * leads;
  const out = {
    forecasts: new Float64Array(cap),
    planned: new Float64Array(cap),
    actuals: new Float64Array(cap),
    memory: new Float64Array(cap),
    reactive: new Float64Array(cap),
    steps: new Float64Array(cap),
    count: 0,
  };
  const firstLead = Math.max(0, w.leadMin - w.back);
  const lastLead = w.leadMax + w.ahead;
  const f = new Float64Array(Math.max(0, lastLead - firstLead + 1));
  const deque = new Int32Array(f.length);
  let count = 0;
  for (let o = w.fromOrigin; o <= w.toOrigin; o += w.stride) {
    const level = model.levelAt(o);
    if (!Number.isFinite(level)) continue;
    for (let lead = firstLead; lead <= lastLead; lead++) f[lead - firstLead] = model.forecast(o + lead, level);
    const memory = context.memory ? context.memory[o] : NaN;
    // g[lead] = max of f over [lead - back, lead + ahead], by a monotonic deque over the leads
    let head = 0;
    let tail = 0;
    let next = firstLead;
    for (let lead = w.leadMin; lead <= w.leadMax; lead++) {
      const k = o + lead;
      if (k >= values.length) break;
      for (; next <= Math.min(lastLead, lead + w.ahead); next++) {
        const x = f[next - firstLead];
        if (!Number.isFinite(x)) continue;
        while (tail > head && f[deque[tail - 1] - firstLead] <= x) tail--;
        deque[tail++] = next;
      }
      while (tail > head && deque[head] < lead - w.back) head++;
      const a = values[k];
      const fk = f[lead - firstLead];
      if (!Number.isFinite(a) || !Number.isFinite(fk)) continue;
      const g = tail > head ? Math.max(fk, f[deque[head] - firstLead]) : fk;
      out.forecasts[count] = fk;
      out.planned[count] = g;
      out.actuals[count] = a;
      out.memory[count] = memory;
      out.reactive[count] = context.reactive[k];
      out.steps[count] = k;
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
  /** The share of the replayed load the chosen capacity would have left unserved. */
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
export function learnHeadroom(r: ReplayedPlan, options: HeadroomOptions): Headroom {
  const floor = Math.max(options.floor, Number.MIN_VALUE);
  const idx = new Int32Array(r.count);
  const ratios = new Float64Array(r.count);
  let n = 0;
  let totalLoad = 0;
  for (let i = 0; i < r.count; i++) {
    if (r.forecasts[i] >= floor && r.planned[i] >= floor) {
      ratios[n] = r.actuals[i] / r.forecasts[i];
      idx[n++] = i;
      totalLoad += r.actuals[i];
    }
  }
  if (n === 0) return { typical: NaN, tail: NaN, memory: false, cost: NaN, wape: NaN, unserved: NaN, samples: 0 };
  const typical = medianInPlace(ratios.subarray(0, n));
  let absErr = 0;
  for (let j = 0; j < n; j++) absErr += Math.abs(r.actuals[idx[j]] - typical * r.forecasts[idx[j]]);
  const wape = totalLoad > 0 ? absErr / totalLoad : NaN;
  const base = Math.max(typical, 0) / options.targetUtilization;
  const allowed = Math.max(0, options.unservedBudget) * totalLoad;

  const solve = (memory: boolean) => {
    // the points that can be unserved at all: above the base plan, the memory and target tracking
    const at = new Float64Array(3 * n);
    let m3 = 0;
    let hi = base;
    let cost0 = 0;
    for (let j = 0; j < n; j++) {
      const i = idx[j];
      const other = Math.max(r.reactive[i], memory && Number.isFinite(r.memory[i]) ? r.memory[i] : 0);
      if (r.actuals[i] > other && r.actuals[i] > base * r.planned[i]) {
        at[m3++] = r.actuals[i];
        at[m3++] = r.planned[i];
        at[m3++] = other;
        hi = Math.max(hi, r.actuals[i] / r.planned[i]);
      }
    }
    const unservedAt = (m: number) => {
      let u = 0;
      for (let j = 0; j < m3; j += 3) u += Math.max(0, at[j] - Math.max(m * at[j + 1], at[j + 2]));
      return u;
    };
    let tail = base;
    let unserved = unservedAt(base);
    if (unserved > allowed) {
      // unserved(m) falls as m rises; bisect on a log scale between base and the largest ratio
      let lo = base;
      let up = hi;
      for (let it = 0; it < 32 && up / lo > 1.002; it++) {
        const mid = Math.sqrt(lo * up);
        if (unservedAt(mid) > allowed) lo = mid;
        else up = mid;
      }
      tail = up;
      unserved = unservedAt(up);
    }
    for (let j = 0; j < n; j++) cost0 += Math.max(tail * r.planned[idx[j]], memory && Number.isFinite(r.memory[idx[j]]) ? r.memory[idx[j]] : 0);
    return { tail, cost: cost0 / n, unserved: totalLoad > 0 ? unserved / totalLoad : 0 };
  };
  let best = { ...solve(false), memory: false };
  if (options.withMemory) {
    const m = solve(true);
    if (m.cost < best.cost) best = { ...m, memory: true };
  }
  return { typical, tail: best.tail, memory: best.memory, cost: best.cost, wape, unserved: best.unserved, samples: n };
}

/** The median of `x` (reordered in place), by quickselect: O(n) on average. */
export function medianInPlace(x: Float64Array): number {
  const n = x.length;
  if (n === 0) return NaN;
  const select = (k: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const pivot = x[(lo + hi) >> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (x[i] < pivot) i++;
        while (x[j] > pivot) j--;
        if (i <= j) {
          const t = x[i];
          x[i] = x[j];
          x[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return x[k];
    }
    return x[k];
  };
  const h = n >> 1;
  if (n % 2 === 1) return select(h);
  const upper = select(h);
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (x[i] > lower) lower = x[i];
  return 0.5 * (lower + upper);
}
