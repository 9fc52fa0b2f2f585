/**
 * The steps of one cost-optimizer run, in the order `runCostOptimizer` calls them:
 * read (group, state, spend, policy, template, utilization, usage history) -> core (decideCost,
 * boundedActions) -> apply (write-ahead state, actions, state of what was applied).
 * Each step fails with a {@link StageError} that names its stage, and records what it saw and did
 * in the run's summary and metrics as it goes (the failure line shows how far the run got).
 */
import type { AutoScalingGroup, ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { type OperatorHold, scheduledBounds } from '../core/capacity';
import { type CostDecision, type CostState, decideCost, type GroupSnapshot } from '../core/cost';
import { describeError } from '../shared/aws';
import { EVENT_TIME_EARLY_MS } from '../shared/config';
import { applyActions } from './apply';
import { applyEcsTaskCap } from './ecs-task-cap';
import { boundedActions } from './bounded-actions';
import { overrunInForce } from './overrun-in-force';
import type { OptimizerConfig } from './config';
import type { CostDependencies, CostRunSummary } from './run-types';
import {
  type GroupTemplate,
  readCpuTargetPolicy,
  readGroup,
  readRefreshes,
  readSpend,
  readTemplate,
  readUsageHistory,
  readUtilization,
} from './observe';
import { stateAfterApply, stateWrittenAhead } from './state-after-apply';
import { holdOf, plausibleSamples } from './lanes';
import { stateFromGroup, type StateSigner, stateTagValue, writeState } from './state-tag';
import { COST_METRIC } from './telemetry';

/** A failure that is logged, counted and rethrown. */
export class StageError extends Error {
  constructor(
    readonly stage: string,
    readonly cause: unknown,
  ) {
    super(`${stage}: ${describeError(cause).message}`);
    this.name = 'CostOptimizerError';
  }
}

export async function stage<T>(name: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new StageError(name, e);
  }
}

/** The run's bookkeeping: its summary (the log line) and metrics so far. */
export interface RunRecord {
  summary: CostRunSummary;
  readonly metrics: Record<string, number | undefined>;
}

type Spend = Awaited<ReturnType<typeof readSpend>>;
type Encoding = { readonly boundsDerivable: boolean };

/** What the read step returns. */
export interface Inputs {
  readonly asgGroup: AutoScalingGroup;
  readonly derived?: { readonly minSize: number; readonly maxSize: number; readonly desiredCapacity: number };
  readonly encoding: Encoding;
  readonly prevState?: CostState;
  /**
   * The MaxSize values of a state tag the controller did not sign (one written before signatures,
   * by 0.2.0): they explain a live MaxSize as a controller's, on the first read and on the read
   * before writing alike, so that the upgrade is not taken for an operator's change.
   */
  readonly untrustedMaxSizes: readonly number[];
  /** The read corrected the tag's state (a pending refresh found done): it is written even when the run changes nothing else. */
  readonly stateCorrected?: boolean;
  readonly spend: Spend;
  readonly cpuPolicy?: ScalingPolicy;
  readonly template?: GroupTemplate;
  readonly samples: Awaited<ReturnType<typeof readUtilization>>;
  readonly usageHistory: Awaited<ReturnType<typeof readUsageHistory>>;
  readonly group: GroupSnapshot;
  /** Signs and verifies the state tag (with the coordination table's key). */
  readonly signer?: StateSigner;
  /** The operator's hold on the group: the run publishes and changes nothing. */
  readonly hold?: OperatorHold;
  /** Why the state tag was not trusted, or implausible datapoints were dropped. */
  readonly readNotes: string[];
}

/** Read: the group, its state tag, the spend, the CPU policy, the launch template, utilization and usage history. */
export async function readInputs(c: OptimizerConfig, deps: CostDependencies, now: number, signer?: StateSigner): Promise<Inputs> {
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
  const tagState = await stage('read state', () => stateFromGroup(asgGroup, c.stateTagKey, derived, signer));
  let prevState = tagState.state;
  let stateCorrected = false;
  const readNotes: string[] = tagState.untrusted ? [tagState.untrusted.note] : [];
  const untrustedMaxSizes = tagState.untrusted?.maxSizes ?? [];
  const hold = holdOf(c, asgGroup, now, prevState, untrustedMaxSizes);
  const spend = await stage('read spend', () => readSpend(c, now, deps.budgets, deps.costExplorer));
  let cpuPolicy: ScalingPolicy | undefined;
  // Also read when the state holds a raised (or pending) target the configuration no longer manages: it is restored.
  if (c.manageTargetTracking || prevState?.targetUtilization !== undefined || prevState?.pendingTargetUtilization !== undefined)
    cpuPolicy = await stage('read target tracking policy', () => readCpuTargetPolicy(deps.autoScaling, c.groupName));
  let template: GroupTemplate | undefined;
  if (c.policy.vertical && !asgGroup.MixedInstancesPolicy) {
    template = await stage('read launch template', () => readTemplate(deps.ec2, asgGroup));
    if (template && c.launchTemplateId && template.launchTemplateId !== c.launchTemplateId) template = undefined;
  }
  const refreshes = template ? await stage('read instance refresh', () => readRefreshes(deps.autoScaling, c.groupName)) : undefined;
  const refreshing = refreshes?.running;
  if (
    prevState?.pendingRefresh &&
    prevState.lastVerticalAt !== undefined &&
    refreshes?.succeededStartedAt !== undefined &&
    refreshes.succeededStartedAt >= prevState.lastVerticalAt - EVENT_TIME_EARLY_MS
  ) {
    // The run that made the last change started its refresh and died before it recorded that:
    // the refresh has succeeded since, so it is done, not started again on the unchanged template.
    const { pendingRefresh: _r, pendingInstanceType: _t, ...rest } = prevState;
    prevState = rest;
    stateCorrected = true;
    readNotes.push(
      `vertical: the instance refresh for the last change started ${new Date(refreshes.succeededStartedAt).toISOString()} and succeeded: the pending refresh is done, not started again`,
    );
  } else if (
    prevState?.pendingRefresh &&
    prevState.lastVerticalAt !== undefined &&
    prevState.pendingInstanceType !== undefined &&
    template?.instanceType !== undefined &&
    template.instanceType !== prevState.pendingInstanceType &&
    refreshes?.undone !== undefined &&
    refreshes.undone.startedAt >= prevState.lastVerticalAt - EVENT_TIME_EARLY_MS
  ) {
    // The run that made the last change started its refresh and died before it recorded that; the
    // refresh then ended without the new type (rolled back on an alarm, failed, cancelled). The
    // change was made and undone, as when its start was recorded: nothing pending, and the interval
    // runs from the change (not "never reached the group", which would try the same step again at once).
    const { pendingRefresh: _r, pendingInstanceType: wanted, ...rest } = prevState;
    prevState = rest;
    stateCorrected = true;
    readNotes.push(
      `vertical: the instance refresh for the last change to ${wanted} started ${new Date(refreshes.undone.startedAt).toISOString()} and ended ${refreshes.undone.status}: the group keeps ${template.instanceType}; the next change waits for the interval`,
    );
  }
  const windowMs = Math.max(c.policy.loadLookbackMs, c.policy.vertical?.windowMs ?? 0);
  const read = await stage('read utilization', () => readUtilization(deps.cloudWatch, c.groupName, now, windowMs, c.utilizationPeriodSeconds));
  const history = await stage('read usage history', () => readUsageHistory(deps.cloudWatch, c.groupName, now));
  const { kept: samples, dropped } = plausibleSamples(read);
  const { kept: usageHistory, dropped: droppedHistory } = plausibleSamples(history);
  if (dropped + droppedHistory > 0)
    readNotes.push(
      `${dropped + droppedHistory} utilization datapoint(s) not a CPU percentage in [0, 100] or a valid instance count: dropped, not planned on`,
    );

  const onDemand = asgGroup.MixedInstancesPolicy?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity;
  const targetValue = cpuPolicy?.TargetTrackingConfiguration?.TargetValue;
  const group: GroupSnapshot = {
    minSize: asgGroup.MinSize!,
    maxSize: asgGroup.MaxSize!,
    desiredCapacity: asgGroup.DesiredCapacity!,
    ...(template?.instanceType ? { instanceType: template.instanceType } : {}),
    ...(asgGroup.MixedInstancesPolicy ? { onDemandPercent: onDemand ?? 100 } : {}),
    ...(targetValue !== undefined ? { targetUtilization: targetValue } : {}),
    ...(refreshing !== undefined ? { runningInstanceRefresh: refreshing } : {}),
  };
  return {
    asgGroup,
    derived,
    encoding,
    prevState,
    untrustedMaxSizes,
    ...(stateCorrected ? { stateCorrected } : {}),
    spend,
    cpuPolicy,
    template,
    samples,
    usageHistory,
    group,
    readNotes,
    ...(signer ? { signer } : {}),
    ...(hold ? { hold } : {}),
  };
}

/**
 * Core: the pure decision (`decideCost`), then, unless forecast-only, its capacity action bounded
 * by the one precedence rule on a read of the group made right before writing (a floor that
 * landed since the first read is not undone).
 */
export async function decide(c: OptimizerConfig, deps: CostDependencies, now: number, inputs: Inputs): Promise<CostDecision> {
  const { spend, group, samples, usageHistory, prevState, derived } = inputs;
  const decided = await stage('decide', () =>
    decideCost({
      now,
      // A scoped budget that reports nothing yet is unknown spend, not zero spend.
      budget: spend.unreported ? undefined : spend,
      group,
      utilization: samples,
      utilizationPeriodSeconds: c.utilizationPeriodSeconds,
      usageHistory,
      policy: c.policy,
      state: prevState,
      ...(derived ? { baseline: derived } : {}),
    }),
  );
  // An operator holds the group: the decision is made (its forecast is published), nothing is acted on.
  const decision: CostDecision =
    c.mode === 'forecast-only'
      ? decided
      : inputs.hold
        ? { ...decided, actions: [] }
        : {
            ...decided,
            actions: await stage('read group before writing', () =>
              boundedActions(c, deps, now, decided, prevState, group, inputs.untrustedMaxSizes),
            ),
          };
  decision.notes.unshift(...inputs.readNotes);
  if (inputs.hold) decision.notes.unshift(`operator hold: ${inputs.hold.reason}; the forecast overrun is published instead of acting`);
  if (spend.unreported) decision.notes.push(spend.unreported);
  if (c.manageTargetTracking && !inputs.cpuPolicy && !inputs.hold)
    decision.notes.push('target utilization lever: the group has no single CPU target tracking policy');
  if (c.policy.vertical && !inputs.template) decision.notes.push('vertical: the group does not launch from the managed launch template');
  return decision;
}

/** The decision's plan metrics and its summary fields (what the run saw and decided). */
export function recordDecision(c: OptimizerConfig, inputs: Inputs, decision: CostDecision, run: RunRecord): void {
  const { spend, samples, usageHistory, group } = inputs;
  const plan = decision.plan;
  const overrun = overrunInForce(decision, group.maxSize);
  if (overrun.note) decision.notes.push(overrun.note);
  Object.assign(run.metrics, {
    [COST_METRIC.EXPECTED_MONTH_END_COST]: plan.expectedMonthEndCost,
    [COST_METRIC.BUDGET_LIMIT]: plan.budgetLimit,
    [COST_METRIC.ACTUAL_SPEND]: spend.actualSpend,
    [COST_METRIC.FORECAST_PERCENT_OF_LIMIT]: plan.forecastPercentOfLimit,
    [COST_METRIC.PEAK_CAPACITY_NEEDED]: plan.peakCapacityNeeded,
    [COST_METRIC.MINIMUM_CAP_FOR_LOAD]: plan.minimumCapForLoad,
    [COST_METRIC.MISSING_DATA]: samples.length === 0 ? 1 : 0,
    [COST_METRIC.FORECAST_OVERRUN_PERCENT]: overrun.percent,
  });
  const shown = c.mode === 'forecast-only' ? [] : decision.actions;
  run.summary = {
    ...run.summary,
    group: { name: c.groupName, ...group },
    spend: {
      source: spend.source,
      limit: spend.limit,
      actual: spend.actualSpend,
      forecast: spend.forecastedSpend,
      ...(spend.unreported ? { reported: false } : {}),
    },
    utilizationSamples: samples.length,
    usageHistoryHours: usageHistory.length,
    decision: { pressure: decision.pressure, plan, notes: decision.notes, actions: shown },
  };
  run.metrics[COST_METRIC.ACTIONS_DECIDED] = shown.length;
}

/**
 * Apply (MODE=apply): write ahead the state the decision leads to, apply the actions, then write
 * the state of what was applied when it differs; a failed step fails its `apply <step>` stage.
 * Returns the group's MaxSize after the run.
 */
export async function applyDecision(
  c: OptimizerConfig,
  deps: CostDependencies,
  inputs: Inputs,
  decided: CostDecision,
  run: RunRecord,
): Promise<number> {
  let decision = decided;
  const { prevState, encoding, cpuPolicy, template, signer } = inputs;
  let capAfter = inputs.group.maxSize;
  const before = prevState ? stateTagValue(prevState, encoding, signer) : undefined;
  const empty = stateTagValue({}, encoding, signer);
  // A state the read corrected (a pending refresh found done) differs from the tag: written.
  let written = inputs.stateCorrected ? '' : (before ?? empty);
  // Write ahead: the state the decision leads to is on the group before anything is applied.
  // Written after, a tag write that fails once the group was changed loses the original
  // settings (the next run would adopt the capped bounds as the originals); written first, a
  // failed write changes nothing, and an apply step that fails is corrected below.
  // The MaxSize values this write may leave the group at (found, written) are recorded with the
  // intent: the next run tells them from an operator's, whether or not the update landed (judged
  // with the construct's baseline only: without it, outside changes are adopted as originals).
  const capAction = decision.actions.find((a) => a.kind === 'set-capacity');
  if (c.baseline && capAction?.kind === 'set-capacity')
    decision = { ...decision, state: { ...decision.state, writtenMaxSizes: [inputs.group.maxSize, capAction.maxSize] } };
  // A CPU target or on-demand share it changes is written with the previous value and the one
  // being set as pending (neither can be derived again): see stateWrittenAhead.
  if (decision.actions.length > 0) {
    const ahead = stateWrittenAhead(prevState, decision.state, decision.actions, inputs.group);
    const intended = await stage('encode state', () => stateTagValue(ahead, encoding, signer));
    if (intended !== written) {
      await stage('write state', () => writeState(deps.autoScaling, c.groupName, c.stateTagKey, ahead, encoding, signer));
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
          refreshAlarmNames: c.refreshAlarmNames,
        })
      : { succeeded: [], calls: [] };
  const kept = stateAfterApply(prevState, decision.state, decision.actions, result, inputs.group);
  const after = stateTagValue(kept, encoding, signer);
  const cap = decision.actions.find((a) => a.kind === 'set-capacity');
  if (cap?.kind === 'set-capacity' && result.succeeded.includes('capacity')) capAfter = cap.maxSize;
  run.metrics[COST_METRIC.ACTIONS_APPLIED] = result.calls.length;
  run.summary = {
    ...run.summary,
    outcome: result.failed ? 'failed' : result.calls.length > 0 ? 'applied' : 'no-change',
    applied: {
      succeeded: result.succeeded,
      calls: result.calls,
      ...(result.newTemplateVersion !== undefined ? { newTemplateVersion: result.newTemplateVersion } : {}),
    },
    state: after,
  };
  if (after !== written) {
    await stage('write state', () => writeState(deps.autoScaling, c.groupName, c.stateTagKey, kept, encoding, signer));
  }
  if (result.failed) throw new StageError(`apply ${result.failed.step}`, result.failed.error);
  // On an ECS service whose group serves it alone: the task cap that matches the group's MaxSize.
  const tasks = await stage('apply ecs-task-cap', () => applyEcsTaskCap(deps, capAfter));
  if (tasks) run.summary = { ...run.summary, ecsTaskCap: tasks };
  return capAfter;
}
