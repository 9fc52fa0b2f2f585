import { budgetView } from './cap-lever';
import { planCostCapacity } from './capacity-planning';
import { hasOverrides, type DecisionContext, type MutableOriginal, type MutableState } from './decision-context';
import { applyOffHours } from './off-hours-lever';
import { originalSettings, reconcile, tracksTargetMean, updateTargetMean } from './reconcile';
import { budgetPressure } from './budget-pressure';
import { followSpendPlan } from './spend-plan-levers';
import { stepOnThresholds } from './threshold-levers';
import type { CostCapacityPlan, CostDecision, CostDecisionInput } from './types';
import { planFromUsage, type UsagePlan } from './usage-plan';
import { applyVerticalStep } from './vertical-step';

/**
 * Decides the cost optimizer's actions for one run. Pure and deterministic.
 *
 * Guarantees (checked by property tests): MaxSize is never set below the SLO floor (or the
 * original MaxSize when that is lower) nor above the configured maximum (or the original
 * MaxSize); MinSize <= MaxSize and the desired capacity within them; restoring never goes past
 * the original settings; capacity is never lowered for the budget without utilization data.
 */
export function decideCost(input: CostDecisionInput): CostDecision {
  const notes: string[] = [];
  const st = reconcileState(input, notes);
  const orig = originalSettings(st, input);
  const { plan, usage } = planCapacity(input, orig, st);
  const ctx = decisionContext(input, st, orig, plan, notes);
  if (!applyOffHours(ctx)) {
    applyBudgetLevers(ctx, usage);
    applyVerticalStep(ctx);
  }
  const decision = assembleDecision(ctx);
  return usage ? { ...decision, overrunAtMaxSize: overrunAt(usage, input.budget!.limit, orig.maxSize) } : decision;
}

/**
 * The remembered state reconciled with the group as found (outside changes adopted as originals,
 * unless the construct's baseline gives them), and the mean CPU target in force brought up to now.
 */
function reconcileState(input: CostDecisionInput, notes: string[]): MutableState {
  const { now, group } = input;
  const st = reconcile(input.state, group, notes, input.baseline !== undefined);
  updateTargetMean(st, now, tracksTargetMean(input) ? group.targetUtilization : undefined);
  return st;
}

/**
 * The capacity plan: the usage-history spend plan when the history gives one (it updates the price
 * mark in the state), the threshold plan on the Budgets forecast otherwise.
 */
function planCapacity(input: CostDecisionInput, orig: MutableOriginal, st: MutableState): { plan: CostCapacityPlan; usage: UsagePlan | undefined } {
  const basePlan = planCostCapacity(input.now, input.budget, input.group, input.utilization, input.policy);
  const usage = planFromUsage(input, orig, basePlan, st);
  return { plan: usage ? usage.capacityPlan : basePlan, usage };
}

/** What every lever works on: the plan's budget pressure and the bounds the controller keeps to (the most it ever sets, and the least). */
function decisionContext(
  input: CostDecisionInput,
  st: MutableState,
  orig: MutableOriginal,
  plan: CostCapacityPlan,
  notes: string[],
): DecisionContext {
  const { policy } = input;
  return {
    input,
    st,
    orig,
    plan,
    pressure: budgetPressure(plan, policy),
    restoreMax: orig.maxSize,
    floor: Math.min(policy.floorCapacity, orig.maxSize),
    capStep: Math.max(1, Math.ceil((orig.maxSize * policy.capStepPercent) / 100)),
    actions: [],
    notes,
  };
}

/** The forecast overrun (percent of the limit) at a MaxSize held for the rest of the period, at the planned CPU target. */
function overrunAt(usage: UsagePlan, limit: number, configuredMax: number): (maxSize: number) => number {
  return (maxSize) => {
    const monthEnd = usage.forecast.monthEndAt(usage.plan.targetPercent, maxSize >= configuredMax ? undefined : maxSize);
    return limit > 0 ? Math.max(0, ((monthEnd - limit) / limit) * 100) : 0;
  };
}

/** The budget levers: the spend plan's when the usage history gives one, the threshold steps otherwise. */
function applyBudgetLevers(ctx: DecisionContext, usage: UsagePlan | undefined): void {
  const view = budgetView(ctx);
  if (usage) followSpendPlan(ctx, view, usage);
  else stepOnThresholds(ctx, view);
}

/**
 * The decision and the state to remember: the originals kept while any override is in force, and a
 * change of CPU target starts the mean of the target in force from the one being left.
 */
function assembleDecision(ctx: DecisionContext): CostDecision {
  const { input, st, orig, actions, pressure, plan, notes } = ctx;
  const { group, now } = input;
  if (hasOverrides(st)) st.original = orig;
  else delete st.original;
  if (
    !st.targetMean &&
    tracksTargetMean(input) &&
    group.targetUtilization !== undefined &&
    actions.some((a) => a.kind === 'set-target-utilization')
  ) {
    st.targetMean = { percent: group.targetUtilization, t: now };
  }
  return { actions, state: st, pressure, plan, notes };
}
