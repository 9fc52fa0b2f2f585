import { raiseSaturated, setCap, type BudgetView } from './cap-lever';
import { fmt, type DecisionContext } from './decision-context';
import { restoreOnDemand, shiftTowardSpot } from './spot-lever';
import { planTarget } from './target-lever';
import type { UsagePlan } from './usage-plan';

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
  {
    const wantMin = Math.min(st.cap ?? restoreMax, Math.max(ctx.orig.minSize, sp.floor ?? 0));
    if (wantMin !== group.minSize && loadFloor !== undefined && !actions.some((a) => a.kind === 'set-capacity')) {
      const max = st.cap ?? restoreMax;
      actions.push({
        kind: 'set-capacity',
        minSize: wantMin,
        maxSize: max,
        ...(group.desiredCapacity < wantMin ? { desiredCapacity: wantMin } : {}),
        reason: `${sp.reason}: MinSize ${group.minSize} -> ${wantMin}`,
      });
    }
  }
  if (sp.overrunPercent > 0) notes.push(`forecast overrun ${fmt(sp.overrunPercent)}% of the limit (${mode})`);
  if (cuts && actions.length > budgetActionsBefore) st.lastBudgetStepAt = now;
}
