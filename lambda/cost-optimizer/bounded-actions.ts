/** The cost decision's capacity action within the one precedence rule, on a fresh read of the group. */
import { effectiveCapacity, minSizeAfterFreshRead, upcomingScheduledFloor } from '../core/capacity';
import type { CostAction, CostDecision, CostState, GroupSnapshot, SetCapacityAction } from '../core/cost';
import type { OptimizerConfig } from './config';
import type { CostDependencies } from './run-types';
import { holdOf } from './lanes';
import { readGroup, readPendingFloor } from './observe';

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
export async function boundedActions(
  c: OptimizerConfig,
  deps: CostDependencies,
  now: number,
  decision: CostDecision,
  prev: CostState | undefined,
  before: GroupSnapshot,
  untrustedMaxSizes: readonly number[],
): Promise<CostAction[]> {
  const decided = decision.actions.find((a): a is SetCapacityAction => a.kind === 'set-capacity');
  const others = decision.actions.filter((a) => a.kind !== 'set-capacity');
  const fresh = await readGroup(deps.autoScaling, c.groupName);
  const live = { minSize: fresh.MinSize!, maxSize: fresh.MaxSize!, desiredCapacity: fresh.DesiredCapacity! };
  // An operator's change (or pause) that landed since the first read is adopted, not written over;
  // judged as the first read was (a MaxSize an unsigned 0.2.0 tag explains is the controller's).
  const hold = holdOf(c, fresh, now, prev, untrustedMaxSizes);
  if (hold) {
    decision.notes.push(`operator hold found on the read before writing: ${hold.reason}`);
    return [];
  }
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
    // The load's emergency floor holds the cap up only in availability-first mode: in hard mode the
    // budget is a limit and capacity gives way down to the floor (the decision's cap already is).
    ...(decision.plan.minimumCapForLoad !== undefined && c.policy.budgetMode === 'availability-first'
      ? { emergencyFloor: decision.plan.minimumCapForLoad }
      : {}),
    ...(pending > 0 ? { pendingFloor: pending } : {}),
    // MinSize is not a cost lever: a floor in place (a predictive or scheduled one) is kept under
    // the cap, except the controller's own off-hours floor when it restores.
    // (the level's floor this controller set is its own layer, released when the plan drops it).
    ...(restoring || (prev?.floor !== undefined && live.minSize === prev.floor) ? {} : { predictiveFloor: live.minSize }),
    ...(st.floor !== undefined ? { budgetFloor: st.floor } : {}),
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
