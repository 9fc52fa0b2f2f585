import { planCapacity, type PlannerOptions } from '../plan-capacity';
import type { PlanInput, PlannedAction, PlanOutput } from '../plan-types';
import { clampInt, GroupModel } from './group-model';
import { type TrackedPolicy, utilizationPolicy } from './target-tracking';

/** The group and its policies, as the backtest simulates them. */
export interface GroupSimulationConfig {
  /** Load one instance serves per step at 100% utilization. */
  readonly capacityPerInstance: number;
  /** Target utilization of the target-tracking policy and of the planner, in (0, 1]. */
  readonly targetUtilization: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Seconds from a launch until the instance serves. */
  readonly launchLeadSeconds: number;
  /**
   * Consecutive steps above the target before target tracking scales out (AWS: 3 one-minute
   * datapoints).
   * @default 3
   */
  readonly scaleOutSteps?: number;
  /**
   * Consecutive steps below `scaleInThreshold` x target before target tracking scales in (AWS:
   * 15 one-minute datapoints).
   * @default 15
   */
  readonly scaleInSteps?: number;
  /** @default 0.9 */
  readonly scaleInThreshold?: number;
  /**
   * The group's target tracking policies.
   * @default one policy on the utilization (load / (instances x capacityPerInstance)) at targetUtilization
   */
  readonly policies?: readonly TrackedPolicy[];
  /** Instances in service at the first step. @default what the first datapoint needs at the target */
  readonly initialCapacity?: number;
}

/** When and how the planner runs in the simulation. */
export interface PlannerSchedule {
  /** Seconds between two plans. */
  readonly intervalSeconds: number;
  /** Seconds of history each plan is given (at most). */
  readonly historySeconds: number;
  /** Seconds the plan must cover past its instant. */
  readonly horizonSeconds: number;
  /** Steps at the start of the series before the first plan. @default 60 minutes of steps */
  readonly warmupSteps?: number;
  readonly options?: PlannerOptions;
  /**
   * The planner to run (a reference policy in the benchmark, for example).
   * @default the product's planCapacity with `options`
   */
  readonly plan?: (input: PlanInput) => PlanOutput;
}

/** What a controller sees after each step (see {@link GroupController}). */
export interface GroupControlView {
  /** The step just simulated. */
  readonly step: number;
  /** Its load (`NaN` = no datapoint). */
  readonly load: number;
  /** Instances that served it. */
  readonly serving: number;
  /** Instances launching (paid, not yet serving). */
  readonly launching: number;
  readonly desired: number;
  readonly minSize: number;
  readonly maxSize: number;
  /** Target utilization in force, in (0, 1]. */
  readonly targetUtilization: number;
}

/** Settings a controller changes; each one omitted stays as it is. */
export interface GroupControl {
  /** Target utilization of the target-tracking policy (the default one), in (0, 1]. */
  readonly targetUtilization?: number;
  readonly minSize?: number;
  readonly maxSize?: number;
  /** A desired capacity set directly (clamped to the bounds). */
  readonly desired?: number;
}

/**
 * A controller that changes the group's settings between steps (the cost optimizer in
 * `bench:cost`): called after each step, before the group moves towards its desired capacity.
 */
export type GroupController = (view: GroupControlView) => GroupControl | void;

/** What one simulated policy did, step by step and in total. */
export interface SimulationResult {
  /** Instances serving during each step. */
  readonly capacity: Float64Array;
  /** Instances paid during each step (serving and launching). */
  readonly paid: Float64Array;
  /** The planner's forecast for each step (the latest plan covering it), `NaN` elsewhere. */
  readonly forecast: Float64Array;
  /** Instance-steps paid, launching instances included, from `scoreFrom`. */
  readonly instanceSteps: number;
  /** Load above what the serving instances could carry at 100%, from `scoreFrom`. */
  readonly unservedLoad: number;
  /** Total load from `scoreFrom`. */
  readonly totalLoad: number;
  /** Steps in which some load was unserved, from `scoreFrom`. */
  readonly overloadSteps: number;
  /** Instances launched, from `scoreFrom`. */
  readonly launches: number;
  readonly plans: number;
  /** Plans that threw (the previous plan stays in force). */
  readonly planErrors: number;
  /** Wall time spent planning, milliseconds. */
  readonly planMs: number;
  /** Scaling activities of the target tracking policies, from `scoreFrom`. */
  readonly trackingActivities: number;
}

const DEFAULT_POLICY = 'utilization';

/**
 * Replays a load series (one value per step, `NaN` = no datapoint) through a simulated Auto
 * Scaling group with a target-tracking policy and, when `planner` is given, the predictive plan
 * beside it, the way the product deploys them.
 *
 * Model: a step is served by the instances in service at its start. After each step, target
 * tracking looks at the load per instance, the planner runs on its interval with the history up
 * to that step, due scheduled actions apply (MinSize raises the desired capacity with it), and the
 * group launches or terminates towards the desired capacity; launches serve after the launch lead
 * time and cost from the next step, and scale-in terminates launching instances first.
 */
export function simulateGroup(
  values: ArrayLike<number>,
  start: number,
  stepSeconds: number,
  config: GroupSimulationConfig,
  planner?: PlannerSchedule,
  scoreFrom = 0,
  control?: GroupController,
): SimulationResult {
  const n = values.length;
  const stepMs = stepSeconds * 1000;
  const perInstance = config.capacityPerInstance;
  let target = config.targetUtilization;
  const needFor = (load: number) => clampInt(Math.ceil(load / (perInstance * target) - 1e-9), config.minCapacity, config.maxCapacity);

  const capacity = new Float64Array(n);
  const paid = new Float64Array(n);
  const forecast = new Float64Array(n).fill(NaN);
  let first = 0;
  while (first < n && !Number.isFinite(values[first])) first++;
  const group = new GroupModel({
    capacityPerInstance: perInstance,
    launchLeadSeconds: config.launchLeadSeconds,
    stepSeconds,
    minSize: config.minCapacity,
    maxSize: config.maxCapacity,
    initialCapacity: config.initialCapacity ?? (first < n ? needFor(values[first]) : config.minCapacity),
    policies: config.policies ?? [utilizationPolicy(DEFAULT_POLICY, target, perInstance)],
    rules: { scaleOutSteps: config.scaleOutSteps, scaleInSteps: config.scaleInSteps, scaleInThreshold: config.scaleInThreshold },
    scoreFrom,
  });
  let pending: { step: number; action: PlannedAction }[] = [];
  const interval = planner ? Math.max(1, Math.round(planner.intervalSeconds / stepSeconds)) : 0;
  const historySteps = planner ? Math.max(1, Math.round(planner.historySeconds / stepSeconds)) : 0;
  const warmup = planner?.warmupSteps ?? Math.ceil(3600 / stepSeconds);
  const plans = { plans: 0, planErrors: 0, planMs: 0 };

  for (let t = 0; t < n; t++) {
    group.startStep(t);
    capacity[t] = group.inService;
    paid[t] = group.inService + group.launching;
    group.serve(values[t]);
    group.track(values[t]);

    if (planner && t >= warmup && (t - warmup) % interval === 0) {
      const now = start + (t + 1) * stepMs;
      const from = Math.max(0, t + 1 - historySteps);
      const history = { start: start + from * stepMs, stepSeconds, values: Array.prototype.slice.call(values, from, t + 1) as number[] };
      const t0 = performance.now();
      try {
        const input: PlanInput = {
          now,
          history,
          // what the group had in service over the same steps (GroupInServiceInstances), as the
          // reference scorer passes it
          capacityHistory: { start: history.start, stepSeconds, values: capacity.slice(from, t + 1) },
          capacityPerInstance: perInstance,
          targetUtilization: target,
          minCapacity: config.minCapacity,
          maxCapacity: config.maxCapacity,
          launchLeadSeconds: config.launchLeadSeconds,
          horizonSeconds: planner.horizonSeconds,
        };
        const plan = planner.plan ? planner.plan(input) : planCapacity(input, planner.options);
        plans.plans++;
        pending = plan.schedule
          .filter((a) => a.at >= now)
          .map((action) => ({ step: Math.ceil((action.at - start) / stepMs - 1e-9), action }))
          .sort((a, b) => a.step - b.step);
        const f = plan.forecast;
        if (f) {
          for (let j = 0; j < f.values.length; j++) {
            const k = Math.round((f.start - start) / stepMs) + Math.round((j * f.stepSeconds) / stepSeconds);
            if (k > t && k < n) forecast[k] = f.values[j];
          }
        }
      } catch {
        plans.planErrors++;
      }
      plans.planMs += performance.now() - t0;
    }
    // scheduled actions due at the start of the next step take effect now
    while (pending.length && pending[0].step <= t + 1) {
      group.applyScheduledAction(pending.shift()!.action, config.minCapacity, config.maxCapacity);
    }
    if (control) {
      const b = group.bounds;
      const c = control({
        step: t,
        load: values[t],
        serving: group.inService,
        launching: group.launching,
        desired: b.desired,
        minSize: b.minSize,
        maxSize: b.maxSize,
        targetUtilization: target,
      });
      if (c) {
        if (c.targetUtilization !== undefined && c.targetUtilization > 0 && c.targetUtilization <= 1) {
          target = c.targetUtilization;
          if (!config.policies) group.tracking.setTarget(DEFAULT_POLICY, target);
        }
        group.control(c);
      }
    }
    group.reconcile();
  }
  const { instanceSteps, unservedLoad, totalLoad, overloadSteps, launches, trackingActivities } = group.totals;
  return { capacity, paid, forecast, instanceSteps, unservedLoad, totalLoad, overloadSteps, launches, trackingActivities, ...plans };
}
