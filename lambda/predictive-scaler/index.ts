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
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { planCapacity } from '../core';
import { clientSettings, describeError } from '../shared/aws';
import { runTime, SIMULATED_CLOCK_ENV } from '../shared/config';
import { acquireLease, coordinationFromEnv, isBusy, type Lease } from '../shared/coordination';
import { loadConfig, type ScalerConfig } from './config';
import type { Decision, Dependencies, RunSummary } from './run-types';
import {
  applyPlanned,
  FAILED_MEANS,
  held,
  historyShortfall,
  holdOf,
  notApplied,
  type Outcome,
  planActions,
  planCapacityStep,
  readInputs,
  resolveBounds,
  type RunContext,
  skipped,
  stage,
  StageError,
  type Timed,
} from './run-steps';
import { createLogger, createMetrics, METRIC, publishCounters, publishSkippedRun } from './telemetry';

export type { Decision, Dependencies, RunSummary } from './run-types';

/** The default dependencies: SDK v3 clients with the shared retry settings, Powertools logger and metrics. */
export function createDependencies(env: Record<string, string | undefined> = process.env): Dependencies {
  const settings = clientSettings(env);
  return {
    cloudWatch: new CloudWatchClient(settings),
    autoScaling: new AutoScalingClient(settings),
    dynamoDb: new DynamoDBClient(settings),
    logger: createLogger(),
    metrics: createMetrics(),
    planner: planCapacity,
    env,
    wallClock: Date.now,
    simulatedClock: env[SIMULATED_CLOCK_ENV] === 'true',
  };
}

let container: Dependencies | undefined;

/** Lambda entry point (EventBridge scheduled event). */
export async function handler(event: unknown): Promise<RunSummary> {
  container ??= createDependencies();
  return runPredictiveScaler(event, container);
}

/** One run; see the module comment: config -> read -> core (bounds, plan, actions) -> apply -> log and metrics. */
export async function runPredictiveScaler(event: unknown, deps: Dependencies): Promise<RunSummary> {
  const started = deps.wallClock();
  const clock = runTime(event, deps.wallClock, deps.simulatedClock);
  const now = clock.now;
  const base = { now: new Date(now).toISOString(), ...(clock.note ? { clock: clock.note } : {}) };
  const stageMs: { read?: number; plan?: number; apply?: number } = {};
  const run: RunContext = { counters: {}, seen: {}, timed: stageTimer(stageMs) };
  let cfg: ScalerConfig | undefined;
  let summary: Outcome = { ...base, decision: 'failed', reason: 'not started' };
  let thrown: unknown;
  try {
    cfg = stage('config', () => loadConfig(deps.env));
    summary = await runSteps(cfg, now, deps, run);
  } catch (e) {
    const err = e instanceof StageError ? e : new StageError('run', e);
    summary = {
      ...base,
      ...run.seen,
      decision: 'failed',
      reason: `${err.stage} failed: ${describeError(err.cause).message}; ${FAILED_MEANS[err.stage] ?? 'the next run tries again'}`,
      error: { stage: err.stage, ...describeError(err.cause) },
    };
    thrown = err.cause;
  }
  const result: RunSummary = { ...summary, ...(clock.note ? { clock: clock.note } : {}), durationMs: deps.wallClock() - started, stageMs };
  logRun(deps, result);
  publishRunMetrics(deps, cfg, result.decision, run.counters);
  if (thrown !== undefined) throw thrown instanceof Error ? thrown : new Error(JSON.stringify(thrown));
  return result;
}

/** The steps after the configuration, under the group's lease; an early outcome when there is nothing (more) to do. */
async function runSteps(cfg: ScalerConfig, now: number, deps: Dependencies, run: RunContext): Promise<Outcome> {
  const co = coordinationFromEnv(deps.env);
  let lease: Lease | undefined;
  if (co && deps.dynamoDb) {
    const ddb = deps.dynamoDb;
    let taken: Awaited<ReturnType<typeof acquireLease>>;
    try {
      taken = await acquireLease({
        ddb,
        table: co.table,
        groupName: cfg.groupName,
        owner: 'predictive-scaler',
        wallClock: deps.wallClock,
        leaseMs: co.leaseMs,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      });
    } catch (e) {
      throw new StageError('lease', e);
    }
    if (isBusy(taken)) {
      return {
        now: new Date(now).toISOString(),
        decision: 'skipped',
        reason: `the ${taken.holder} held the group's lease on all ${taken.attempts} tries: nothing read or changed, the previous plan (if any) stays`,
      };
    }
    lease = taken;
  }
  try {
    return await stepsUnderLease(cfg, now, deps, run, lease);
  } finally {
    if (lease) {
      // The lease expires by itself when this fails; the run's outcome stands.
      await lease
        .release()
        .catch((e: unknown) => deps.logger.warn('predictive scaler: the lease was not released (it expires by itself)', { error: describeError(e) }));
    }
  }
}

async function stepsUnderLease(cfg: ScalerConfig, now: number, deps: Dependencies, run: RunContext, lease: Lease | undefined): Promise<Outcome> {
  const inputs = await readInputs(cfg, now, deps, run, lease ? { key: lease.stateKey, groupName: cfg.groupName } : undefined);
  const hold = holdOf(cfg, inputs, now);
  run.counters[METRIC.OPERATOR_HOLD] = hold ? 1 : 0;
  if (hold) return held(cfg, now, deps, inputs, hold, run);
  const shortfall = historyShortfall(cfg, inputs.history);
  if (shortfall !== undefined) return skipped(now, inputs, shortfall);
  const bounds = resolveBounds(cfg, inputs, now);
  const output = await planCapacityStep(cfg, now, deps, inputs, bounds, run);
  if (output === undefined)
    return skipped(now, inputs, 'the planner returned no plan from this history: nothing changed, the previous plan (if any) stays');
  const planned = planActions(cfg, now, deps, inputs, bounds, output, run);
  return notApplied(cfg, planned) ?? (await applyPlanned(cfg, deps, planned, run));
}

/** Times each stage into `stageMs`. */
function stageTimer(stageMs: { read?: number; plan?: number; apply?: number }): Timed {
  return async <T>(name: 'read' | 'plan' | 'apply', f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      stageMs[name] = Math.round(performance.now() - t0);
    }
  };
}

/** The run's one log line: error when failed, warning when skipped, info otherwise. */
function logRun(deps: Dependencies, result: RunSummary): void {
  const { decision, reason, ...rest } = result;
  const line = { decision, reason, ...rest };
  const message = `predictive scaler: ${decision} (${reason})`;
  if (decision === 'failed') deps.logger.error(message, line);
  else if (decision === 'skipped') deps.logger.warn(message, line);
  else deps.logger.info(message, line);
}

/** The run's counters (EMF): its decision, RunErrors and the skipped-run metric. */
function publishRunMetrics(deps: Dependencies, cfg: ScalerConfig | undefined, decision: Decision, counters: Record<string, number>): void {
  const decisionMetric = {
    applied: METRIC.DECISION_APPLIED,
    'forecast-only': METRIC.DECISION_FORECAST_ONLY,
    'dry-run': METRIC.DECISION_DRY_RUN,
    skipped: METRIC.DECISION_SKIPPED,
    held: METRIC.DECISION_HELD,
    failed: METRIC.DECISION_FAILED,
  }[decision];
  counters[decisionMetric] = 1;
  counters[METRIC.RUN_ERRORS] = decision === 'failed' || decision === 'skipped' ? 1 : 0;
  publishCounters(deps.metrics, cfg?.groupName ?? deps.env.AUTO_SCALING_GROUP_NAME ?? 'unknown', counters);
  publishSkippedRun(deps.metrics, decision === 'skipped');
}
