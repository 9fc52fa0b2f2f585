import { validSamples } from './capacity-planning';
import { fmt, type DecisionContext } from './decision-context';
import type { UtilizationSample } from './types';

/** What the budget levers read, computed once per run before any of them moves. */
export interface BudgetView {
  /** The forecast as reasons quote it. */
  readonly pctText: string;
  /** MaxSize in force: the cap, or the original. */
  readonly curMax: number;
  /** The latest valid utilization sample. */
  readonly latest: UtilizationSample | undefined;
  /** Whether the latest CPU is at or over the emergency utilization. */
  readonly saturated: boolean;
  /** The least MaxSize the load needs (within the floor and the original MaxSize); undefined without utilization data. */
  readonly loadFloor: number | undefined;
  /** The least time between two budget steps. */
  readonly stepInterval: number;
  /** Time since the last budget step (Infinity when none). */
  readonly sinceStep: number;
}

/** The budget view of a run. */
export function budgetView(ctx: DecisionContext): BudgetView {
  const { input, st, plan, floor, restoreMax } = ctx;
  const { now, policy } = input;
  const pctText =
    plan.forecastPercentOfLimit !== undefined
      ? `expected month-end cost ${fmt(plan.expectedMonthEndCost!)} is ${fmt(plan.forecastPercentOfLimit)}% of the ${fmt(plan.budgetLimit!)} limit (${plan.forecastSource})`
      : 'no spend data';
  const latest = validSamples(input.utilization)
    .filter((s) => s.t <= now)
    .pop();
  return {
    pctText,
    curMax: st.cap ?? restoreMax,
    latest,
    saturated: latest !== undefined && latest.cpuPercent >= policy.emergencyUtilizationPercent,
    loadFloor: plan.minimumCapForLoad === undefined ? undefined : Math.min(restoreMax, Math.max(floor, plan.minimumCapForLoad)),
    stepInterval: policy.budgetStepIntervalMs ?? 0,
    sinceStep: st.lastBudgetStepAt === undefined ? Infinity : now - st.lastBudgetStepAt,
  };
}

/** Sets the cap (MaxSize) and records it in the state (dropped when it reaches the original). */
export function setCap(ctx: DecisionContext, maxSize: number, reason: string): void {
  const { input, st, orig, actions } = ctx;
  const { group } = input;
  // MinSize is not a budget lever: a floor raised under the cap (the predictive scaler's
  // scheduled MinSize ahead of a ramp) is kept, the original restored, both within the new cap.
  const minSize = Math.min(Math.max(group.minSize, orig.minSize), maxSize);
  // The level's floor (ours while MinSize is still it) follows a cap below it.
  if (st.floor !== undefined && group.minSize === st.floor) {
    if (minSize > orig.minSize) st.floor = minSize;
    else delete st.floor;
  }
  const desired = group.desiredCapacity > maxSize ? maxSize : group.desiredCapacity < minSize ? minSize : undefined;
  actions.push({ kind: 'set-capacity', minSize, maxSize, ...(desired !== undefined ? { desiredCapacity: desired } : {}), reason });
  if (maxSize >= orig.maxSize) delete st.cap;
  else st.cap = maxSize;
}

/**
 * A group saturated under the cap hides how much load there really is (CPU cannot show more than
 * 100%): the cap goes up a whole step at once, and at least to what the load is seen to need.
 */
export function raiseSaturated(ctx: DecisionContext, view: BudgetView, why: string): void {
  const { st, restoreMax, capStep, input } = ctx;
  const next = Math.min(restoreMax, Math.max(view.loadFloor ?? 0, st.cap! + capStep));
  setCap(
    ctx,
    next,
    `latest CPU ${fmt(view.latest!.cpuPercent)}% >= emergency utilization ${input.policy.emergencyUtilizationPercent}% under the cap: raising it ${st.cap} -> ${next} ${why}`,
  );
}

/** Raises the cap to what the peak load needs (`from` is the cap the reason quotes, `suffix` ends the reason). */
export function raiseCapToLoad(ctx: DecisionContext, loadFloor: number, from: number, suffix = ''): void {
  setCap(
    ctx,
    loadFloor,
    `peak load needs ${loadFloor} instance(s) at ${ctx.input.policy.emergencyUtilizationPercent}% utilization: raising the cap ${from} -> ${loadFloor}${suffix}`,
  );
}
