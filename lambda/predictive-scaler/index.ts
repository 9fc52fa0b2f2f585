/**
 * The predictive scaler's Lambda handler, run on a schedule by the `PredictiveScaler` construct.
 *
 * Each run, at `now` = the EventBridge event's `time` (so a replay can drive it on a simulated
 * clock):
 * 1. reads the load metric's one-minute history (GetMetricData, up to 14 days, every page), the
 *    group (DescribeAutoScalingGroups) and the scaler's own scheduled actions;
 * 2. plans with the pure core (`planCapacity`) within the live group's bounds;
 * 3. publishes the forecast and the planned capacity per minute until the next run (EMF);
 * 4. in `forecast-and-scale` mode applies the plan (see `scheduled-actions.ts` for the mapping):
 *    an immediate SetDesiredCapacity when more capacity is needed now than desired, scheduled
 *    actions under its own prefix replacing its stale ones (others' actions are left alone); with
 *    `DRY_RUN=true` it only logs them. `forecast-only` (the default) changes nothing.
 *
 * Every run writes one structured log line with what it saw, what it decided and why, and counts
 * `RunErrors` (0 or 1). Fail safe:
 * - no history, less than MIN_HISTORY_SECONDS of it, or no plan from the planner: nothing is
 *   changed (the previous plan's actions keep running for their horizon), a warning line,
 *   RunErrors = 1, no exception (the next run tries again);
 * - an AWS error after the SDK's own retries, a missing group, a bad configuration or a planner
 *   exception: nothing more is changed (stale actions are removed only after every new one was
 *   put), an error line, RunErrors = 1, and the exception is rethrown so that the function's
 *   error alarm notifies the alert topic. The schedule runs it again at the next interval.
 * Capacity is never lowered immediately, and nothing asks for more than the live MaxSize.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { planCapacity, type PlanInput, type PlannerOptions, type PlanOutput } from '../core';
import { effectiveCapacity, scheduleChangeTimes, scheduledBounds } from '../core/capacity';
import type { GroupBaseline } from '../contract/group-baseline';
import { clientSettings, describeError } from '../shared/aws';
import { eventTime } from '../shared/config';
import { applyPlan, type ApplyResult } from './apply-plan';
import { loadConfig, type ScalerConfig } from './config';
import { describeGroup, listScheduledActions } from './group-state';
import { type LoadHistory, readLoadHistory } from './load-history';
import { type ActionPlan, baseMinCapacity, diffActions, type GroupState, type OwnAction, ownReleaseFloor, planActions } from './scheduled-actions';
import { createLogger, createMetrics, METRIC, type PlanPoint, publishCounters, publishPlanPoints, publishSkippedRun } from './telemetry';

/** What a run decided. */
export type Decision = 'applied' | 'forecast-only' | 'dry-run' | 'skipped' | 'failed';

/** A run's outcome (also logged as one line). */
export interface RunSummary {
  readonly decision: Decision;
  readonly reason: string;
  readonly now: string;
  readonly durationMs: number;
  /** Milliseconds spent reading (AWS), planning (the core) and applying (AWS). */
  readonly stageMs?: { read?: number; plan?: number; apply?: number };
  readonly group?: GroupState & { readonly name: string };
  readonly history?: Record<string, unknown>;
  readonly plan?: Record<string, unknown>;
  readonly actions?: Record<string, unknown>;
  readonly error?: ReturnType<typeof describeError> & { readonly stage: string };
}

/** What a run uses; created once per container by {@link handler}, injected by tests. */
export interface Dependencies {
  readonly cloudWatch: CloudWatchClient;
  readonly autoScaling: AutoScalingClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly planner: (input: PlanInput, options?: PlannerOptions) => PlanOutput;
  readonly env: Record<string, string | undefined>;
  /** Wall clock (epoch ms): durations, and `now` when the event has no time. */
  readonly wallClock: () => number;
}

/** The default dependencies: SDK v3 clients with the shared retry settings, Powertools logger and metrics. */
export function createDependencies(env: Record<string, string | undefined> = process.env): Dependencies {
  const settings = clientSettings(env);
  return {
    cloudWatch: new CloudWatchClient(settings),
    autoScaling: new AutoScalingClient(settings),
    logger: createLogger(),
    metrics: createMetrics(),
    planner: planCapacity,
    env,
    wallClock: Date.now,
  };
}

let container: Dependencies | undefined;

/** Lambda entry point (EventBridge scheduled event). */
export async function handler(event: unknown): Promise<RunSummary> {
  container ??= createDependencies();
  return runPredictiveScaler(event, container);
}

/** A failure that is logged, counted and rethrown. */
class StageError extends Error {
  constructor(
    readonly stage: string,
    readonly cause: unknown,
  ) {
    super(`${stage}: ${describeError(cause).message}`);
    this.name = 'PredictiveScalerError';
  }
}

/** One run; see the module comment. */
export async function runPredictiveScaler(event: unknown, deps: Dependencies): Promise<RunSummary> {
  const started = deps.wallClock();
  const now = eventTime(event, deps.wallClock);
  const base = { now: new Date(now).toISOString() };
  let cfg: ScalerConfig | undefined;
  let summary: Omit<RunSummary, 'durationMs'> = { ...base, decision: 'failed', reason: 'not started' };
  const counters: Record<string, number> = {};
  // What the run saw and did so far, for the failure line.
  const seen: Seen = {};
  const stageMs: { read?: number; plan?: number; apply?: number } = {};
  const timed = async <T>(name: 'read' | 'plan' | 'apply', f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      stageMs[name] = Math.round(performance.now() - t0);
    }
  };
  let thrown: unknown;
  try {
    cfg = stage('config', () => loadConfig(deps.env));
    summary = await plan(cfg, now, deps, counters, seen, timed);
  } catch (e) {
    const err = e instanceof StageError ? e : new StageError('run', e);
    summary = {
      ...base,
      ...seen,
      decision: 'failed',
      reason: `${err.stage} failed: ${describeError(err.cause).message}; ${FAILED_MEANS[err.stage] ?? 'the next run tries again'}`,
      error: { stage: err.stage, ...describeError(err.cause) },
    };
    thrown = err.cause;
  }
  const result: RunSummary = { ...summary, durationMs: deps.wallClock() - started, stageMs };
  const { decision, reason, ...rest } = result;
  const line = { decision, reason, ...rest };
  const message = `predictive scaler: ${decision} (${reason})`;
  if (decision === 'failed') deps.logger.error(message, line);
  else if (decision === 'skipped') deps.logger.warn(message, line);
  else deps.logger.info(message, line);

  const decisionMetric = {
    applied: METRIC.DECISION_APPLIED,
    'forecast-only': METRIC.DECISION_FORECAST_ONLY,
    'dry-run': METRIC.DECISION_DRY_RUN,
    skipped: METRIC.DECISION_SKIPPED,
    failed: METRIC.DECISION_FAILED,
  }[decision];
  counters[decisionMetric] = 1;
  counters[METRIC.RUN_ERRORS] = decision === 'failed' || decision === 'skipped' ? 1 : 0;
  publishCounters(deps.metrics, cfg?.groupName ?? deps.env.AUTO_SCALING_GROUP_NAME ?? 'unknown', counters);
  publishSkippedRun(deps.metrics, decision === 'skipped');

  if (thrown !== undefined) throw thrown instanceof Error ? thrown : new Error(JSON.stringify(thrown));
  return result;
}

/** How late after its event time a run may start and still be a real (not replayed) run. */
const LATE_RUN_MS = 15 * 60_000;

type Seen = { -readonly [K in 'group' | 'history' | 'plan' | 'actions']?: RunSummary[K] };

/** What a failure at each stage leaves behind. */
const FAILED_MEANS: Record<string, string> = {
  config: 'nothing read or changed',
  read: 'nothing changed, the previous plan (if any) stays; the next run tries again',
  plan: 'nothing changed, the previous plan (if any) stays; the next run tries again',
  apply: 'stale scheduled actions kept, capacity not lowered; the next run tries again',
};

function stage<T>(name: string, f: () => T): T {
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

type Timed = <T>(name: 'read' | 'plan' | 'apply', f: () => Promise<T> | T) => Promise<T>;

async function plan(
  cfg: ScalerConfig,
  now: number,
  deps: Dependencies,
  counters: Record<string, number>,
  seen: Seen,
  timed: Timed,
): Promise<Omit<RunSummary, 'durationMs'>> {
  const base = { now: new Date(now).toISOString() };
  const [history, group, scheduled] = await timed('read', () =>
    stageAsync('read', () =>
      Promise.all([
        readLoadHistory(deps.cloudWatch, cfg.metric, now, cfg.historySeconds),
        describeGroup(deps.autoScaling, cfg.groupName, cfg.costStateTagKey),
        listScheduledActions(deps.autoScaling, cfg.groupName, cfg.actionPrefix),
      ]),
    ),
  );
  const existing = scheduled.own;
  if (!group) {
    throw new StageError('read', Object.assign(new Error(`Auto Scaling group '${cfg.groupName}' not found`), { name: 'GroupNotFound' }));
  }
  const groupLine = { name: cfg.groupName, ...group };
  const historyLine = historySummary(history, now);
  seen.group = groupLine;
  seen.history = historyLine;
  counters[METRIC.HISTORY_DATAPOINTS] = history.datapoints;

  const span = history.firstDatapoint === undefined ? 0 : history.windowEnd - history.firstDatapoint;
  if (history.datapoints === 0 || history.negative > 0 || span < cfg.minHistorySeconds * 1000) {
    return {
      ...base,
      decision: 'skipped',
      reason:
        history.datapoints === 0
          ? 'no datapoints of the load metric (empty, or all NaN): nothing changed, the previous plan (if any) stays'
          : history.negative > 0
            ? `${history.negative} minute(s) of the load metric are negative: not a load metric, nothing changed, the previous plan (if any) stays`
            : `history spans ${round(span / 3_600_000, 2)} h, less than the ${round(cfg.minHistorySeconds / 3600, 2)} h needed: nothing changed, the previous plan (if any) stays`,
      group: groupLine,
      history: historyLine,
      actions: { existingOwn: existing.length },
    };
  }

  // The bounds the plan lives in, from the one precedence rule of the core: the configured
  // baseline and the group's own schedules in force (never the live MinSize, which may be a
  // schedule's floor), under the cost optimizer's caps (its state tag) and any live MaxSize below
  // the user's that the state does not explain.
  const baseline = cfg.baseline ?? legacyBaseline(cfg, group, existing);
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
    baseline: cfg.baseline ? 'construct' : 'legacy (no GROUP_BASELINE)',
  };
  const input: PlanInput = {
    now,
    history: history.series,
    capacityPerInstance: cfg.capacityPerInstance,
    targetUtilization: cfg.targetUtilization,
    minCapacity: baseMin,
    maxCapacity: Math.max(baseMin, nowBounds.maxSize),
    launchLeadSeconds: cfg.launchLeadSeconds,
    horizonSeconds: cfg.horizonSeconds,
  };
  const output = await timed('plan', () => stage('plan', () => deps.planner(input, { unservedBudget: cfg.unservedBudget })));
  if (!Array.isArray(output?.schedule) || output.schedule.length === 0) {
    // The planner found nothing usable in the history (e.g. all gaps): keep what is in place.
    return {
      ...base,
      decision: 'skipped',
      reason: 'the planner returned no plan from this history: nothing changed, the previous plan (if any) stays',
      group: groupLine,
      history: historyLine,
      actions: { existingOwn: existing.length },
    };
  }
  // A run that starts late (a cold start, a delayed event) must not schedule actions in the past:
  // within LATE_RUN_MS of the event the wall clock bounds the start times. Beyond it the event
  // time is a simulated clock (a replay), which the emulator accepts as is.
  const lag = deps.wallClock() - now;
  const actionPlan = planActions(
    output,
    { ...group, maxSize: nowBounds.maxSize },
    {
      now,
      ...(lag > 0 && lag < LATE_RUN_MS ? { actingAt: deps.wallClock() } : {}),
      baseMinCapacity: baseMin,
      boundsAt,
      scheduleChanges: scheduleChangeTimes(baseline, now, now + (cfg.horizonSeconds + cfg.intervalSeconds) * 1000),
      prefix: cfg.actionPrefix,
      maxActions: cfg.maxActions,
      horizonSeconds: cfg.horizonSeconds,
      avoid: scheduled.otherStartTimes,
    },
  );
  const diff = diffActions(existing, actionPlan.actions);
  const points = planPoints(output, actionPlan, now, cfg.intervalSeconds);
  const emf = publishPlanPoints(deps.metrics, cfg.groupName, points, deps.wallClock());
  const planLine = {
    bounds: boundsLine,
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
  };
  const wanted = {
    immediateDesired: actionPlan.immediateDesired,
    scheduled: actionPlan.actions.map(compact),
    put: diff.put.map((a) => a.name),
    remove: diff.remove,
    unchanged: diff.unchanged,
  };
  const common = { ...base, group: groupLine, history: historyLine, plan: planLine };
  seen.plan = planLine;
  seen.actions = { wanted };
  const immediateWhy =
    actionPlan.immediateDesired !== undefined
      ? `raise desired ${group.desiredCapacity} -> ${actionPlan.immediateDesired} now`
      : `no immediate change (needed now ${actionPlan.neededNow}, desired ${group.desiredCapacity})`;

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

  let result: ApplyResult;
  try {
    result = await timed('apply', () =>
      applyPlan(deps.autoScaling, { groupName: cfg.groupName, immediateDesired: actionPlan.immediateDesired, put: diff.put, remove: diff.remove }),
    );
  } catch (e) {
    throw new StageError('apply', e);
  }
  counters[METRIC.SCALE_OUTS] = result.desiredSet !== undefined ? 1 : 0;
  counters[METRIC.ACTIONS_PUT] = result.put;
  counters[METRIC.ACTIONS_REMOVED] = result.removed;
  const { immediateError, callError, ...done } = result;
  seen.actions = { ...wanted, result: done };
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
function legacyBaseline(_cfg: ScalerConfig, group: GroupState, existing: readonly OwnAction[]): GroupBaseline {
  const min = Math.min(ownReleaseFloor(existing) ?? group.minSize, group.minSize, group.maxSize);
  return { minSize: Math.max(0, min), maxSize: group.maxSize, schedules: [] };
}

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
