import type { DecisionContext } from './decision-context';
import type { SpendPlan } from './spend-plan';

/** Most points the spend plan lowers the CPU target in one run. */
const MAX_TARGET_MOVE = 5;

/**
 * Moves the CPU target toward the spend plan's: up at once (spending less is always safe for the
 * budget), down at most MAX_TARGET_MOVE points per run (one low forecast must not swing the group
 * back and forth), never above the policy's maximum nor below the original.
 */
export function planTarget(ctx: DecisionContext, sp: SpendPlan, baseTarget: number): void {
  const { input, st, actions } = ctx;
  const { policy, group } = input;
  if (!policy.targetUtilization || group.targetUtilization === undefined) return;
  const cur = group.targetUtilization;
  const planned = Math.min(Math.max(baseTarget, policy.targetUtilization.maxPercent), Math.max(baseTarget, sp.targetPercent));
  const next = Math.round(Math.max(cur - MAX_TARGET_MOVE, planned) * 10) / 10;
  if (Math.abs(next - cur) >= 0.5 || (next !== cur && next === baseTarget)) {
    actions.push({
      kind: 'set-target-utilization',
      percent: next,
      reason: `${sp.reason}: CPU target ${cur}% -> ${next}%${next === baseTarget ? ' (original)' : ''}`,
    });
    if (next > baseTarget) st.targetUtilization = next;
    else delete st.targetUtilization;
  }
}

/** Raises the CPU target one step under budget pressure (not above the policy's maximum). */
export function raiseTarget(ctx: DecisionContext, why: string): void {
  const { input, st, actions, notes } = ctx;
  const { policy, group } = input;
  if (!policy.targetUtilization || group.targetUtilization === undefined) return;
  const cur = group.targetUtilization;
  const next = Math.min(policy.targetUtilization.maxPercent, cur + policy.targetUtilization.stepPercent);
  if (next > cur) {
    actions.push({ kind: 'set-target-utilization', percent: next, reason: `${why}: raising target utilization ${cur}% -> ${next}%` });
    st.targetUtilization = next;
  } else notes.push(`target utilization already at its highest allowed (${cur}%)`);
}

/** Restores the CPU target one step toward the original, when the controller raised it. */
export function restoreTarget(ctx: DecisionContext, why: string): void {
  const { input, st, orig, actions } = ctx;
  const { targetUtilization } = input.policy;
  if (st.targetUtilization === undefined || orig.targetUtilization === undefined || !targetUtilization) return;
  const next = Math.max(orig.targetUtilization, st.targetUtilization - targetUtilization.stepPercent);
  actions.push({
    kind: 'set-target-utilization',
    percent: next,
    reason: `${why}: restoring target utilization ${st.targetUtilization}% -> ${next}% (original ${orig.targetUtilization}%)`,
  });
  if (next <= orig.targetUtilization) delete st.targetUtilization;
  else st.targetUtilization = next;
}
