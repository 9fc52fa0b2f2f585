import type { DecisionContext } from './decision-context';

/**
 * Shifts the on-demand share one step toward Spot (not below the policy's least share), for a group
 * with a Spot policy and an on-demand share. With `noteAtLowest`, a share already at its least is noted.
 */
export function shiftTowardSpot(ctx: DecisionContext, why: string, noteAtLowest: boolean): void {
  const { input, st, actions, notes } = ctx;
  const { spot } = input.policy;
  const current = input.group.onDemandPercent;
  if (!spot || current === undefined) return;
  const cur = st.onDemandPercent ?? current;
  const next = Math.max(spot.minOnDemandPercent, cur - spot.stepPercent);
  if (next < cur) {
    actions.push({ kind: 'set-on-demand-percent', percent: next, reason: `${why}: shifting on-demand share ${cur}% -> ${next}% toward Spot` });
    st.onDemandPercent = next;
  } else if (noteAtLowest) notes.push(`on-demand share already at its lowest allowed (${cur}%)`);
}

/** Restores the on-demand share one step toward the original, when the controller lowered it. */
export function restoreOnDemand(ctx: DecisionContext, why: string): void {
  const { input, st, orig, actions } = ctx;
  const { spot } = input.policy;
  if (st.onDemandPercent === undefined || orig.onDemandPercent === undefined || !spot) return;
  const next = Math.min(orig.onDemandPercent, st.onDemandPercent + spot.stepPercent);
  actions.push({
    kind: 'set-on-demand-percent',
    percent: next,
    reason: `${why}: restoring on-demand share ${st.onDemandPercent}% -> ${next}% (original ${orig.onDemandPercent}%)`,
  });
  if (next >= orig.onDemandPercent) delete st.onDemandPercent;
  else st.onDemandPercent = next;
}
