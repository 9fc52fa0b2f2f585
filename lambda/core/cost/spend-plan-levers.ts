import { raiseSaturated, setCap, type BudgetView } from './cap-lever';
import { fmt, type DecisionContext } from './decision-context';
import { restoreOnDemand, shiftTowardSpot } from './spot-lever';
import { planTarget } from './target-lever';
import type { UsagePlan } from './usage-plan';
import type { SetCapacityAction } from './types';

const DAY = 86_400_000;
/** The default of the policy's `maxChangesPerDay`. */
export const DEFAULT_MAX_CHANGES_PER_DAY = 6;

/**
 * The spend plan's levers, every run: the on-demand share (toward Spot while the plan cuts, back
 * toward the original when it does not), the CPU target and the cap the rest of the period may use.
 */
export function followSpendPlan(ctx: DecisionContext, view: BudgetView, usage: UsagePlan): void {
  const { input, st, actions } = ctx;
  const { now, policy } = input;
  const budgetActionsBefore = actions.length;
  const sp = usage.plan;
  const mode = policy.budgetMode ?? 'hard';
  const day = Math.floor(now / DAY);
  const today = st.changesToday?.day === day ? st.changesToday.count : 0;
  const maxPerDay = policy.maxChangesPerDay ?? DEFAULT_MAX_CHANGES_PER_DAY;
  const loadNeedsMore =
    mode === 'availability-first' && view.loadFloor !== undefined && (view.loadFloor > view.curMax || (view.saturated && st.cap !== undefined));
  if (today >= maxPerDay && !sp.required && !loadNeedsMore && !sp.held) {
    ctx.notes.push(`${sp.reason}; ${today} budget change(s) today, at most ${maxPerDay} a day: the settings hold until tomorrow (UTC)`);
  } else {
    applyPlan(ctx, view, usage);
  }
  if (actions.length > budgetActionsBefore) st.changesToday = { day, count: today + 1 };
  else if (st.changesToday && st.changesToday.day !== day) delete st.changesToday;
}

/** The plan's levers in this run: the on-demand share, the CPU target and the cap. */
function applyPlan(ctx: DecisionContext, view: BudgetView, usage: UsagePlan): void {
  const { input, st, floor, restoreMax, actions, notes } = ctx;
  const { now, group, policy } = input;
  const { curMax, loadFloor, saturated, sinceStep, stepInterval } = view;
  const budgetActionsBefore = actions.length;
  const sp = usage.plan;
  const mode = policy.budgetMode ?? 'hard';
  const cuts = sp.targetPercent > usage.baseTarget + 1e-9 || sp.cap !== undefined;
  if (policy.spot && group.onDemandPercent !== undefined && sinceStep >= stepInterval) {
    if (cuts) shiftTowardSpot(ctx, sp.reason, false);
    else restoreOnDemand(ctx, sp.reason);
  }
  planTarget(ctx, sp, usage.baseTarget);
  let wantCap = Math.max(floor, Math.min(restoreMax, sp.cap ?? restoreMax));
  if (mode === 'availability-first' && loadFloor !== undefined) wantCap = Math.max(wantCap, loadFloor);
  if (mode === 'availability-first' && st.cap !== undefined && saturated && wantCap <= st.cap) {
    raiseSaturated(ctx, view, '(availability first)');
  } else if (wantCap < curMax && loadFloor === undefined) {
    notes.push(`${sp.reason}, but no utilization data: capacity is not lowered without it`);
  } else if (wantCap !== curMax) {
    const why =
      wantCap < curMax
        ? `capping MaxSize ${curMax} -> ${wantCap} (${mode}; floor ${floor}${loadFloor !== undefined ? `, the load needs ${loadFloor} at ${policy.emergencyUtilizationPercent}% utilization` : ''})`
        : `raising MaxSize ${curMax} -> ${wantCap}${wantCap >= restoreMax ? ' (original)' : ''}`;
    setCap(ctx, wantCap, `${sp.reason}: ${why}`);
  } else {
    notes.push(`${sp.reason}; plan holds${st.cap !== undefined ? ` MaxSize ${st.cap}` : ''}`);
  }
  applyLevelFloor(ctx, sp.floor, sp.reason, loadFloor !== undefined);
  if (sp.overrunPercent > 0) notes.push(`forecast overrun ${fmt(sp.overrunPercent)}% of the limit (${mode})`);
  if (cuts && actions.length > budgetActionsBefore) st.lastBudgetStepAt = now;
}

/**
 * The level's floor: MinSize raised to the plan's floor (within the cap), and back down to the
 * original when the plan drops it, only while MinSize is still the one this lever set (a floor
 * another writer set, the predictive scaler's or a schedule's, is never lowered: MinSize is not a
 * budget lever). Raised and released only with utilization data. Merged into the run's set-capacity action when
 * the cap moves too.
 */
function applyLevelFloor(ctx: DecisionContext, planned: number | undefined, reason: string, hasData: boolean): void {
  const { input, st, orig, restoreMax, actions } = ctx;
  const { group } = input;
  const i = actions.findIndex((a) => a.kind === 'set-capacity');
  const prev = i >= 0 ? (actions[i] as SetCapacityAction) : undefined;
  const maxSize = prev?.maxSize ?? st.cap ?? restoreMax;
  const minNow = prev?.minSize ?? group.minSize;
  const ours = st.floor !== undefined && group.minSize === st.floor;
  if (st.floor !== undefined && !ours) delete st.floor; // moved by another writer: theirs now
  let next: number | undefined;
  if (planned !== undefined && hasData && Math.min(planned, maxSize) > minNow) next = Math.min(planned, maxSize);
  // Released only with utilization data: without it the level judges no split (every loss is 0)
  // and drops the floor, which is the missing data, not the plan (missing data never lowers MinSize).
  else if (ours && hasData && (planned ?? 0) < minNow) next = Math.min(maxSize, Math.max(orig.minSize, planned ?? 0));
  if (next === undefined || next === minNow) return;
  const desired = group.desiredCapacity < next ? next : prev?.desiredCapacity;
  const action: SetCapacityAction = {
    kind: 'set-capacity',
    minSize: next,
    maxSize,
    ...(desired !== undefined ? { desiredCapacity: desired } : {}),
    reason: `${prev ? `${prev.reason}; ` : `${reason}: `}MinSize ${minNow} -> ${next} (${next > orig.minSize ? "the level's floor" : 'original'})`,
  };
  if (prev) actions[i] = action;
  else actions.push(action);
  if (next > orig.minSize) st.floor = next;
  else delete st.floor;
}
