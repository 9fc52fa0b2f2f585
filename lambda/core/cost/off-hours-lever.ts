import { clamp, type DecisionContext } from './decision-context';
import { localTime, workingCapacityNeeded } from './working-hours';

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * The off-hours floor for non-production environments: outside working hours the group is held
 * at the floor; shortly before they begin, the bounds in force before off-hours are restored.
 * Returns true when the run ends here (the budget and vertical levers wait).
 */
export function applyOffHours(ctx: DecisionContext): boolean {
  const { input, st, orig, floor, restoreMax, actions, notes } = ctx;
  const { now, policy } = input;
  if (!policy.offHours) return false;
  const wh = policy.offHours.workingHours;
  const needed = workingCapacityNeeded(now, wh, policy.offHours.restoreLeadMs);
  const local = localTime(now, wh);
  const where = `local time ${hhmm(local.minute)} day ${local.day}, working hours ${hhmm(wh.startMinute)}-${hhmm(wh.endMinute)} on days ${wh.days.join(',')}`;
  if (!needed) {
    if (st.offHoursCapacity === undefined) {
      st.offHoursCapacity = floor;
      actions.push({
        kind: 'set-capacity',
        minSize: floor,
        maxSize: floor,
        desiredCapacity: floor,
        reason: `off-hours (${where}): holding the floor of ${floor} instance(s) until working hours`,
      });
    } else {
      notes.push(`off-hours (${where}): group held at ${st.offHoursCapacity}`);
    }
    notes.push('budget and vertical levers wait for working hours');
    return true;
  }
  if (st.offHoursCapacity !== undefined) {
    delete st.offHoursCapacity;
    const maxSize = Math.max(floor, Math.min(st.cap ?? restoreMax, restoreMax));
    const minSize = Math.min(orig.minSize, maxSize);
    actions.push({
      kind: 'set-capacity',
      minSize,
      maxSize,
      desiredCapacity: clamp(orig.desiredCapacity, minSize, maxSize),
      reason: `working hours begin within ${Math.round(policy.offHours.restoreLeadMs / 60000)} min (${where}): restoring ${minSize}/${maxSize} (min/max)${st.cap !== undefined ? ' under the budget cap' : ''}`,
    });
    notes.push('budget and vertical levers wait for the next run after restoring from off-hours');
    return true;
  }
  return false;
}
