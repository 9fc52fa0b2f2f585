/**
 * Target tracking as the simulated group evaluates it, one datapoint per step, the way AWS's
 * alarms for a target tracking policy do: a policy scales out to the capacity its metric needs
 * after `scaleOutSteps` consecutive datapoints above its target, and scales in after
 * `scaleInSteps` consecutive datapoints below `scaleInThreshold` x its target. With several
 * policies the group scales out when any policy asks and scales in only when every policy wants
 * less (a policy with scale-in disabled never does), to the largest capacity they want. Scale-in
 * waits while instances are still launching (their warmup), and nothing goes outside the
 * group's MinSize and MaxSize. A missing datapoint (NaN) counts neither as above nor as below.
 *
 * Pure: no AWS imports. The backtest, the benchmark, `bench:cost` and the local run's simulated
 * clock all use this one model.
 */

/** A target tracking policy on a metric proportional to the load per instance in service. */
export interface TrackedPolicy {
  readonly name: string;
  /** The policy's target value, in the metric's unit. */
  readonly target: number;
  /**
   * The load one instance in service carries per unit of the metric: metric = load / (instances
   * x `loadPerUnit`). ALBRequestCountPerTarget: 1; ASGAverageCPUUtilization (percent): the load
   * one instance serves at 100% / 100; a utilization fraction: that load.
   */
  readonly loadPerUnit: number;
  /** @default false */
  readonly disableScaleIn?: boolean;
}

/** The alarms' rules. */
export interface TargetTrackingRules {
  /** Consecutive datapoints above the target before a scale-out (AWS: 3 one-minute points). @default 3 */
  readonly scaleOutSteps?: number;
  /** Consecutive datapoints below the scale-in threshold before a scale-in (AWS: 15 one-minute points). @default 15 */
  readonly scaleInSteps?: number;
  /** Fraction of the target below which a datapoint counts towards scale-in. @default 0.9 */
  readonly scaleInThreshold?: number;
}

/** The group as target tracking sees it after a step. */
export interface TrackedGroupState {
  /** Instances in service during the step (what the metric is averaged over). */
  readonly inService: number;
  /** Instances still launching (scale-in waits for them). */
  readonly launching: number;
  readonly desired: number;
  readonly minSize: number;
  readonly maxSize: number;
}

/** A policy for the utilization of instances that each serve `capacityPerInstance` at 100%. */
export function utilizationPolicy(name: string, targetUtilization: number, capacityPerInstance: number): TrackedPolicy {
  return { name, target: targetUtilization, loadPerUnit: capacityPerInstance };
}

/** Evaluates a group's target tracking policies step by step. */
export class TargetTracking {
  private readonly policies: TrackedPolicy[];
  private readonly above: number[];
  private readonly below: number[];
  private readonly outSteps: number;
  private readonly inSteps: number;
  private readonly inThreshold: number;

  constructor(policies: readonly TrackedPolicy[], rules: TargetTrackingRules = {}) {
    for (const p of policies) {
      if (!(p.target > 0) || !(p.loadPerUnit > 0))
        throw new RangeError(`target tracking policy ${p.name}: target and loadPerUnit must be positive (got ${p.target}, ${p.loadPerUnit})`);
    }
    this.policies = [...policies];
    this.above = policies.map(() => 0);
    this.below = policies.map(() => 0);
    this.outSteps = rules.scaleOutSteps ?? 3;
    this.inSteps = rules.scaleInSteps ?? 15;
    this.inThreshold = rules.scaleInThreshold ?? 0.9;
  }

  /** The policies, with their current targets. */
  get trackedPolicies(): readonly TrackedPolicy[] {
    return this.policies;
  }

  /**
   * Changes a policy's target (as PutScalingPolicy would). The counts of datapoints above and
   * below go on: the policy's new alarms evaluate the datapoints already there.
   */
  setTarget(name: string, target: number): void {
    const i = this.policies.findIndex((p) => p.name === name);
    if (i < 0) throw new Error(`no target tracking policy named ${name}`);
    if (!(target > 0)) throw new RangeError(`target tracking policy ${name}: target must be positive (got ${target})`);
    this.policies[i] = { ...this.policies[i], target };
  }

  /**
   * Takes one step's load (NaN = no datapoint) and returns the desired capacity the policies set,
   * or undefined when no alarm acts.
   */
  evaluate(load: number, g: TrackedGroupState): number | undefined {
    if (!Number.isFinite(load) || this.policies.length === 0) return undefined;
    let out: number | undefined;
    let allIn = true;
    let inTo = 0;
    this.policies.forEach((p, i) => {
      const metric = g.inService > 0 ? load / (g.inService * p.loadPerUnit) : load > 0 ? Infinity : 0;
      const needed = Math.ceil(load / (p.loadPerUnit * p.target) - 1e-9);
      this.above[i] = metric > p.target ? this.above[i] + 1 : 0;
      this.below[i] = metric < this.inThreshold * p.target ? this.below[i] + 1 : 0;
      if (this.above[i] >= this.outSteps) out = Math.max(out ?? 0, needed);
      if (this.below[i] >= this.inSteps && !p.disableScaleIn) inTo = Math.max(inTo, needed);
      else allIn = false;
    });
    const clamp = (n: number) => Math.min(g.maxSize, Math.max(g.minSize, n));
    if (out !== undefined) return Math.max(g.desired, clamp(out));
    if (allIn && g.launching === 0) {
      this.below.fill(0);
      return clamp(inTo);
    }
    return undefined;
  }
}
