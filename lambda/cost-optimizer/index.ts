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
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { AutoScalingClient, type ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { EC2Client } from '@aws-sdk/client-ec2';
import { effectiveCapacity, minSizeAfterFreshRead, scheduledBounds, upcomingScheduledFloor } from '../core/capacity';
import {
  type CostAction,
  type CostDecision,
  type CostState,
  decideCost,
  encodeCostState,
  type GroupSnapshot,
  type SetCapacityAction,
} from '../core/cost';
import { clientSettings, describeError } from '../shared/aws';
import { eventTime } from '../shared/config';
import { type ApplyResult, type ApplyStep, applyActions } from './apply';
import { loadConfig, type OptimizerConfig } from './config';
import {
  type GroupTemplate,
  readCpuTargetPolicy,
  readGroup,
  readPendingFloor,
  readSpend,
  readTemplate,
  readUsageHistory,
  readUtilization,
} from './observe';
import { stateFromGroup, writeState } from './state-tag';
import { COST_METRIC, createLogger, createMetrics, publishRunMetrics, publishSkippedRun } from './telemetry';

export type Outcome = 'applied' | 'no-change' | 'dry-run' | 'forecast-only' | 'failed';

/** A run's outcome (also the log line). */
export interface CostRunSummary {
  readonly outcome: Outcome;
  readonly now: string;
  readonly mode?: string;
  readonly group?: GroupSnapshot & { readonly name: string };
  readonly spend?: Record<string, unknown>;
  readonly utilizationSamples?: number;
  readonly usageHistoryHours?: number;
  readonly decision?: Pick<CostDecision, 'pressure' | 'plan' | 'notes'> & { readonly actions: CostAction[] };
  readonly applied?: Pick<ApplyResult, 'succeeded' | 'calls' | 'newTemplateVersion'>;
  readonly state?: string;
  readonly error?: ReturnType<typeof describeError> & { readonly stage: string };
}

/** What a run uses; created once per container by {@link handler}, injected by tests. */
export interface CostDependencies {
  readonly autoScaling: AutoScalingClient;
  readonly budgets: BudgetsClient;
  readonly costExplorer: CostExplorerClient;
  readonly cloudWatch: CloudWatchClient;
  readonly ec2: EC2Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly env: Record<string, string | undefined>;
  readonly wallClock: () => number;
}

export function createDependencies(env: Record<string, string | undefined> = process.env): CostDependencies {
  const settings = clientSettings(env);
  return {
    autoScaling: new AutoScalingClient(settings),
    // Budgets and Cost Explorer are global services answered in us-east-1.
    budgets: new BudgetsClient({ ...settings, region: 'us-east-1' }),
    costExplorer: new CostExplorerClient({ ...settings, region: 'us-east-1' }),
    cloudWatch: new CloudWatchClient(settings),
    ec2: new EC2Client(settings),
    logger: createLogger(),
    metrics: createMetrics(),
    env,
    wallClock: Date.now,
  };
}

let container: CostDependencies | undefined;

/** Lambda entry point (EventBridge scheduled event). */
export async function handler(event: unknown): Promise<CostRunSummary> {
  container ??= createDependencies();
  return runCostOptimizer(event, container);
}

class StageError extends Error {
  constructor(
    readonly stage: string,
    readonly cause: unknown,
  ) {
    super(`${stage}: ${describeError(cause).message}`);
    this.name = 'CostOptimizerError';
  }
}

async function stage<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new StageError(name, e);
  }
}

const STEP_FIELDS: Record<ApplyStep, Array<keyof CostState>> = {
  capacity: ['cap', 'offHoursCapacity', 'onDemandPercent'],
  'target-utilization': ['targetUtilization'],
  vertical: ['lastVerticalAt'],
  'instance-refresh': ['pendingRefresh'],
};

/**
 * The state to keep after applying: the decision's state for what was applied (or needed no
 * call), the previous state for the fields of a step that failed or did not run.
 */
export function stateAfterApply(prev: CostState | undefined, next: CostState, actions: readonly CostAction[], result: ApplyResult): CostState {
  const attempted = new Set<ApplyStep>();
  for (const a of actions) {
    if (a.kind === 'set-capacity' || a.kind === 'set-on-demand-percent') attempted.add('capacity');
    if (a.kind === 'set-target-utilization') attempted.add('target-utilization');
    if (a.kind === 'change-instance-type') {
      attempted.add('vertical');
      attempted.add('instance-refresh');
    }
    if (a.kind === 'start-instance-refresh') attempted.add('instance-refresh');
  }
  const out: Record<string, unknown> = { ...next };
  for (const [step, fields] of Object.entries(STEP_FIELDS) as Array<[ApplyStep, Array<keyof CostState>]>) {
    if (!attempted.has(step)) continue;
    const ok = result.succeeded.includes(step);
    for (const f of fields) {
      if (step === 'instance-refresh') {
        // A vertical change made without its refresh leaves the refresh pending for the next run.
        if (ok) delete out.pendingRefresh;
        else if (result.succeeded.includes('vertical') || prev?.pendingRefresh) out.pendingRefresh = true;
        else delete out.pendingRefresh;
        continue;
      }
      if (ok) continue;
      const v = prev?.[f];
      if (v === undefined) delete out[f];
      else out[f] = v;
    }
  }
  // The budget step interval restarts only when a budget step really was applied.
  const budgetSteps: ApplyStep[] = ['capacity', 'target-utilization'];
  if (next.lastBudgetStepAt !== prev?.lastBudgetStepAt && !budgetSteps.some((st) => attempted.has(st) && result.succeeded.includes(st))) {
    if (prev?.lastBudgetStepAt === undefined) delete out.lastBudgetStepAt;
    else out.lastBudgetStepAt = prev.lastBudgetStepAt;
  }
  const overrides = ['cap', 'offHoursCapacity', 'onDemandPercent', 'targetUtilization'].some((k) => out[k] !== undefined);
  const original = next.original ?? prev?.original;
  if (overrides && original) out.original = original;
  else delete out.original;
  return out;
}

/**
 * How far ahead the cap leaves room for the group's own scheduled MinSize: at least the time to
 * the next run (hourly by default), so that a schedule never fires into a lower MaxSize.
 */
const SCHEDULE_LOOKAHEAD_MS = 2 * 3_600_000;

/**
 * The decision's actions with the bounds of its set-capacity action replaced by the ones the
 * capacity model gives, on a fresh read of the group; a set-capacity action is added when the
 * group is not where the model says (a run that died between its writes, a floor the cap must
 * leave room for) and dropped when the group already is.
 */
async function boundedActions(
  c: OptimizerConfig,
  deps: CostDependencies,
  now: number,
  decision: CostDecision,
  prev: CostState | undefined,
  before: GroupSnapshot,
): Promise<CostAction[]> {
  const decided = decision.actions.find((a): a is SetCapacityAction => a.kind === 'set-capacity');
  const others = decision.actions.filter((a) => a.kind !== 'set-capacity');
  const fresh = await readGroup(deps.autoScaling, c.groupName);
  const live = { minSize: fresh.MinSize!, maxSize: fresh.MaxSize!, desiredCapacity: fresh.DesiredCapacity! };
  if (!c.baseline) {
    // A deployment without the construct's baseline: the decision's bounds, with the MinSize
    // re-derived from the fresh read.
    if (!decided) return decision.actions;
    const minSize = minSizeAfterFreshRead(decided.minSize, before.minSize, live.minSize, decided.maxSize);
    const desired =
      decided.desiredCapacity !== undefined
        ? Math.min(decided.maxSize, Math.max(minSize, decided.desiredCapacity))
        : live.desiredCapacity > decided.maxSize
          ? decided.maxSize
          : live.desiredCapacity < minSize
            ? minSize
            : undefined;
    return [{ ...decided, minSize, ...(desired !== undefined ? { desiredCapacity: desired } : {}) }, ...others];
  }
  const pending = Math.max(
    await readPendingFloor(deps.autoScaling, c.groupName, now),
    upcomingScheduledFloor(c.baseline, now, now + SCHEDULE_LOOKAHEAD_MS),
  );
  const st = decision.state;
  const restoring = prev?.offHoursCapacity !== undefined && st.offHoursCapacity === undefined;
  const target = effectiveCapacity({
    at: now,
    baseline: c.baseline,
    ...(st.cap !== undefined ? { budgetCap: st.cap } : {}),
    ...(st.offHoursCapacity !== undefined ? { offHoursFloor: st.offHoursCapacity } : {}),
    ...(decision.plan.minimumCapForLoad !== undefined ? { emergencyFloor: decision.plan.minimumCapForLoad } : {}),
    ...(pending > 0 ? { pendingFloor: pending } : {}),
    // MinSize is not a cost lever: a floor in place (a predictive or scheduled one) is kept under
    // the cap, except the controller's own off-hours floor when it restores.
    ...(restoring ? {} : { predictiveFloor: live.minSize }),
    desiredCapacity: restoring ? Math.max(live.desiredCapacity, decided?.desiredCapacity ?? 0) : live.desiredCapacity,
  });
  const why = `min ${target.minSize} (${target.minFrom}), max ${target.maxSize} (${target.maxFrom})`;
  if (target.minSize === live.minSize && target.maxSize === live.maxSize && target.desiredCapacity === live.desiredCapacity) {
    if (decided) decision.notes.push(`${decided.reason}: the group already has ${why}`);
    return others;
  }
  const action: SetCapacityAction = {
    kind: 'set-capacity',
    minSize: target.minSize,
    maxSize: target.maxSize,
    ...(target.desiredCapacity !== live.desiredCapacity ? { desiredCapacity: target.desiredCapacity } : {}),
    reason: decided
      ? `${decided.reason}; capacity model: ${why}`
      : `the group has min ${live.minSize}, max ${live.maxSize}, desired ${live.desiredCapacity}; the capacity model says ${why}: converging`,
  };
  return [action, ...others];
}

/** One run; see the module comment. */
export async function runCostOptimizer(event: unknown, deps: CostDependencies): Promise<CostRunSummary> {
  const now = eventTime(event, deps.wallClock);
  let summary: CostRunSummary = { outcome: 'failed', now: new Date(now).toISOString() };
  const metrics: Record<string, number | undefined> = {};
  let cfg: OptimizerConfig | undefined;
  let thrown: unknown;
  try {
    cfg = await stage('config', () => loadConfig(deps.env));
    const c = cfg;
    summary = { ...summary, mode: c.mode };

    const asgGroup = await stage('read group', () => readGroup(deps.autoScaling, c.groupName));
    // The user's bounds in force now (the construct's baseline and the group's own schedules):
    // the original MinSize/MaxSize, derived every run, never kept in the state tag.
    const userBounds = c.baseline ? scheduledBounds(c.baseline, now) : undefined;
    const derived = userBounds && {
      minSize: userBounds.minSize,
      maxSize: userBounds.maxSize,
      desiredCapacity: Math.min(userBounds.maxSize, Math.max(userBounds.minSize, userBounds.desiredCapacity ?? asgGroup.DesiredCapacity!)),
    };
    const encoding = { boundsDerivable: derived !== undefined };
    const { state: prevState } = await stage('read state', () => stateFromGroup(asgGroup, c.stateTagKey, derived));
    const spend = await stage('read spend', () => readSpend(c, now, deps.budgets, deps.costExplorer));
    let cpuPolicy: ScalingPolicy | undefined;
    if (c.manageTargetTracking) cpuPolicy = await stage('read target tracking policy', () => readCpuTargetPolicy(deps.autoScaling, c.groupName));
    let template: GroupTemplate | undefined;
    if (c.policy.vertical && !asgGroup.MixedInstancesPolicy) {
      template = await stage('read launch template', () => readTemplate(deps.ec2, asgGroup));
      if (template && c.launchTemplateId && template.launchTemplateId !== c.launchTemplateId) template = undefined;
    }
    const windowMs = Math.max(c.policy.loadLookbackMs, c.policy.vertical?.windowMs ?? 0);
    const samples = await stage('read utilization', () => readUtilization(deps.cloudWatch, c.groupName, now, windowMs, c.utilizationPeriodSeconds));
    const usageHistory = await stage('read usage history', () => readUsageHistory(deps.cloudWatch, c.groupName, now));

    const onDemand = asgGroup.MixedInstancesPolicy?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity;
    const targetValue = cpuPolicy?.TargetTrackingConfiguration?.TargetValue;
    const group: GroupSnapshot = {
      minSize: asgGroup.MinSize!,
      maxSize: asgGroup.MaxSize!,
      desiredCapacity: asgGroup.DesiredCapacity!,
      ...(template?.instanceType ? { instanceType: template.instanceType } : {}),
      ...(asgGroup.MixedInstancesPolicy ? { onDemandPercent: onDemand ?? 100 } : {}),
      ...(targetValue !== undefined ? { targetUtilization: targetValue } : {}),
    };
    const decided = await stage('decide', () =>
      decideCost({
        now,
        budget: spend,
        group,
        utilization: samples,
        utilizationPeriodSeconds: c.utilizationPeriodSeconds,
        usageHistory,
        policy: c.policy,
        state: prevState,
        ...(derived ? { baseline: derived } : {}),
      }),
    );
    // The bounds written come from the one precedence rule, on a read of the group made right
    // before writing (a floor that landed since the first read is not undone).
    const decision: CostDecision =
      c.mode === 'forecast-only'
        ? decided
        : { ...decided, actions: await stage('read group before writing', () => boundedActions(c, deps, now, decided, prevState, group)) };
    if (c.manageTargetTracking && !cpuPolicy) decision.notes.push('target utilization lever: the group has no single CPU target tracking policy');
    if (c.policy.vertical && !template) decision.notes.push('vertical: the group does not launch from the managed launch template');

    const plan = decision.plan;
    Object.assign(metrics, {
      [COST_METRIC.EXPECTED_MONTH_END_COST]: plan.expectedMonthEndCost,
      [COST_METRIC.BUDGET_LIMIT]: plan.budgetLimit,
      [COST_METRIC.ACTUAL_SPEND]: spend.actualSpend,
      [COST_METRIC.FORECAST_PERCENT_OF_LIMIT]: plan.forecastPercentOfLimit,
      [COST_METRIC.PEAK_CAPACITY_NEEDED]: plan.peakCapacityNeeded,
      [COST_METRIC.MINIMUM_CAP_FOR_LOAD]: plan.minimumCapForLoad,
      [COST_METRIC.MISSING_DATA]: samples.length === 0 ? 1 : 0,
      [COST_METRIC.FORECAST_OVERRUN_PERCENT]: plan.forecastOverrunPercent,
    });
    const shown = c.mode === 'forecast-only' ? [] : decision.actions;
    summary = {
      ...summary,
      group: { name: c.groupName, ...group },
      spend: { source: spend.source, limit: spend.limit, actual: spend.actualSpend, forecast: spend.forecastedSpend },
      utilizationSamples: samples.length,
      usageHistoryHours: usageHistory.length,
      decision: { pressure: decision.pressure, plan, notes: decision.notes, actions: shown },
    };
    metrics[COST_METRIC.ACTIONS_DECIDED] = shown.length;
    let capAfter = group.maxSize;

    if (c.mode === 'apply') {
      const before = prevState ? encodeCostState(prevState, encoding) : undefined;
      const empty = encodeCostState({}, encoding);
      let written = before ?? empty;
      // Write ahead: the state the decision leads to is on the group before anything is applied.
      // Written after, a tag write that fails once the group was changed loses the original
      // settings (the next run would adopt the capped bounds as the originals); written first, a
      // failed write changes nothing, and an apply step that fails is corrected below.
      if (decision.actions.length > 0) {
        const intended = await stage('encode state', () => encodeCostState(decision.state, encoding));
        if (intended !== written) {
          await stage('write state', () => writeState(deps.autoScaling, c.groupName, c.stateTagKey, decision.state, encoding));
          written = intended;
        }
      }
      const result =
        decision.actions.length > 0
          ? await applyActions(decision.actions, {
              asg: deps.autoScaling,
              ec2: deps.ec2,
              groupName: c.groupName,
              cpuPolicy,
              template,
              refreshMinHealthyPercent: c.refreshMinHealthyPercent,
            })
          : { succeeded: [], calls: [] };
      const kept = stateAfterApply(prevState, decision.state, decision.actions, result);
      const after = encodeCostState(kept, encoding);
      const cap = decision.actions.find((a) => a.kind === 'set-capacity');
      if (cap?.kind === 'set-capacity' && result.succeeded.includes('capacity')) capAfter = cap.maxSize;
      metrics[COST_METRIC.ACTIONS_APPLIED] = result.calls.length;
      summary = {
        ...summary,
        outcome: result.failed ? 'failed' : result.calls.length > 0 ? 'applied' : 'no-change',
        applied: {
          succeeded: result.succeeded,
          calls: result.calls,
          ...(result.newTemplateVersion !== undefined ? { newTemplateVersion: result.newTemplateVersion } : {}),
        },
        state: after,
      };
      if (after !== written) {
        await stage('write state', () => writeState(deps.autoScaling, c.groupName, c.stateTagKey, kept, encoding));
      }
      if (result.failed) throw new StageError(`apply ${result.failed.step}`, result.failed.error);
    } else {
      metrics[COST_METRIC.ACTIONS_APPLIED] = 0;
      summary = { ...summary, outcome: c.mode };
    }
    metrics[COST_METRIC.CAPACITY_CAP] = capAfter;
  } catch (e) {
    const err = e instanceof StageError ? e : new StageError('run', e);
    summary = { ...summary, outcome: 'failed', error: { stage: err.stage, ...describeError(err.cause) } };
    thrown = err.cause;
  }
  metrics[COST_METRIC.RUN_ERRORS] = summary.outcome === 'failed' ? 1 : 0;
  // Skipped: decided without utilization data (the budget levers cannot lower capacity without it).
  const skipped = summary.utilizationSamples === 0;
  const actions = summary.decision?.actions ?? [];
  const message = `cost optimizer: ${summary.outcome}${actions.length > 0 ? ` (${actions.map((a) => a.reason).join('; ')})` : summary.error ? ` (${summary.error.stage}: ${summary.error.message})` : ''}`;
  if (summary.outcome === 'failed') deps.logger.error(message, { ...summary });
  else deps.logger.info(message, { ...summary });
  publishRunMetrics(deps.metrics, cfg?.groupName ?? deps.env.AUTO_SCALING_GROUP_NAME ?? 'unknown', metrics);
  publishSkippedRun(deps.metrics, skipped);
  if (thrown !== undefined) throw thrown instanceof Error ? thrown : new Error(JSON.stringify(thrown));
  return summary;
}
