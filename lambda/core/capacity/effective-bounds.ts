/**
 * The one precedence rule for an Auto Scaling group's MinSize, MaxSize and desired capacity.
 * Both scaler handlers call it: the predictive scaler to clamp each scheduled MinSize to the
 * MaxSize in force when it runs, the cost optimizer to compute the bounds it writes. Pure: no
 * AWS imports, no Node built-ins. The table "who wins and why" is in docs/capacity-model.md.
 *
 * Layers, from the strongest:
 * 1. The user's configuration at that time: the configured bounds as replaced by the group's own
 *    scheduled actions in force (the latest occurrence of each recurrence that sets the value).
 *    Nothing exceeds its MaxSize; nothing undoes its MinSize (a cap never goes below it).
 * 2. The emergency floor (what the observed load needs at the emergency utilization): the
 *    budget cap never goes below it.
 * 3. The caps of the cost optimizer: the off-hours hold, then the budget cap.
 * 4. The floors under the caps: the predictive floor, the cost optimizer's level floor (the higher
 *    of the two) and the off-hours floor (which replaces both); clamped to the cap.
 * 5. Target tracking's desired capacity, clamped into the bounds (off-hours: held at MinSize).
 */
import type { BaselineSchedule, GroupBaseline } from '../../contract/group-baseline';
import { type Cron, lastOccurrence, occurrencesBetween, parseCron } from './cron';

/** Who set a bound. */
export type BoundSource =
  'configured' | `schedule:${string}` | 'budget-cap' | 'budget-floor' | 'emergency-floor' | 'off-hours' | 'predictive-floor' | 'target-tracking';

/** The user's configuration at one time: configured bounds as the group's own schedules leave them. */
export interface ScheduledBounds {
  readonly minSize: number;
  readonly maxSize: number;
  /** The desired capacity the latest schedule set, if any set one. */
  readonly desiredCapacity?: number;
  readonly minFrom: BoundSource;
  readonly maxFrom: BoundSource;
}

const parsed = new Map<string, Cron>();
function cronOf(s: BaselineSchedule): Cron {
  let c = parsed.get(s.recurrence);
  if (!c) {
    c = parseCron(s.recurrence);
    parsed.set(s.recurrence, c);
  }
  return c;
}

const within = (s: BaselineSchedule, t: number) =>
  (s.startTime === undefined || t >= Date.parse(s.startTime)) && (s.endTime === undefined || t <= Date.parse(s.endTime));

/**
 * When a schedule runs in (from, to], ascending: each occurrence of its recurrence between its
 * StartTime and EndTime, and, as AWS documents for a recurrence with a StartTime, once at the
 * StartTime itself ("performs the action at this time, and then performs the action based on
 * the specified recurrence").
 */
export function scheduleFirings(s: BaselineSchedule, from: number, to: number): number[] {
  const out = occurrencesBetween(cronOf(s), from, to, s.timeZone).filter((t) => within(s, t));
  const start = s.startTime === undefined ? undefined : Date.parse(s.startTime);
  if (start !== undefined && start > from && start <= to && within(s, start) && !out.includes(start)) {
    out.push(start);
    out.sort((a, b) => a - b);
  }
  return out;
}

/** When a schedule last ran at or before `at` (its StartTime counts as a run), undefined if never. */
export function lastFiring(s: BaselineSchedule, at: number): number | undefined {
  const end = s.endTime !== undefined ? Math.min(at, Date.parse(s.endTime)) : at;
  const occ = lastOccurrence(cronOf(s), end, s.timeZone);
  const start = s.startTime === undefined ? undefined : Date.parse(s.startTime);
  const fromCron = occ !== undefined && within(s, occ) ? occ : undefined;
  const fromStart = start !== undefined && start <= end && within(s, start) ? start : undefined;
  if (fromCron === undefined) return fromStart;
  return fromStart === undefined ? fromCron : Math.max(fromCron, fromStart);
}

/** When each schedule last fired at or before `at` (within its start/end time). */
function lastFired(baseline: GroupBaseline, at: number): Array<{ s: BaselineSchedule; t: number }> {
  const out: Array<{ s: BaselineSchedule; t: number }> = [];
  for (const s of baseline.schedules) {
    const t = lastFiring(s, at);
    if (t !== undefined) out.push({ s, t });
  }
  // Oldest first: a later occurrence overrides an earlier one; same minute: listed order.
  return out.sort((a, b) => a.t - b.t);
}

/**
 * The user's bounds at `at`: the configured MinSize/MaxSize, each replaced by the latest of the
 * group's own scheduled actions that sets it. A schedule that would set MinSize above the MaxSize
 * in force is refused by AWS; here MinSize is kept at most MaxSize.
 */
export function scheduledBounds(baseline: GroupBaseline, at: number): ScheduledBounds {
  let minSize = baseline.minSize;
  let maxSize = baseline.maxSize;
  let desiredCapacity: number | undefined;
  let minFrom: BoundSource = 'configured';
  let maxFrom: BoundSource = 'configured';
  for (const { s } of lastFired(baseline, at)) {
    if (s.maxSize !== undefined) {
      maxSize = s.maxSize;
      maxFrom = `schedule:${s.name}`;
    }
    if (s.minSize !== undefined) {
      minSize = s.minSize;
      minFrom = `schedule:${s.name}`;
    }
    if (s.desiredCapacity !== undefined) desiredCapacity = s.desiredCapacity;
  }
  if (minSize > maxSize) minSize = maxSize;
  return { minSize, maxSize, ...(desiredCapacity !== undefined ? { desiredCapacity } : {}), minFrom, maxFrom };
}

/**
 * The highest MinSize the group's own schedules set in (from, to]: a cap must not be below it
 * when the schedule fires, or AWS refuses the scheduled action ("MinSize would exceed MaxSize").
 */
export function upcomingScheduledFloor(baseline: GroupBaseline, from: number, to: number): number {
  let floor = 0;
  for (const s of baseline.schedules) {
    if (s.minSize === undefined) continue;
    const occ = scheduleFirings(s, from, to);
    // The schedule's own MaxSize (if it sets one) lands with it: no cap needed for its floor.
    if (occ.length > 0 && s.maxSize === undefined) floor = Math.max(floor, s.minSize);
  }
  return floor;
}

/** The times in (from, to] at which the group's own schedules set MinSize or MaxSize. */
export function scheduleChangeTimes(baseline: GroupBaseline, from: number, to: number): number[] {
  const out = new Set<number>();
  for (const s of baseline.schedules) {
    if (s.minSize === undefined && s.maxSize === undefined) continue;
    for (const t of scheduleFirings(s, from, to)) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

/** Everything that bounds the group at one time. */
export interface CapacityLayers {
  /** Epoch ms. */
  readonly at: number;
  /** The configured bounds and the group's own schedules (from the construct). */
  readonly baseline: GroupBaseline;
  /** The predictive scaler's MinSize for that time. */
  readonly predictiveFloor?: number;
  /** The cost optimizer's level floor: a MinSize under the caps, the money the CPU target leaves spent on the troughs. */
  readonly budgetFloor?: number;
  /** Present outside working hours: the group is held at this capacity. */
  readonly offHoursFloor?: number;
  /** The cost optimizer's MaxSize cap under budget pressure. */
  readonly budgetCap?: number;
  /** Instances the observed load needs at the emergency utilization: the lowest the budget cap may go. */
  readonly emergencyFloor?: number;
  /**
   * Floors already scheduled by the predictive scaler before the cap was decided (its pending
   * actions' MinSize): the caps never go below them, or those actions would fail when due.
   */
  readonly pendingFloor?: number;
  /** The desired capacity target tracking has set. */
  readonly desiredCapacity?: number;
}

/** The bounds in force, and who set each. */
export interface EffectiveCapacity {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly minFrom: BoundSource;
  readonly maxFrom: BoundSource;
  /** The user's bounds at that time (layer 1). */
  readonly scheduled: ScheduledBounds;
}

const count = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? undefined : Math.max(0, Math.round(x)));

/** The precedence rule (see the module comment and docs/capacity-model.md). */
export function effectiveCapacity(layers: CapacityLayers): EffectiveCapacity {
  const sched = scheduledBounds(layers.baseline, layers.at);
  const cap = count(layers.budgetCap);
  const emergency = count(layers.emergencyFloor);
  const off = count(layers.offHoursFloor);
  const predictive = count(layers.predictiveFloor);
  const pending = count(layers.pendingFloor);
  const levelFloor = count(layers.budgetFloor);

  let maxSize = sched.maxSize;
  let maxFrom: BoundSource = sched.maxFrom;
  if (cap !== undefined) {
    const c = Math.max(cap, emergency ?? 0);
    if (c < maxSize) {
      maxSize = c;
      maxFrom = c === cap ? 'budget-cap' : 'emergency-floor';
    }
  }
  if (off !== undefined && off < maxSize) {
    maxSize = off;
    maxFrom = 'off-hours';
  }
  // Caps never make a pending scheduled floor fail, and never undo the user's MinSize.
  if (pending !== undefined && pending > maxSize) {
    maxSize = Math.min(pending, sched.maxSize);
    maxFrom = 'predictive-floor';
  }
  if (sched.minSize > maxSize) {
    maxSize = sched.minSize;
    maxFrom = sched.minFrom;
  }

  let minSize = sched.minSize;
  let minFrom: BoundSource = sched.minFrom;
  if (off !== undefined && off > minSize) {
    minSize = off;
    minFrom = 'off-hours';
  }
  if (off === undefined && predictive !== undefined && predictive > minSize) {
    minSize = predictive;
    minFrom = 'predictive-floor';
  }
  if (off === undefined && levelFloor !== undefined && levelFloor > minSize) {
    minSize = levelFloor;
    minFrom = 'budget-floor';
  }
  if (minSize > maxSize) {
    minSize = maxSize;
    minFrom = maxFrom;
  }

  const wanted = off !== undefined ? minSize : (count(layers.desiredCapacity) ?? sched.desiredCapacity ?? minSize);
  const desiredCapacity = Math.min(maxSize, Math.max(minSize, wanted));
  return { minSize, maxSize, desiredCapacity, minFrom, maxFrom, scheduled: sched };
}

/**
 * The MinSize to write after a fresh read, when the value was planned from an earlier read: a
 * floor that landed in between (a scheduled action ran) is kept, one released in between is not
 * raised again; never above `maxSize`.
 */
export function minSizeAfterFreshRead(planned: number, readBefore: number, readNow: number, maxSize: number): number {
  let m: number;
  if (planned === readBefore)
    m = readNow; // the plan kept the floor: keep whatever is there now
  else if (readNow > readBefore)
    m = Math.max(planned, readNow); // a floor was raised in between
  else m = planned;
  return Math.min(m, maxSize);
}
