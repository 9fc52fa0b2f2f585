/**
 * The capacity planner's contract (the same as the reference scorer's, see the README's
 * "Predictive scaler" section). Plain data only: no AWS types.
 */

/** A regularly sampled metric series. */
export interface MetricSeries {
  /** Epoch milliseconds of `values[0]`. */
  readonly start: number;
  /** Seconds between two consecutive values (60 for one-minute CloudWatch data). */
  readonly stepSeconds: number;
  /** One value per step, oldest first; `NaN` where there is no datapoint. */
  readonly values: Float64Array | readonly number[];
}

/** What the planner is given. */
export interface PlanInput {
  /** Epoch milliseconds: the plan is made at this instant. */
  readonly now: number;
  /** The load metric up to `now`, oldest first. */
  readonly history: MetricSeries;
  /**
   * Instances in service per step over (about) the same steps as `history` (CloudWatch's
   * `GroupInServiceInstances` at one minute), aligned by time; `NaN` where there is no datapoint.
   * With it the planner measures the share of the load the group really left unserved and grows
   * its headroom where that share exceeds the budget. Without it the replay alone sizes the headroom.
   */
  readonly capacityHistory?: MetricSeries;
  /** Load one instance serves per step at 100% utilization. */
  readonly capacityPerInstance: number;
  /** Utilization the group is run at, in (0, 1]. */
  readonly targetUtilization: number;
  /** The group's MinSize. */
  readonly minCapacity: number;
  /** The group's MaxSize. */
  readonly maxCapacity: number;
  /** Seconds from launch until an instance serves. */
  readonly launchLeadSeconds: number;
  /** The plan must reach at least this far past `now`, in seconds. */
  readonly horizonSeconds: number;
}

/**
 * One scheduled action, as PutScheduledUpdateGroupAction applies it. It takes effect at `at`
 * (epoch ms, >= now). `minCapacity` raises the group's MinSize (and the desired capacity with
 * it); `desiredCapacity` sets the desired capacity (never below MinSize).
 */
export interface PlannedAction {
  readonly at: number;
  readonly minCapacity?: number;
  readonly desiredCapacity?: number;
}

/** A load forecast: one value per step from `start`. */
export interface LoadForecast {
  readonly start: number;
  readonly stepSeconds: number;
  readonly values: number[];
}

/** What the planner returns. */
export interface PlanOutput {
  /** Scheduled actions; a new plan replaces the actions of the previous one not yet taken effect. */
  readonly schedule: PlannedAction[];
  /** The load forecast behind the plan. */
  readonly forecast?: LoadForecast;
  /** Why the plan is what it is, for the run log (the planner's own; absent from other planners). */
  readonly diagnostics?: PlanDiagnostics;
}

/** What a plan says about itself, for the run log. */
export interface PlanDiagnostics {
  /** Plain sentences: a budget out of reach within the history-peak cap, a realized share above the budget, a contradicting capacity history. */
  readonly notes: readonly string[];
  /** The share of the recent load the group really left unserved (from `capacityHistory`). */
  readonly realizedUnservedShare?: number;
  /** The same share with the recent steps weighted (`realizedHalfLifeSeconds`): what the planner steered on. */
  readonly realizedSteeredShare?: number;
  /** The factor the realized outcome raised the headroom and the cap by (1: not steered). */
  readonly realizedBoost?: number;
  /** The capacity history contradicts `capacityPerInstance` (the realized share is not steered on). */
  readonly capacityContradiction?: boolean;
  /** Whether the history-peak cap kept the plan below what the replay says the budget takes. */
  readonly peakCapBound: boolean;
  /** What the replay says the budget takes, in instances (the plan's peak without the cap). */
  readonly replayInstances: number;
  /** The most instances the plan asks for. */
  readonly plannedInstances: number;
  /**
   * The model the capacity was planned from, in words: `level` (the recent load), `daily median
   * profile` / `weekly maximum profile` ... scaled to the recent level, or `... as it is` (not scaled).
   */
  readonly model?: string;
}
