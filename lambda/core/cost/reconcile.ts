import type { DecisionContext, MutableOriginal, MutableState } from './decision-context';
import { hasOverrides } from './decision-context';
import type { CostDecisionInput, CostState, GroupSnapshot } from './types';

const TARGET_MEAN_TAU_MS = 12 * 3_600_000;

/** The group's settings as found, as originals. */
function snapshot(group: GroupSnapshot): MutableOriginal {
  return {
    // AWS never reports MinSize > MaxSize, an emulator may: the state never records it (it would
    // be an unreadable tag, and a restore AWS refuses).
    minSize: Math.min(group.minSize, group.maxSize),
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    ...(group.targetUtilization !== undefined ? { targetUtilization: group.targetUtilization } : {}),
    ...(group.onDemandPercent !== undefined ? { onDemandPercent: group.onDemandPercent } : {}),
  };
}

/**
 * Brings the remembered state in line with the group as found. A setting that is not what the
 * controller last applied was changed by someone else (a deployment, an operator): that value
 * becomes the new original and the controller's override of it is dropped.
 */
export function reconcile(prev: CostState | undefined, group: GroupSnapshot, notes: string[], fromBaseline: boolean): MutableState {
  const st: MutableState = { ...(prev ?? {}) };
  // A change the last run wrote ahead and did not confirm: told apart from an outside change below, then done with.
  const pendingTarget = st.pendingTargetUtilization;
  const pendingOnDemand = st.pendingOnDemandPercent;
  delete st.pendingTargetUtilization;
  delete st.pendingOnDemandPercent;
  if (!st.original || (!hasOverrides(st) && pendingTarget === undefined && pendingOnDemand === undefined)) {
    delete st.original;
    delete st.cap;
    delete st.targetUtilization;
    delete st.onDemandPercent;
    delete st.offHoursCapacity;
    delete st.floor;
    return st;
  }
  const orig: MutableOriginal = { ...st.original };
  const expMax = st.offHoursCapacity ?? st.cap ?? orig.maxSize;
  const expMin = st.offHoursCapacity ?? st.floor ?? Math.min(orig.minSize, expMax);
  if (fromBaseline) {
    // The originals come from the construct's baseline: the bounds the controller intends are
    // its state, and the handler converges the group to them (a run that died between its
    // writes is completed, not adopted).
  } else if (group.maxSize !== expMax) {
    notes.push(
      `MinSize/MaxSize are ${group.minSize}/${group.maxSize}, not the ${expMin}/${expMax} last applied: changed outside the controller, adopted as the original settings`,
    );
    orig.minSize = Math.min(group.minSize, group.maxSize);
    orig.maxSize = group.maxSize;
    orig.desiredCapacity = group.desiredCapacity;
    delete st.cap;
    delete st.floor;
    delete st.offHoursCapacity;
  } else if (group.minSize !== expMin) {
    // MinSize moves under the cap by design: scheduled actions (the predictive scaler's raised
    // floors) set it. Taking that as an outside change would drop the cap and adopt the capped
    // MaxSize and a raised floor as the originals (a ratchet): the overrides and originals stay.
    notes.push(
      `MinSize is ${group.minSize}, not the ${expMin} last applied, under the MaxSize ${expMax} last applied: a scheduled action (e.g. the predictive scaler) or an operator moved the floor; overrides and original settings kept`,
    );
  }
  reconcileSetting(st, orig, 'targetUtilization', 'target utilization', group.targetUtilization, pendingTarget, notes);
  reconcileSetting(st, orig, 'onDemandPercent', 'on-demand percentage', group.onDemandPercent, pendingOnDemand, notes);
  st.original = orig;
  return st;
}

/**
 * The CPU target or on-demand share as found, against the one the state last applied: the value a
 * change written ahead sets (`pending`) is the controller's, whichever of the two the group has
 * (the run that made the change stopped before it confirmed it, or the call failed); any other
 * value was set outside the controller and becomes the original.
 */
function reconcileSetting(
  st: MutableState,
  orig: MutableOriginal,
  key: 'targetUtilization' | 'onDemandPercent',
  label: string,
  found: number | undefined,
  pending: number | undefined,
  notes: string[],
): void {
  const expected = st[key] ?? orig[key];
  if (found === expected) {
    if (pending !== undefined && pending !== found)
      notes.push(`${label} is ${found ?? 'unset'}: the change to ${pending} the last run wrote ahead never reached the group; decided again`);
    return;
  }
  if (found !== undefined && found === pending) {
    notes.push(`${label} is ${found}, not the ${expected ?? 'unset'} last confirmed: the change the last run wrote ahead reached the group`);
    if (found === orig[key]) delete st[key];
    else st[key] = found;
    return;
  }
  if (st[key] !== undefined || found !== undefined) {
    notes.push(`${label} is ${found ?? 'unset'}, not the ${expected ?? 'unset'} last applied: adopted as the original`);
  }
  if (found === undefined) delete orig[key];
  else orig[key] = found;
  delete st[key];
}

/** Whether the run keeps the mean CPU target in force: only the usage-history forecast reads it. */
export function tracksTargetMean(input: CostDecisionInput): boolean {
  return (input.usageHistory?.length ?? 0) > 0;
}

/**
 * The exponential mean (12 h) of the CPU target in force, kept while it differs from the current
 * target by 0.1 point or more: the target read now has been in force since the last run.
 */
export function updateTargetMean(st: MutableState, now: number, current: number | undefined): void {
  if (current === undefined) {
    delete st.targetMean;
    return;
  }
  const prev = st.targetMean;
  if (!prev) return;
  const a = 1 - Math.exp(-Math.max(0, now - prev.t) / TARGET_MEAN_TAU_MS);
  const percent = Math.round((prev.percent + a * (current - prev.percent)) * 100) / 100;
  if (Math.abs(percent - current) < 0.1) delete st.targetMean;
  else st.targetMean = { percent, t: now };
}

/**
 * The original settings the run restores toward: those the state remembers (or the group as found),
 * with the bounds taken from the construct's baseline when the handler passes one.
 */
export function originalSettings(st: MutableState, input: CostDecisionInput): MutableOriginal {
  const { group } = input;
  const orig: MutableOriginal = st.original ? { ...st.original } : snapshot(group);
  if (input.baseline) {
    const b = input.baseline;
    orig.minSize = Math.min(b.minSize, b.maxSize);
    orig.maxSize = b.maxSize;
    orig.desiredCapacity = Math.min(b.maxSize, Math.max(orig.minSize, b.desiredCapacity ?? group.desiredCapacity));
  }
  return orig;
}

/**
 * A redeploy that removed a setting returns the group to what the remaining settings say: the
 * off-hours hold is released when `workingHours` is gone, and a CPU target the controller raised is
 * set back to the original when `targetUtilization` is gone (the state keeps the original until
 * then). Returns true when the run ends here (the other levers wait for the next run).
 */
export function restoreRemovedSettings(ctx: DecisionContext): boolean {
  const { input, st, orig, floor, restoreMax, actions, notes } = ctx;
  const { policy, group } = input;
  let acted = false;
  if (st.offHoursCapacity !== undefined && !policy.offHours) {
    delete st.offHoursCapacity;
    const maxSize = Math.max(floor, Math.min(st.cap ?? restoreMax, restoreMax));
    const minSize = Math.min(orig.minSize, maxSize);
    actions.push({
      kind: 'set-capacity',
      minSize,
      maxSize,
      desiredCapacity: Math.min(maxSize, Math.max(minSize, orig.desiredCapacity)),
      reason: `workingHours is no longer configured: releasing the off-hours hold, restoring ${minSize}/${maxSize} (min/max)`,
    });
    acted = true;
  }
  if (st.targetUtilization !== undefined && !policy.targetUtilization) {
    const original = orig.targetUtilization;
    delete st.targetUtilization;
    if (original !== undefined && group.targetUtilization !== undefined && group.targetUtilization !== original) {
      actions.push({
        kind: 'set-target-utilization',
        percent: original,
        reason: `targetUtilization is no longer configured: restoring the CPU target ${group.targetUtilization}% -> ${original}% (original)`,
      });
      acted = true;
    } else if (group.targetUtilization === undefined) {
      notes.push('targetUtilization is no longer configured and the group has no single CPU target tracking policy: the raised target is forgotten');
    }
  }
  if (acted) notes.push('budget and vertical levers wait for the next run after a removed setting was restored');
  return acted;
}
