/**
 * The cost optimizer's Lambda handler, run on a schedule (hourly by default) by the
 * `CostOptimizer` construct.
 *
 * Each run, at `now` = the EventBridge event's `time` (so a replay can drive it on a simulated
 * clock):
 * 1. reads the month's spend (DescribeBudget; with SPEND_SOURCE=cost-explorer the actual cost from
 *    GetCostAndUsage), the group (DescribeAutoScalingGroups, with the state tag), its CPU target
 *    tracking policy when the target lever is configured, its launch template version when
 *    vertical scaling is configured, and its CPU utilization and instances in service
 *    (GetMetricData) over the longer of the load lookback and the vertical window;
 * 2. decides with the pure core (`decideCost`);
 * 3. MODE=apply (default) writes the state the decision leads to (write-ahead), applies the
 *    actions (see `apply.ts`) and, when a step failed, writes the state of what was applied;
 *    MODE=dry-run logs what it would do and changes nothing; MODE=forecast-only publishes the
 *    capacity plan only;
 * 4. publishes the plan and counters as EMF metrics and writes one structured log line.
 *
 * Fail safe: a bad configuration, an unreadable state tag, or an AWS error while reading changes
 * nothing; an error while applying stops the later steps and the state records only what was
 * applied. Either way RunErrors = 1, an error line is logged and the error is rethrown so that the
 * function's error alarm notifies the alert topic. Missing utilization data is not an error:
 * the core then never lowers capacity for the budget (MissingData = 1).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientSettings, describeError } from '../shared/aws';
import { runTime, SIMULATED_CLOCK_ENV } from '../shared/config';
import type { Lease } from '../shared/coordination';
import { baselineWithGroupSchedules } from '../shared/group-schedules';
import { loadConfig, type OptimizerConfig } from './config';
import type { CostDependencies, CostRunSummary } from './run-types';
import { heldOverrunPercent, isBusy, takeLease } from './lanes';
import { applyDecision, decide, readInputs, recordDecision, type RunRecord, stage, StageError } from './run-steps';
import { COST_METRIC, createLogger, createMetrics, publishRunMetrics, publishSkippedRun } from './telemetry';

export { stateAfterApply } from './state-after-apply';
export type { CostDependencies, CostRunSummary, Outcome } from './run-types';

export function createDependencies(env: Record<string, string | undefined> = process.env): CostDependencies {
  const settings = clientSettings(env);
  return {
    autoScaling: new AutoScalingClient(settings),
    // Budgets and Cost Explorer are global services answered in us-east-1.
    budgets: new BudgetsClient({ ...settings, region: 'us-east-1' }),
    costExplorer: new CostExplorerClient({ ...settings, region: 'us-east-1' }),
    cloudWatch: new CloudWatchClient(settings),
    ec2: new EC2Client(settings),
    dynamoDb: new DynamoDBClient(settings),
    logger: createLogger(),
    metrics: createMetrics(),
    env,
    wallClock: Date.now,
    simulatedClock: env[SIMULATED_CLOCK_ENV] === 'true',
  };
}

let container: CostDependencies | undefined;

/** Lambda entry point (EventBridge scheduled event). */
export async function handler(event: unknown): Promise<CostRunSummary> {
  container ??= createDependencies();
  return runCostOptimizer(event, container);
}

/** One run; see the module comment: config -> read -> core (decideCost, boundedActions) -> apply -> log and metrics. */
export async function runCostOptimizer(event: unknown, deps: CostDependencies): Promise<CostRunSummary> {
  const clock = runTime(event, deps.wallClock, deps.simulatedClock);
  const now = clock.now;
  const run: RunRecord = {
    summary: { outcome: 'failed', now: new Date(now).toISOString(), ...(clock.note ? { clock: clock.note } : {}) },
    metrics: {},
  };
  let cfg: OptimizerConfig | undefined;
  let thrown: unknown;
  let lease: Lease | undefined;
  try {
    cfg = await stage('config', () => loadConfig(deps.env));
    // The group's schedules wherever they were defined: what AWS holds, merged with the construct's.
    const c: OptimizerConfig = cfg.baseline
      ? { ...cfg, baseline: await stage('read schedules', () => baselineWithGroupSchedules(deps.autoScaling, cfg!.groupName, cfg!.baseline!, now)) }
      : cfg;
    run.summary = { ...run.summary, mode: c.mode };
    // Never at the same time as the predictive scaler: everything below runs under the group's lease.
    const taken = await stage('lease', () => takeLease(c, deps));
    if (taken && isBusy(taken)) {
      run.summary = {
        ...run.summary,
        outcome: 'skipped',
        hold: `the ${taken.holder} held the group's lease on all ${taken.attempts} tries: nothing read or changed, the next run tries again`,
      };
    } else {
      lease = taken;
      const signer = lease ? { key: lease.stateKey, groupName: c.groupName } : undefined;
      const inputs = await readInputs(c, deps, now, signer);
      const decision = await decide(c, deps, now, inputs);
      recordDecision(c, inputs, decision, run);
      let capAfter = inputs.group.maxSize;
      run.metrics[COST_METRIC.OPERATOR_HOLD] = inputs.hold ? 1 : 0;
      if (inputs.hold) {
        // Operators win: nothing is acted on; the overrun the month heads for is published (and alarmed).
        run.metrics[COST_METRIC.ACTIONS_APPLIED] = 0;
        run.metrics[COST_METRIC.FORECAST_OVERRUN_PERCENT] = heldOverrunPercent(decision.plan);
        run.summary = { ...run.summary, outcome: 'held', hold: inputs.hold.reason };
      } else if (c.mode === 'apply') {
        capAfter = await applyDecision(c, deps, inputs, decision, run);
      } else {
        run.metrics[COST_METRIC.ACTIONS_APPLIED] = 0;
        run.summary = { ...run.summary, outcome: c.mode };
      }
      run.metrics[COST_METRIC.CAPACITY_CAP] = capAfter;
    }
  } catch (e) {
    const err = e instanceof StageError ? e : new StageError('run', e);
    run.summary = { ...run.summary, outcome: 'failed', error: { stage: err.stage, ...describeError(err.cause) } };
    thrown = err.cause;
  }
  if (lease) {
    try {
      await lease.release();
    } catch (e) {
      // The lease expires by itself; the run's outcome stands.
      deps.logger.warn('cost optimizer: the lease was not released (it expires by itself)', { error: describeError(e) });
    }
  }
  logRun(deps, run);
  publishMetrics(deps, cfg, run);
  if (thrown !== undefined) throw thrown instanceof Error ? thrown : new Error(JSON.stringify(thrown));
  return run.summary;
}

/** The run's one log line: error when failed, info otherwise. */
function logRun(deps: CostDependencies, run: RunRecord): void {
  const summary = run.summary;
  const actions = summary.decision?.actions ?? [];
  const message = `cost optimizer: ${summary.outcome}${actions.length > 0 ? ` (${actions.map((a) => a.reason).join('; ')})` : summary.error ? ` (${summary.error.stage}: ${summary.error.message})` : ''}`;
  if (summary.outcome === 'failed') deps.logger.error(message, { ...summary });
  else deps.logger.info(message, { ...summary });
}

/** The run's metrics (EMF), and the skipped-run metric: decided without utilization data. */
function publishMetrics(deps: CostDependencies, cfg: OptimizerConfig | undefined, run: RunRecord): void {
  run.metrics[COST_METRIC.RUN_ERRORS] = run.summary.outcome === 'failed' ? 1 : 0;
  // Skipped: decided without utilization data (the budget levers cannot lower capacity without it).
  const skipped = run.summary.utilizationSamples === 0 || run.summary.outcome === 'skipped';
  publishRunMetrics(deps.metrics, cfg?.groupName ?? deps.env.AUTO_SCALING_GROUP_NAME ?? 'unknown', run.metrics);
  publishSkippedRun(deps.metrics, skipped);
}
