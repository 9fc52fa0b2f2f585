/**
 * The simulated Auto Scaling group: its bounds and desired capacity, the instances in service
 * and launching, its target tracking policies, and the totals of what it served and cost.
 *
 * One step at a time, in this order: `startStep` (launches whose lead time has passed serve),
 * `serve` (the step's load meets the instances in service), `track` (target tracking reads the
 * step's datapoint), any writes of the other scalers (`update`, `applyScheduledAction`), then
 * `reconcile` (the group launches or terminates towards its desired capacity: a launch costs from
 * the next step and serves `launchLeadSeconds` later; scale-in terminates launching instances
 * first). Pure: no AWS imports.
 */
import { TargetTracking, type TargetTrackingRules, type TrackedPolicy } from './target-tracking';

/** The group's settings and its policies. */
export interface GroupModelConfig {
  /** Load one instance serves per step at 100% utilization. */
  readonly capacityPerInstance: number;
  /** Seconds from a launch until the instance serves. */
  readonly launchLeadSeconds: number;
  readonly stepSeconds: number;
  readonly minSize: number;
  readonly maxSize: number;
  /** Instances in service (and the desired capacity) at the start. @default minSize */
  readonly initialCapacity?: number;
  /** The group's target tracking policies. @default none */
  readonly policies?: readonly TrackedPolicy[];
  readonly rules?: TargetTrackingRules;
  /** The first step whose figures count in `totals`. @default 0 */
  readonly scoreFrom?: number;
}

/** The group's capacity settings. */
export interface GroupBounds {
  readonly desired: number;
  readonly minSize: number;
  readonly maxSize: number;
}

/** What the group served and cost over the scored steps. */
export interface GroupTotals {
  /** Instance-steps paid, launching instances included. */
  instanceSteps: number;
  /** Load above what the instances in service could carry at 100%. */
  unservedLoad: number;
  totalLoad: number;
  /** Steps with some load unserved. */
  overloadSteps: number;
  /** Steps with a datapoint. */
  loadSteps: number;
  launches: number;
  /** Scaling activities of the target tracking policies (desired capacity changed by them). */
  trackingActivities: number;
}

/** A one-time scheduled action as PutScheduledUpdateGroupAction stores it. */
export interface GroupScheduledAction {
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
  readonly desiredCapacity?: number;
}

export class GroupModel {
  readonly capacityPerInstance: number;
  readonly tracking: TargetTracking;
  readonly totals: GroupTotals = {
    instanceSteps: 0,
    unservedLoad: 0,
    totalLoad: 0,
    overloadSteps: 0,
    loadSteps: 0,
    launches: 0,
    trackingActivities: 0,
  };
  private minSizeNow: number;
  private maxSizeNow: number;
  private desiredNow: number;
  private servingNow: number;
  /** Step from which each launching instance serves, ascending. */
  private readonly launchingReady: number[] = [];
  private readonly readyAfter: number;
  private readonly scoreFrom: number;
  private t = -1;

  constructor(config: GroupModelConfig) {
    if (!(config.capacityPerInstance > 0)) throw new RangeError(`capacityPerInstance must be positive (got ${config.capacityPerInstance})`);
    if (config.maxSize < config.minSize) throw new RangeError(`maxSize (${config.maxSize}) must be >= minSize (${config.minSize})`);
    this.capacityPerInstance = config.capacityPerInstance;
    this.minSizeNow = config.minSize;
    this.maxSizeNow = config.maxSize;
    this.servingNow = clampInt(config.initialCapacity ?? config.minSize, config.minSize, config.maxSize);
    this.desiredNow = this.servingNow;
    this.readyAfter = Math.ceil(config.launchLeadSeconds / config.stepSeconds - 1e-9);
    this.scoreFrom = config.scoreFrom ?? 0;
    this.tracking = new TargetTracking(config.policies ?? [], config.rules);
  }

  /** The current step (-1 before the first). */
  get step(): number {
    return this.t;
  }
  get inService(): number {
    return this.servingNow;
  }
  get launching(): number {
    return this.launchingReady.length;
  }
  get bounds(): GroupBounds {
    return { desired: this.desiredNow, minSize: this.minSizeNow, maxSize: this.maxSizeNow };
  }

  /** Moves to step `t` (the next one by default): launches whose lead has passed serve from now on. */
  startStep(t = this.t + 1): void {
    this.t = t;
    while (this.launchingReady.length && this.launchingReady[0] <= t) {
      this.launchingReady.shift();
      this.servingNow++;
    }
    if (t >= this.scoreFrom) this.totals.instanceSteps += this.servingNow + this.launchingReady.length;
  }

  /** The step's load meets the instances in service; returns the load left unserved. */
  serve(load: number): number {
    if (!Number.isFinite(load)) return 0;
    const unserved = Math.max(0, load - this.servingNow * this.capacityPerInstance);
    if (this.t >= this.scoreFrom) {
      this.totals.loadSteps++;
      this.totals.totalLoad += load;
      if (unserved > 0) {
        this.totals.unservedLoad += unserved;
        this.totals.overloadSteps++;
      }
    }
    return unserved;
  }

  /** Target tracking reads the step's datapoint; returns the new desired capacity when a policy acted. */
  track(load: number): number | undefined {
    const want = this.tracking.evaluate(load, { inService: this.servingNow, launching: this.launchingReady.length, ...this.bounds });
    if (want === undefined) return undefined;
    if (want !== this.desiredNow && this.t >= this.scoreFrom) this.totals.trackingActivities++;
    this.desiredNow = want;
    return want;
  }

  /**
   * Writes to the group's settings (UpdateAutoScalingGroup / SetDesiredCapacity): given values
   * are set, and the desired capacity is kept within the bounds. Throws when MinSize would exceed
   * MaxSize, as Auto Scaling does.
   */
  update(s: { desired?: number; minSize?: number; maxSize?: number }): void {
    const min = s.minSize ?? this.minSizeNow;
    const max = s.maxSize ?? this.maxSizeNow;
    if (min > max) throw new RangeError(`MinSize ${min} would exceed MaxSize ${max}`);
    this.minSizeNow = min;
    this.maxSizeNow = max;
    this.desiredNow = clampInt(s.desired ?? this.desiredNow, min, max);
  }

  /**
   * A planner's scheduled action within the configured bounds `[lo, hi]`: MinSize is set (and
   * the desired capacity raised with it), a desired capacity is set within the bounds.
   */
  applyScheduledAction(a: GroupScheduledAction, lo: number, hi: number): void {
    if (a.minCapacity !== undefined) {
      this.minSizeNow = clampInt(a.minCapacity, lo, hi);
      this.desiredNow = Math.max(this.desiredNow, this.minSizeNow);
    }
    if (a.maxCapacity !== undefined) this.maxSizeNow = clampInt(a.maxCapacity, this.minSizeNow, hi);
    if (a.desiredCapacity !== undefined) this.desiredNow = clampInt(a.desiredCapacity, this.minSizeNow, this.maxSizeNow);
  }

  /**
   * A controller's change between steps (the cost optimizer in `bench:cost`, see
   * `GroupController`): MaxSize as given (at least 0), MinSize within it, the desired capacity as
   * given (kept within the bounds when the group reconciles). Never throws.
   */
  control(c: { desired?: number; minSize?: number; maxSize?: number }): void {
    if (c.maxSize !== undefined) this.maxSizeNow = Math.max(0, Math.round(c.maxSize));
    if (c.minSize !== undefined) this.minSizeNow = clampInt(c.minSize, 0, this.maxSizeNow);
    this.minSizeNow = Math.min(this.minSizeNow, this.maxSizeNow);
    if (c.desired !== undefined) this.desiredNow = c.desired;
  }

  /** The group launches or terminates towards its desired capacity; returns the instances launched. */
  reconcile(): number {
    this.desiredNow = clampInt(this.desiredNow, this.minSizeNow, this.maxSizeNow);
    const total = this.servingNow + this.launchingReady.length;
    if (this.desiredNow > total) {
      for (let k = total; k < this.desiredNow; k++) this.launchingReady.push(this.t + 1 + this.readyAfter);
      if (this.t >= this.scoreFrom) this.totals.launches += this.desiredNow - total;
      return this.desiredNow - total;
    }
    let drop = total - this.desiredNow;
    while (drop > 0 && this.launchingReady.length) {
      this.launchingReady.pop();
      drop--;
    }
    this.servingNow -= drop;
    return 0;
  }
}

export function clampInt(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)));
}
