import type { MetricSeries } from '../plan-types';
import { quantileInPlace } from './robust-stats';

/**
 * What the group really left unserved over the recent past, measured from the instances it had in
 * service (`capacityHistory`, CloudWatch's `GroupInServiceInstances`) and the load, and the
 * headroom factor that would have kept the promise.
 */
export interface RealizedOutcome {
  /**
   * The share of the load above what the instances in service carry at 100% utilization, over
   * the measured steps (a fraction; `NaN` when nothing could be measured).
   */
  readonly share: number;
  /**
   * The share the steering acts on: `share` with each step weighted by its age (`halfLifeSteps`),
   * equal to `share` without a half-life.
   */
  readonly steeredShare: number;
  /** Steps with both a load and an instance count in the measured window. */
  readonly steps: number;
  /** Steps left out because the group had no instance in service (an emptied group). */
  readonly emptySteps: number;
  /**
   * The 90th percentile of the realized utilization (load / (in service x capacityPerInstance))
   * over the steps the group ran above its MinSize, divided by the target utilization: about 1 or
   * below when the capacity history agrees with `capacityPerInstance` (target tracking keeps the
   * busy minutes near the target), `NaN` when there were too few such steps.
   */
  readonly busyUtilizationRatio: number;
  /**
   * Set when the capacity history contradicts `capacityPerInstance` (see `busyUtilizationRatio`):
   * the realized share then says more about the setting than about the plan, and is not steered on.
   */
  readonly contradiction?: string;
  /**
   * The smallest factor on the capacity that was in service that would have left at most the
   * budget unserved over the window, its steps weighted by age (1 when `steeredShare` is within the
   * budget).
   */
  readonly needed: number;
  /** The factor the planner raises its headroom by (not the history-peak cap): `needed` damped and bounded, 1 when not steered. */
  readonly boost: number;
  /**
   * The misses were mostly beyond what `maxBoost` serves (jumps only target tracking catches): not
   * steered on, or with `steerReachable` steered on the reachable misses alone.
   */
  readonly unreachable?: boolean;
}

/** How `measureRealized` reads the capacity history. */
export interface RealizedOptions {
  /** Share of the load that may be unserved (a fraction). */
  readonly unservedBudget: number;
  readonly capacityPerInstance: number;
  readonly targetUtilization: number;
  /** The group's MinSize: steps at it say nothing about the utilization the group is run at. */
  readonly minCapacity: number;
  /** Steps of the recent past measured. */
  readonly windowSteps: number;
  /** The boost is `needed ^ gain` (a partial step towards the factor the window asks for). */
  readonly gain: number;
  /** Upper bound of the boost. */
  readonly maxBoost: number;
  /** Fewer measured steps than this: nothing is steered (a new group keeps the replay). */
  readonly minSteps: number;
  /**
   * When even `maxBoost` would have left more than this share of the realized misses unserved, the
   * misses are jumps no headroom catches in time and nothing is steered.
   */
  readonly reachableShare: number;
  /**
   * When the misses are mostly unreachable (above), steer on the reachable ones alone: the steps
   * whose load `maxBoost` would have served are held to the budget of the whole window, and the
   * jumps beyond it are left out (they are target tracking's). Off: nothing is steered then.
   */
  readonly steerReachable?: boolean;
  /**
   * When the misses are mostly unreachable: what the jumps leave unserved even at `maxBoost` is
   * spent from the window's budget first, and the reachable misses are held to what is left of it
   * (implies `steerReachable`). When the misses count as unreachable the jumps alone exceed the
   * budget, so nothing is left: the boost is the one that serves every reachable miss of the
   * window, whatever its age (the weights of `halfLifeSteps` cancel in a ratio; they decide only
   * whether the window is steered).
   */
  readonly jumpsSpendBudget?: boolean;
  /**
   * Steps after which a step of the window counts half in the steering (its weight halves every
   * half-life, counted back from the window's last step): a miss steers less as it ages. 0 or
   * absent: every step of the window weighs the same. The reported `share` is never weighted.
   */
  readonly halfLifeSteps?: number;
}

/**
 * A busy-minute utilization above this many times the target means the group served more per
 * instance than `capacityPerInstance` says it can (target tracking would have scaled out long
 * before): the capacity history or the setting is off, by about this factor or more.
 */
export const CONTRADICTION_HIGH = 1.6;
/**
 * Below this many times the target on the busy minutes, the group ran far more instances than the
 * setting says the load needs (a planner with wide headroom runs its busy minutes at about 0.45 to
 * 1 times the target on the benchmark traces).
 */
export const CONTRADICTION_LOW = 0.3;

/**
 * The options that make `measureRealized` a measurement alone (no boost): what the handler
 * publishes as `RealizedUnservedPercent`, and what the benchmark's replay of it uses.
 */
export const MEASURE_ONLY = { gain: 1, maxBoost: 1, minSteps: 1, reachableShare: 1 } as const satisfies Partial<RealizedOptions>;

const NONE: RealizedOutcome = { share: NaN, steeredShare: NaN, steps: 0, emptySteps: 0, busyUtilizationRatio: NaN, needed: 1, boost: 1 };

/**
 * Measures the realized unserved share of the last `windowSteps` of `load` (the planner's cleaned
 * series, `start` + k x `stepMs`) against the capacity history, aligned by time. Gaps on either
 * side are skipped, steps with no instance in service are counted apart (not as misses: an empty
 * group is not something headroom fixes), and a history that contradicts `capacityPerInstance` by
 * about 2x is reported instead of steered on. The boost is the smallest factor on the realized
 * capacity that would have kept the window within the budget, to the power `gain`, at most
 * `maxBoost`: the headroom grows where the group really fell short, whatever the replay said. With
 * `halfLifeSteps` each step weighs by its age in the share steered on, the factor and the
 * reachable test (the steering forgets old misses); `share`, the contradiction check and
 * `minSteps` stay unweighted.
 */
export function measureRealized(
  load: Float64Array,
  start: number,
  stepMs: number,
  capacity: MetricSeries | undefined,
  o: RealizedOptions,
): RealizedOutcome {
  if (!capacity || !(capacity.stepSeconds > 0) || !Number.isFinite(capacity.start) || capacity.values.length === 0) return NONE;
  const capStepMs = capacity.stepSeconds * 1000;
  const capValues = capacity.values;
  const n = load.length;
  const from = Math.max(0, n - Math.max(1, o.windowSteps));
  const served = new Float64Array(n - from);
  const demand = new Float64Array(n - from);
  const busy = new Float64Array(n - from);
  let m = 0;
  let b = 0;
  let empty = 0;
  let total = 0;
  let unserved = 0;
  let steerTotal = 0;
  let steerUnserved = 0;
  const decay = o.halfLifeSteps && o.halfLifeSteps > 0 ? Math.LN2 / o.halfLifeSteps : 0;
  for (let k = from; k < n; k++) {
    const l = load[k];
    if (!Number.isFinite(l)) continue;
    const j = Math.round((start + k * stepMs - capacity.start) / capStepMs);
    if (j < 0 || j >= capValues.length) continue;
    const c = capValues[j];
    if (!Number.isFinite(c) || c < 0) continue;
    if (c === 0) {
      empty++;
      continue;
    }
    const carry = c * o.capacityPerInstance;
    const w = decay > 0 ? Math.exp(-decay * (n - 1 - k)) : 1;
    served[m] = w * carry;
    demand[m] = w * l;
    total += l;
    steerTotal += w * l;
    if (l > carry) {
      unserved += l - carry;
      steerUnserved += w * (l - carry);
    }
    m++;
    if (c > o.minCapacity && l > 0) busy[b++] = l / carry;
  }
  if (m === 0 || !(total > 0)) return { ...NONE, emptySteps: empty };
  const share = unserved / total;
  const busyUtilizationRatio = b >= 30 ? quantileInPlace(busy, b, 0.9) / o.targetUtilization : NaN;
  let contradiction: string | undefined;
  if (busyUtilizationRatio > CONTRADICTION_HIGH) {
    contradiction = `on its busy minutes the group carried ${busyUtilizationRatio.toFixed(2)}x the target utilization per instance: capacityPerInstance (${o.capacityPerInstance}) is about ${busyUtilizationRatio.toFixed(1)}x lower than what an instance really serves, or the capacity history counts other instances; the realized share is not steered on`;
  } else if (busyUtilizationRatio < CONTRADICTION_LOW) {
    contradiction = `on its busy minutes the group ran at ${busyUtilizationRatio.toFixed(2)}x the target utilization: capacityPerInstance (${o.capacityPerInstance}) is about ${(1 / busyUtilizationRatio).toFixed(1)}x higher than what an instance really serves, or the capacity history counts other instances; the realized share is not steered on`;
  }
  const base = {
    share,
    steeredShare: steerTotal > 0 ? steerUnserved / steerTotal : 0,
    steps: m,
    emptySteps: empty,
    busyUtilizationRatio,
    ...(contradiction ? { contradiction } : {}),
  };
  const allowed = Math.max(0, o.unservedBudget) * steerTotal;
  if (!(steerUnserved > allowed)) return { ...base, needed: 1, boost: 1 };
  const limit = o.maxBoost ** (1 / Math.max(o.gain, 1e-6));
  const needed = smallestFactor(served, demand, m, allowed, limit);
  if (contradiction || m < o.minSteps) return { ...base, needed, boost: 1 };
  // Misses that even the largest boost would mostly leave unserved are jumps no headroom catches
  // in time (a level shift far above the plan): only target tracking serves them, and raising the
  // headroom for days would buy nothing.
  if (needed >= limit && unservedAt(served, demand, m, limit) > o.reachableShare * steerUnserved) {
    if (!o.steerReachable && !o.jumpsSpendBudget) return { ...base, needed, boost: 1, unreachable: true };
    // the jumps (load above limit x served) are left out; the rest is held to the window's budget,
    // or, when the jumps spend it (they alone exceed it here), served in full
    let fullFactor = 1;
    for (let i = 0; i < m; i++) {
      if (demand[i] > limit * served[i]) {
        served[i] = 0;
        demand[i] = 0;
      } else if (demand[i] > served[i]) fullFactor = Math.max(fullFactor, demand[i] / served[i]);
    }
    const reachable = o.jumpsSpendBudget
      ? fullFactor
      : unservedAt(served, demand, m, 1) > allowed
        ? smallestFactor(served, demand, m, allowed, limit)
        : 1;
    return { ...base, needed, boost: Math.min(o.maxBoost, Math.max(1, reachable ** o.gain)), unreachable: true };
  }
  return { ...base, needed, boost: Math.min(o.maxBoost, Math.max(1, needed ** o.gain)) };
}

/** The smallest g in [1, limit] with sum max(0, demand - g x served) <= allowed (bisection to 0.1%). */
function smallestFactor(served: Float64Array, demand: Float64Array, m: number, allowed: number, limit: number): number {
  if (unservedAt(served, demand, m, limit) > allowed) return limit;
  let lo = 1;
  let hi = limit;
  for (let it = 0; it < 40 && hi / lo > 1.001; it++) {
    const mid = Math.sqrt(lo * hi);
    if (unservedAt(served, demand, m, mid) > allowed) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The load above g x served, summed over the first m steps. */
function unservedAt(served: Float64Array, demand: Float64Array, m: number, g: number): number {
  let u = 0;
  for (let i = 0; i < m; i++) if (demand[i] > g * served[i]) u += demand[i] - g * served[i];
  return u;
}
