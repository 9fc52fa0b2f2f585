import { raiseCapToLoad, raiseSaturated, setCap, type BudgetView } from './cap-lever';
import { fmt, hasOverrides, type DecisionContext } from './decision-context';
import { restoreOnDemand, shiftTowardSpot } from './spot-lever';
import { raiseTarget, restoreTarget } from './target-lever';

/**
 * The threshold steps on the Budgets forecast (no usage history): one step per lever while the
 * forecast is over the tighten threshold, one step back while under the restore threshold, a wait
 * while the last step settles. In availability-first mode the cap is in every case never below
 * what the load needs (and a saturated group gets a step back at once); in hard mode the budget is
 * a limit: the cap steps down to the floor whatever the load, and is raised only by a restore.
 */
export function stepOnThresholds(ctx: DecisionContext, view: BudgetView): void {
  const { input, st, pressure, actions } = ctx;
  const { stepInterval, sinceStep } = view;
  const settling = (pressure === 'over' || (pressure === 'under' && hasOverrides(st))) && sinceStep < stepInterval;
  const budgetActionsBefore = actions.length;
  if (settling) settle(ctx, view);
  else if (pressure === 'over') tighten(ctx, view);
  else if (pressure === 'under') restore(ctx, view);
  else hold(ctx, view);
  if (stepInterval > 0 && (pressure === 'over' || pressure === 'under') && !settling && actions.length > budgetActionsBefore)
    st.lastBudgetStepAt = input.now;
}

/** The last budget step is settling (the forecast must reflect it first): only the load may raise the cap. */
function settle(ctx: DecisionContext, view: BudgetView): void {
  const { st, notes } = ctx;
  const { pctText, sinceStep, stepInterval, saturated, loadFloor } = view;
  notes.push(
    `${pctText}: last budget step ${fmt(sinceStep / 3_600_000)} h ago, the next one after ${fmt(stepInterval / 3_600_000)} h (the forecast must reflect it first)`,
  );
  if (!availabilityFirst(ctx)) return;
  if (st.cap !== undefined && saturated) raiseSaturated(ctx, view, 'while the last budget step settles');
  else if (st.cap !== undefined && loadFloor !== undefined && loadFloor > st.cap) raiseCapToLoad(ctx, loadFloor, st.cap);
}

/** Whether the load's needs hold the cap up (availability-first); in hard mode the limit holds. */
function availabilityFirst(ctx: DecisionContext): boolean {
  return ctx.input.policy.budgetMode === 'availability-first';
}

/** Over budget: toward Spot, then (with utilization data) the CPU target up and the cap down a step, never below the load. */
function tighten(ctx: DecisionContext, view: BudgetView): void {
  const { input, st, plan, floor, capStep, notes } = ctx;
  const { policy } = input;
  const { pctText, curMax, saturated, loadFloor, latest } = view;
  shiftTowardSpot(ctx, pctText, true);
  if (loadFloor === undefined) {
    notes.push(`${pctText}, but no utilization data: capacity is not lowered without it`);
    return;
  }
  raiseTarget(ctx, pctText);
  if (!availabilityFirst(ctx)) {
    // Hard: the limit holds; capacity gives way a step at a time down to the floor.
    const next = Math.max(floor, curMax - capStep);
    if (next < curMax) {
      setCap(
        ctx,
        next,
        `${pctText}: capping MaxSize ${curMax} -> ${next} (hard; floor ${floor}, peak load needs ${plan.minimumCapForLoad} at ${policy.emergencyUtilizationPercent}% utilization)`,
      );
    } else notes.push(`MaxSize ${curMax} already at the floor (${floor}, hard)`);
    return;
  }
  if (saturated && st.cap !== undefined) {
    raiseSaturated(ctx, view, 'despite budget pressure');
  } else if (loadFloor > curMax) {
    raiseCapToLoad(ctx, loadFloor, curMax, ' despite budget pressure');
  } else if (saturated) {
    notes.push(`latest CPU ${fmt(latest!.cpuPercent)}% >= emergency utilization ${policy.emergencyUtilizationPercent}%: cap not lowered`);
  } else {
    const next = Math.max(loadFloor, curMax - capStep);
    if (next < curMax) {
      setCap(
        ctx,
        next,
        `${pctText}: capping MaxSize ${curMax} -> ${next} (floor ${floor}, peak load needs ${plan.minimumCapForLoad} at ${policy.emergencyUtilizationPercent}% utilization)`,
      );
    } else notes.push(`MaxSize ${curMax} already at the lowest the load allows (${loadFloor})`);
  }
}

/** Under budget: the cap, the CPU target and the on-demand share one step back toward the originals. */
function restore(ctx: DecisionContext, view: BudgetView): void {
  const { input, st, orig, restoreMax, capStep, actions, notes } = ctx;
  const { pctText, saturated, loadFloor } = view;
  if (st.cap !== undefined) {
    const next = Math.min(restoreMax, Math.max(st.cap + capStep, loadFloor ?? 0, saturated ? st.cap + capStep : 0));
    setCap(
      ctx,
      next,
      `${pctText}, below the ${input.policy.restoreBelowPercent}% restore threshold: restoring MaxSize ${st.cap} -> ${next} (original ${orig.maxSize})`,
    );
  }
  restoreTarget(ctx, pctText);
  restoreOnDemand(ctx, pctText);
  if (!hasOverrides(st) && actions.length === 0) notes.push(`${pctText}: within budget, nothing to restore`);
}

/** Inside the hysteresis band or without spend data: the levers hold, but the cap never stays below what the load needs. */
function hold(ctx: DecisionContext, view: BudgetView): void {
  const { input, st, pressure, notes } = ctx;
  const { policy } = input;
  const { pctText, saturated, loadFloor } = view;
  if (pressure === 'hold') {
    notes.push(`${pctText}: inside the hysteresis band [${policy.restoreBelowPercent}%, ${policy.tightenAbovePercent}%], holding`);
  } else {
    notes.push('no spend data: budget levers hold');
  }
  if (!availabilityFirst(ctx)) return;
  if (st.cap !== undefined && saturated) {
    raiseSaturated(ctx, view, 'while holding');
  } else if (st.cap !== undefined && loadFloor !== undefined && loadFloor > st.cap) {
    raiseCapToLoad(ctx, loadFloor, st.cap);
  }
}
