/**
 * The steps of one predictive-scaler run, in the order `runPredictiveScaler` calls them:
 * read (history, group, scheduled actions) -> core (bounds, plan, actions) -> apply.
 * Each step fails with a {@link StageError} that names its stage.
 */
import type { PlanInput, PlanOutput } from '../core';
import {
  effectiveCapacity,
  type OperatorHold,
  pauseHold,
  operatorHold,
  type RecurringAction,
  scheduleChangeTimes,
  scheduledBounds,
  withGroupSchedules,
} from '../core/capacity';
import type { GroupBaseline } from '../contract/group-baseline';
import { describeError } from '../shared/aws';
import { applyPlan, type ApplyRequest, type ApplyResult } from './apply-plan';
import { ecsResourceId, type EcsServiceTarget } from '../contract/ecs-service-target';
import { applyEcsPlan, describeEcsService, ecsClientsOf, ecsServiceTargetOf, listEcsScheduledActions } from './ecs-target';
import { type CapacityHistory, publishRealized, readCapacityHistory, realizedLastDay } from './capacity-history';
import type { ScalerConfig } from './config';
import { type CostHold, describeGroup, type GroupHolders, listScheduledActions } from './group-state';
import type { Dependencies, RunSummary } from './run-types';
import { type LoadHistory, readLoadHistory, STEP_SECONDS } from './load-history';
import {
  type ActionPlan,
  baseMinCapacity,
  diffActions,
  type GroupState,
  type OwnAction,
  ownReleaseFloor,
  planActions as mapPlanToActions,
} from './scheduled-actions';
import { METRIC, type PlanPoint, publishPlanPoints } from './telemetry';

type EffectiveCapacity = ReturnType<typeof effectiveCapacity>;

/** A run's outcome before its duration is known. */
export type Outcome = Omit<RunSummary, 'durationMs'>;

/** What the run saw and did so far, for the failure line. */
export type Seen = { -readonly [K in 'group' | 'history' | 'plan' | 'actions']?: RunSummary[K] } & {
  /** The last day's realized unserved share (with a capacity history). */
  realized?: ReturnType<typeof realizedLastDay>;
};

/** Times a stage into the run's `stageMs`. */
export type Timed = <T>(name: 'read' | 'plan' | 'apply', f: () => Promise<T> | T) => Promise<T>;

/** The run's shared bookkeeping: counters for EMF, what it saw, stage timings. */
export interface RunContext {
  readonly counters: Record<string, number>;
  readonly seen: Seen;
  readonly timed: Timed;
}

/** A failure that is logged, counted and rethrown. */
export class StageError extends Error {
  constructor(
    readonly stage: string,
    readonly cause: unknown,
  ) {
    super(`${stage}: ${describeError(cause).message}`);
    this.name = 'PredictiveScalerError';
  }
}

/** What a failure at each stage leaves behind. */
export const FAILED_MEANS: Record<string, string> = {
  config: 'nothing read or changed',
  lease: 'nothing read or changed; the next run tries again',
  read: 'nothing changed, the previous plan (if any) stays; the next run tries again',
  plan: 'nothing changed, the previous plan (if any) stays; the next run tries again',
  apply: 'stale scheduled actions kept, capacity not lowered; the next run tries again',
};

export function stage<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new StageError(name, e);
  }
}

async function stageAsync<T>(name: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new StageError(name, e);
  }
}

/** How late after its event time a run may start and still be a real (not replayed) run. */
const LATE_RUN_MS = 15 * 60_000;

/** What the read step returns. */
export interface Inputs {
  readonly history: LoadHistory;
  /** GroupInServiceInstances over the same window (no series when the group collects no group metrics). */
  readonly capacity: CapacityHistory;
  readonly group: GroupState & { readonly costHold?: CostHold; readonly holders?: GroupHolders };
  readonly existing: readonly OwnAction[];
  readonly otherStartTimes: readonly number[];
  /** The group's recurring scheduled actions (other owners'), merged with the baseline's schedules. */
  readonly recurring: readonly RecurringAction[];
  readonly groupLine: NonNullable<RunSummary['group']>;
  readonly historyLine: Record<string, unknown>;
  /** The plan is an ECS service's tasks (its scalable target), not the group's instances. */
  readonly ecs?: boolean;
}

/**
 * An ECS service's target, with the operator's pause tag read from the group that hosts it (the one
 * pause both controllers honour is on the group, wherever the plan is written).
 */
async function ecsServiceWithGroupPause(deps: Dependencies, cfg: ScalerConfig, ecs: EcsServiceTarget): Promise<Inputs['group'] | undefined> {
  const [service, hosts] = await Promise.all([describeEcsService(ecsClientsOf(deps), ecs), describeGroup(deps.autoScaling, cfg.groupName)]);
  const pauseTag = hosts?.holders?.pauseTag;
  return service && pauseTag !== undefined ? { ...service, holders: { pauseTag, controllerMaxSizes: [] } } : service;
}

/** Read: the load history, the group and the scheduled actions (in parallel). */
export async function readInputs(
  cfg: ScalerConfig,
  now: number,
  deps: Dependencies,
  run: RunContext,
  stateSigner?: { readonly key: string; readonly groupName: string },
): Promise<Inputs> {
  const ecs = stage('config', () => ecsServiceTargetOf(deps.env, cfg.actionPrefix));
  const windowEnd = Math.floor(now / (STEP_SECONDS * 1000)) * STEP_SECONDS * 1000;
  const windowStart = windowEnd - Math.floor(cfg.historySeconds / STEP_SECONDS) * STEP_SECONDS * 1000;
  // On an ECS service the plan is in tasks: the group's in-service instances are no history of it.
  const noCapacityHistory: CapacityHistory = { datapoints: 0, pages: 0 };
  const [history, capacity, group, scheduled] = await run.timed('read', () =>
    stageAsync('read', () =>
      Promise.all([
        readLoadHistory(deps.cloudWatch, cfg.metric, now, cfg.historySeconds),
        ecs ? noCapacityHistory : readCapacityHistory(deps.cloudWatch, cfg.groupName, windowStart, windowEnd),
        ecs ? ecsServiceWithGroupPause(deps, cfg, ecs) : describeGroup(deps.autoScaling, cfg.groupName, cfg.costStateTagKey, stateSigner),
        ecs
          ? listEcsScheduledActions(ecsClientsOf(deps), ecs, cfg.actionPrefix)
          : listScheduledActions(deps.autoScaling, cfg.groupName, cfg.actionPrefix),
      ]),
    ),
  );
  const existing = scheduled.own;
  if (!group) {
    const what = ecs ? `ECS service '${ecsResourceId(ecs)}' has no scalable target` : `Auto Scaling group '${cfg.groupName}' not found`;
    throw new StageError('read', Object.assign(new Error(what), { name: 'GroupNotFound' }));
  }
  const groupLine = { name: cfg.groupName, ...group };
  const historyLine = {
    ...historySummary(history, now),
    capacityDatapoints: capacity.datapoints,
    ...(capacity.error ? { capacityError: capacity.error } : {}),
  };
  run.seen.group = groupLine;
  run.seen.history = historyLine;
  run.counters[METRIC.HISTORY_DATAPOINTS] = history.datapoints;
  return {
    history,
    capacity,
    group,
    existing,
    otherStartTimes: scheduled.otherStartTimes,
    recurring: scheduled.recurring,
    groupLine,
    historyLine,
    ...(ecs ? { ecs: true } : {}),
  };
}

/**
 * A load metric silent this long is stale, not quiet: its last datapoints are an old pattern, not
 * today's load (a renamed metric, a detached load balancer). The run is skipped (and counted).
 */
export const STALE_HISTORY_MS = 24 * 3_600_000;

/** Why the history cannot be planned on (no datapoints, negative load, too short, stale), or undefined. */
export function historyShortfall(cfg: ScalerConfig, history: LoadHistory): string | undefined {
  const span = history.firstDatapoint === undefined ? 0 : history.windowEnd - history.firstDatapoint;
  const silentMs = history.lastDatapoint === undefined ? 0 : history.windowEnd - history.lastDatapoint;
  if (history.datapoints > 0 && history.negative === 0 && silentMs > STALE_HISTORY_MS) {
    return `the load metric has had no datapoint for ${round(silentMs / 3_600_000, 1)} h (more than ${STALE_HISTORY_MS / 3_600_000} h): stale, not planned on; nothing changed, the previous plan (if any) stays`;
  }
  if (!(history.datapoints === 0 || history.negative > 0 || span < cfg.minHistorySeconds * 1000)) return undefined;
  return history.datapoints === 0
    ? 'no datapoints of the load metric (empty, or all NaN): nothing changed, the previous plan (if any) stays'
    : history.negative > 0
      ? `${history.negative} minute(s) of the load metric are negative: not a load metric, nothing changed, the previous plan (if any) stays`
      : `history spans ${round(span / 3_600_000, 2)} h, less than the ${round(cfg.minHistorySeconds / 3600, 2)} h needed: nothing changed, the previous plan (if any) stays`;
}

/** The run's outcome when it changes nothing (the previous plan, if any, stays). */
export function skipped(now: number, inputs: Inputs, reason: string): Outcome {
  return {
    now: new Date(now).toISOString(),
    decision: 'skipped',
    reason,
    group: inputs.groupLine,
    history: inputs.historyLine,
    actions: { existingOwn: inputs.existing.length },
  };
}

/**
 * The operator's hold on the group: the pause tag, or bounds that neither the configuration, the
 * group's own schedules (wherever defined) nor the cost optimizer's state explain. Needs the construct's baseline.
 */
export function holdOf(cfg: ScalerConfig, inputs: Inputs, now: number): OperatorHold | undefined {
  const { group } = inputs;
  const holders = group.holders;
  if (!cfg.baseline) {
    const pauseTag = holders?.pauseTag;
    return pauseTag !== undefined ? pauseHold(pauseTag) : undefined;
  }
  // The group's schedules wherever they were defined (as resolveBounds reads them).
  const baseline = stage('read', () => withGroupSchedules(cfg.baseline!, inputs.recurring, now, cfg.actionPrefix));
  return operatorHold({
    at: now,
    baseline,
    live: { minSize: group.minSize, maxSize: group.maxSize },
    ...(holders?.pauseTag !== undefined ? { pauseTag: holders.pauseTag } : {}),
    controllerMaxSizes: [...(holders?.controllerMaxSizes ?? []), ...ecsTaskCap(cfg.baseline, inputs)],
    ...(group.costHold ? { intent: group.costHold } : {}),
  });
}

/**
 * On an ECS service the cost optimizer's task cap (ECS_TASK_CAP) lowers the target's MaxCapacity
 * and keeps no signed state there: a MaxCapacity below the configured one is taken as that cap (the
 * plan stays under it), never as an operator's hold; one above it still is.
 */
function ecsTaskCap(baseline: ScalerConfig['baseline'], inputs: Inputs): number[] {
  return inputs.ecs && baseline && inputs.group.maxSize < baseline.maxSize ? [inputs.group.maxSize] : [];
}

/** Applies to what the plan is written on: the group, or an ECS service's scalable target. */
function applyToTarget(deps: Dependencies, req: ApplyRequest): Promise<ApplyResult> {
  const ecs = ecsServiceTargetOf(deps.env);
  return ecs ? applyEcsPlan(ecsClientsOf(deps), ecs, req) : applyPlan(deps.autoScaling, req);
}

/**
 * While an operator holds the group the scaler withdraws its own pending actions (none of its
 * floors lands during the hold, none fails for the operator's MaxSize) and changes nothing else.
 */
export async function held(
  cfg: ScalerConfig,
  now: number,
  deps: Dependencies,
  inputs: Inputs,
  hold: OperatorHold,
  run: RunContext,
): Promise<Outcome> {
  const names = inputs.existing.map((a) => a.name);
  const acting = cfg.mode === 'forecast-and-scale' && !cfg.dryRun;
  let removed = 0;
  if (acting && names.length > 0) {
    const result = await run.timed('apply', () => applyToTarget(deps, { groupName: cfg.groupName, put: [], remove: names }));
    removed = result.removed;
    run.counters[METRIC.ACTIONS_REMOVED] = removed;
    if (result.callError !== undefined) throw new StageError('apply', result.callError);
  }
  return {
    now: new Date(now).toISOString(),
    decision: 'held',
    reason: `${hold.reason}; ${acting ? `withdrew ${removed} of its own pending scheduled action(s)` : `would withdraw ${names.length} of its own pending scheduled action(s)`}`,
    group: inputs.groupLine,
    history: inputs.historyLine,
    actions: { existingOwn: names.length, removed },
  };
}

/** The bounds the plan lives in (see {@link resolveBounds}). */
export interface Bounds {
  readonly baseline: GroupBaseline;
  readonly boundsAt: (at: number, predictiveFloor: number) => EffectiveCapacity;
  readonly nowBounds: EffectiveCapacity;
  readonly baseMin: number;
  readonly boundsLine: Record<string, unknown>;
}

/**
 * Core: the bounds the plan lives in, from the one precedence rule of the core: the configured
 * baseline and the group's own schedules in force (never the live MinSize, which may be a
 * schedule's floor), under the cost optimizer's caps (its state tag) and any live MaxSize below
 * the user's that the state does not explain.
 */
export function resolveBounds(cfg: ScalerConfig, inputs: Inputs, now: number): Bounds {
  const { group, existing } = inputs;
  // The group's schedules wherever they were defined: what AWS holds, merged with the construct's.
  const baseline = stage('read', () => withGroupSchedules(cfg.baseline ?? legacyBaseline(group, existing), inputs.recurring, now, cfg.actionPrefix));
  const hold = group.costHold ?? {};
  const liveCap = group.maxSize < scheduledBounds(baseline, now).maxSize ? group.maxSize : undefined;
  const budgetCap = hold.budgetCap === undefined ? liveCap : Math.min(hold.budgetCap, liveCap ?? Infinity);
  const boundsAt = (at: number, predictiveFloor: number) =>
    effectiveCapacity({
      at,
      baseline,
      predictiveFloor,
      ...(budgetCap !== undefined ? { budgetCap } : {}),
      ...(hold.offHoursFloor !== undefined ? { offHoursFloor: hold.offHoursFloor } : {}),
      ...(hold.budgetFloor !== undefined ? { budgetFloor: hold.budgetFloor } : {}),
    });
  const nowBounds = boundsAt(now, 0);
  const baseMin = baseMinCapacity({ ...group, maxSize: nowBounds.maxSize }, nowBounds.minSize);
  const boundsLine = {
    baseMin,
    maxSize: nowBounds.maxSize,
    minFrom: nowBounds.minFrom,
    maxFrom: nowBounds.maxFrom,
    ...(budgetCap !== undefined ? { budgetCap } : {}),
    ...(hold.offHoursFloor !== undefined ? { offHoursFloor: hold.offHoursFloor } : {}),
    ...(hold.budgetFloor !== undefined ? { budgetFloor: hold.budgetFloor } : {}),
    baseline: cfg.baseline ? 'construct' : 'legacy (no GROUP_BASELINE)',
    // The group's schedules in the model: handed down by the construct, and known only to AWS.
    schedules: { handedDown: cfg.baseline?.schedules.length ?? 0, fromAws: baseline.schedules.length - (cfg.baseline?.schedules.length ?? 0) },
  };
  return { baseline, boundsAt, nowBounds, baseMin, boundsLine };
}

/** Core: the planner's output within the bounds, or undefined when it found no plan. */
export async function planCapacityStep(
  cfg: ScalerConfig,
  now: number,
  deps: Dependencies,
  inputs: Inputs,
  bounds: Bounds,
  run: RunContext,
): Promise<PlanOutput | undefined> {
  const input: PlanInput = {
    now,
    history: inputs.history.series,
    ...(inputs.capacity.series ? { capacityHistory: inputs.capacity.series } : {}),
    capacityPerInstance: cfg.capacityPerInstance,
    targetUtilization: cfg.targetUtilization,
    minCapacity: bounds.baseMin,
    maxCapacity: Math.max(bounds.baseMin, bounds.nowBounds.maxSize),
    launchLeadSeconds: cfg.launchLeadSeconds,
    horizonSeconds: cfg.horizonSeconds,
  };
  const output = await run.timed('plan', () => stage('plan', () => deps.planner(input, { unservedBudget: cfg.unservedBudget })));
  if (input.capacityHistory) {
    const realized = realizedLastDay(input.history, input.capacityHistory, { ...cfg, minCapacity: bounds.baseMin });
    run.seen.realized = realized;
    publishRealized(deps.metrics, cfg.groupName, realized);
  }
  // The planner found nothing usable in the history (e.g. all gaps): keep what is in place.
  if (!Array.isArray(output?.schedule) || output.schedule.length === 0) return undefined;
  return output;
}

/** The plan mapped to the group: actions, their diff with the existing ones, and the log lines. */
export interface PlannedActions {
  readonly actionPlan: ActionPlan;
  readonly diff: ReturnType<typeof diffActions>;
  readonly wanted: Record<string, unknown>;
  readonly common: Omit<Outcome, 'decision' | 'reason'>;
  readonly immediateWhy: string;
}

/** Core: the plan as scheduled actions (published as EMF points until the next run). */
export function planActions(
  cfg: ScalerConfig,
  now: number,
  deps: Dependencies,
  inputs: Inputs,
  bounds: Bounds,
  output: PlanOutput,
  run: RunContext,
): PlannedActions {
  const { group } = inputs;
  const { nowBounds, baseMin } = bounds;
  // A run that starts late (a cold start, a delayed event) must not schedule actions in the past:
  // within LATE_RUN_MS of the event the wall clock bounds the start times. Beyond it the event
  // time is a simulated clock (a replay), which the emulator accepts as is.
  const lag = deps.wallClock() - now;
  const actionPlan = mapPlanToActions(
    output,
    { ...group, maxSize: nowBounds.maxSize },
    {
      now,
      ...(lag > 0 && lag < LATE_RUN_MS ? { actingAt: deps.wallClock() } : {}),
      baseMinCapacity: baseMin,
      boundsAt: bounds.boundsAt,
      scheduleChanges: scheduleChangeTimes(bounds.baseline, now, now + (cfg.horizonSeconds + cfg.intervalSeconds) * 1000),
      prefix: cfg.actionPrefix,
      maxActions: cfg.maxActions,
      horizonSeconds: cfg.horizonSeconds,
      avoid: inputs.otherStartTimes,
    },
  );
  const diff = diffActions(inputs.existing, actionPlan.actions);
  const points = planPoints(output, actionPlan, now, cfg.intervalSeconds);
  const emf = publishPlanPoints(deps.metrics, cfg.groupName, points, deps.wallClock());
  const planLine = {
    bounds: bounds.boundsLine,
    entries: output.schedule?.length ?? 0,
    baseMin: actionPlan.baseMin,
    neededNow: actionPlan.neededNow,
    peak: actionPlan.peak,
    forecastNow: points[0]?.forecastLoad,
    forecastPeak: forecastPeak(output, now, cfg.horizonSeconds),
    capacityPerInstance: cfg.capacityPerInstance,
    targetUtilization: cfg.targetUtilization,
    clamped: actionPlan.clamped,
    merged: actionPlan.merged,
    invalid: actionPlan.invalid,
    pointsPublished: emf.published,
    pointsSkipped: emf.skipped,
    ...(run.seen.realized ? { realized: run.seen.realized } : {}),
    ...(output.diagnostics ? { diagnostics: output.diagnostics } : {}),
  };
  const wanted = {
    immediateDesired: actionPlan.immediateDesired,
    scheduled: actionPlan.actions.map(compact),
    put: diff.put.map((a) => a.name),
    remove: diff.remove,
    unchanged: diff.unchanged,
  };
  const common = { now: new Date(now).toISOString(), group: inputs.groupLine, history: inputs.historyLine, plan: planLine };
  run.seen.plan = planLine;
  run.seen.actions = { wanted };
  const immediateWhy =
    actionPlan.immediateDesired !== undefined
      ? `raise desired ${group.desiredCapacity} -> ${actionPlan.immediateDesired} now`
      : `no immediate change (needed now ${actionPlan.neededNow}, desired ${group.desiredCapacity})`;
  return { actionPlan, diff, wanted, common, immediateWhy };
}

/** The outcome in `forecast-only` mode or a dry run (nothing applied), or undefined to apply. */
export function notApplied(cfg: ScalerConfig, planned: PlannedActions): Outcome | undefined {
  const { common, diff, wanted, immediateWhy } = planned;
  if (cfg.mode === 'forecast-only') {
    return {
      ...common,
      decision: 'forecast-only',
      reason: `mode forecast-only: forecast published, group not changed (would ${immediateWhy}; put ${diff.put.length}, remove ${diff.remove.length})`,
      actions: { wouldApply: wanted },
    };
  }
  if (cfg.dryRun) {
    return {
      ...common,
      decision: 'dry-run',
      reason: `dry run: would ${immediateWhy}; put ${diff.put.length}, remove ${diff.remove.length} scheduled actions`,
      actions: { wouldApply: wanted },
    };
  }
  return undefined;
}

/** Apply: the immediate raise and the scheduled actions; any refusal fails the `apply` stage. */
export async function applyPlanned(cfg: ScalerConfig, deps: Dependencies, planned: PlannedActions, run: RunContext): Promise<Outcome> {
  const { actionPlan, diff, wanted, common, immediateWhy } = planned;
  let result: ApplyResult;
  try {
    const req = { groupName: cfg.groupName, immediateDesired: actionPlan.immediateDesired, put: diff.put, remove: diff.remove };
    result = await run.timed('apply', () => applyToTarget(deps, req));
  } catch (e) {
    throw new StageError('apply', e);
  }
  run.counters[METRIC.SCALE_OUTS] = result.desiredSet !== undefined ? 1 : 0;
  run.counters[METRIC.ACTIONS_PUT] = result.put;
  run.counters[METRIC.ACTIONS_REMOVED] = result.removed;
  const { immediateError, callError, ...done } = result;
  run.seen.actions = { ...wanted, result: done };
  if (callError !== undefined) throw new StageError('apply', callError);
  if (immediateError !== undefined) throw new StageError('apply', immediateError);
  if (result.failed.length > 0) {
    const err = Object.assign(
      new Error(
        `${result.failed.length} scheduled action(s) refused: ${result.failed.map((f) => `${f.stage} ${f.name}: ${f.code ?? ''} ${f.message ?? ''}`.trim()).join('; ')}`,
      ),
      { name: 'ScheduledActionsRefused' },
    );
    throw new StageError('apply', err);
  }
  const appliedWhy = result.desiredSkipped
    ? `no immediate change (needed now ${actionPlan.neededNow}; read again before raising, the group had desired ${result.desiredSkipped.liveDesired}, MaxSize ${result.desiredSkipped.liveMaxSize})`
    : result.desiredSet !== undefined && result.desiredSet !== actionPlan.immediateDesired
      ? `raise desired to ${result.desiredSet} now (the live MaxSize; the plan wanted ${actionPlan.immediateDesired})`
      : immediateWhy;
  return {
    ...common,
    decision: 'applied',
    reason: `${appliedWhy}; put ${result.put}, removed ${result.removed} stale, ${diff.unchanged} unchanged`,
    actions: { ...wanted, result: done },
  };
}

/**
 * The baseline of a deployment that predates GROUP_BASELINE: BASE_MIN_CAPACITY (else the release
 * floor of the scaler's own pending actions, else the live MinSize) and the live MaxSize, no
 * schedules. Inferred, so only a fallback: the construct hands the baseline down.
 */
function legacyBaseline(group: GroupState, existing: readonly OwnAction[]): GroupBaseline {
  const min = Math.min(ownReleaseFloor(existing) ?? group.minSize, group.minSize, group.maxSize);
  return { minSize: Math.max(0, min), maxSize: group.maxSize, schedules: [] };
}

function historySummary(h: LoadHistory, now: number): Record<string, unknown> {
  return {
    windowStart: new Date(h.windowStart).toISOString(),
    windowEnd: new Date(h.windowEnd).toISOString(),
    datapoints: h.datapoints,
    pages: h.pages,
    ...(h.firstDatapoint !== undefined
      ? {
          firstDatapoint: new Date(h.firstDatapoint).toISOString(),
          lastDatapoint: new Date(h.lastDatapoint!).toISOString(),
          spanHours: round((h.windowEnd - h.firstDatapoint) / 3_600_000, 2),
          lastDatapointAgeMinutes: round((now - h.lastDatapoint!) / 60_000, 1),
        }
      : {}),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const compact = (a: OwnAction) => ({
  name: a.name,
  at: new Date(a.startTime).toISOString(),
  ...(a.minSize !== undefined ? { minSize: a.minSize } : {}),
  ...(a.desiredCapacity !== undefined ? { desiredCapacity: a.desiredCapacity } : {}),
});

/** The plan minute by minute until the next run: forecast and the capacity in effect. */
function planPoints(output: PlanOutput, ap: ActionPlan, now: number, intervalSeconds: number): PlanPoint[] {
  const first = Math.ceil(now / 60_000) * 60_000;
  const points: PlanPoint[] = [];
  const f = output.forecast;
  let floor = ap.neededNow;
  let planned = ap.neededNow;
  let i = 0;
  for (let at = first; at < now + intervalSeconds * 1000; at += 60_000) {
    while (i < ap.actions.length && ap.actions[i].startTime <= at) {
      const a = ap.actions[i++];
      if (a.minSize !== undefined) floor = a.minSize;
      planned = Math.max(floor, a.desiredCapacity ?? floor);
    }
    let forecastLoad: number | undefined;
    if (f && f.stepSeconds > 0) {
      const k = Math.floor((at - f.start) / (f.stepSeconds * 1000));
      if (k >= 0 && k < f.values.length && Number.isFinite(f.values[k])) forecastLoad = f.values[k];
    }
    points.push({ at, plannedCapacity: planned, ...(forecastLoad !== undefined ? { forecastLoad } : {}) });
  }
  return points;
}

function forecastPeak(output: PlanOutput, now: number, horizonSeconds: number): number | undefined {
  const f = output.forecast;
  if (!f || !(f.stepSeconds > 0)) return undefined;
  let peak: number | undefined;
  f.values.forEach((v, k) => {
    const at = f.start + k * f.stepSeconds * 1000;
    if (at >= now && at <= now + horizonSeconds * 1000 && Number.isFinite(v)) peak = Math.max(peak ?? -Infinity, v);
  });
  return peak === undefined ? undefined : round(peak, 3);
}
