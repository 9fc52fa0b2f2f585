/**
 * Turns a capacity plan into what the Auto Scaling group gets: an immediate desired capacity
 * (only ever a raise) and one-time scheduled actions under the scaler's own name prefix. Pure:
 * no AWS imports, unit tested with plain data.
 *
 * How the plan maps to the group:
 * - A plan's `minCapacity` becomes a scheduled action's `MinSize` (the floor target tracking
 *   cannot scale in below; AWS raises the desired capacity to a higher MinSize). It never sets
 *   `MaxSize`, and every `MinSize` is clamped to [configured MinSize, live MaxSize], so MinSize
 *   <= MaxSize holds when the action runs unless someone lowers MaxSize in between.
 * - A plan's `desiredCapacity` becomes the action's `DesiredCapacity`, clamped to [the floor in
 *   effect, live MaxSize].
 * - What the plan wants now (actions due before `now + minLeadMs`, as AWS rejects start times in
 *   the past) is applied at once as SetDesiredCapacity, and only when above the live desired
 *   capacity: an immediate change never lowers capacity. The floor wanted now is held by a
 *   scheduled action at the first allowed minute.
 * - A trailing action restores the configured MinSize when the plan's horizon ends, so a raised
 *   floor never outlives the plan if the function stops running. Every run replaces it.
 * - At most `maxActions` actions are kept (AWS allows 125 scheduled actions per group, shared
 *   with other owners): the cheapest adjacent floors are merged by keeping the higher one,
 *   which only ever raises the plan.
 */
import type { PlanOutput } from '../core';
import type { EffectiveCapacity } from '../core/capacity';

const MINUTE_MS = 60_000;

/** The live group, as DescribeAutoScalingGroups reports it. */
export interface GroupState {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly inService?: number;
}

/** A one-time scheduled action owned by the scaler. */
export interface OwnAction {
  readonly name: string;
  /** Epoch ms, a whole minute. */
  readonly startTime: number;
  readonly minSize?: number;
  readonly desiredCapacity?: number;
  /** Only read from existing actions: the scaler never sets it. */
  readonly maxSize?: number;
}

export interface ActionPlanOptions {
  /** Epoch ms the plan was made at. */
  readonly now: number;
  /** The group's configured MinSize; undefined takes the live MinSize. */
  readonly baseMinCapacity?: number;
  /** Name prefix of the scaler's actions. */
  readonly prefix: string;
  /** Most actions kept, the trailing one included (>= 2). */
  readonly maxActions: number;
  /** Seconds the plan must reach past now: the trailing action restores MinSize no earlier. */
  readonly horizonSeconds: number;
  /** Earliest start of a scheduled action after now (AWS rejects start times in the past). @default 60 s */
  readonly minLeadMs?: number;
  /**
   * The wall clock when the run acts, if later than `now` (a run that started late): scheduled
   * actions start no earlier than this plus `minLeadMs`. @default now
   */
  readonly actingAt?: number;
  /**
   * Start times of other owners' scheduled actions on the group: the scaler's actions avoid their
   * minutes (a raise moves a minute earlier when it can, anything else a minute later).
   */
  readonly avoid?: readonly number[];
  /**
   * The precedence rule at a time for a predictive floor (the core's `effectiveCapacity` with the
   * group's own schedules and the cost optimizer's caps): each action's MinSize becomes the
   * effective MinSize at its start time, so that it never undoes the group's own scheduled floor
   * and never exceeds the MaxSize in force then.
   */
  readonly boundsAt?: (at: number, predictiveFloor: number) => EffectiveCapacity;
  /**
   * When the group's own schedules set MinSize within the horizon: where the predictive floor is
   * higher than what such a schedule sets, it is set again one minute after it.
   */
  readonly scheduleChanges?: readonly number[];
}

/** What the plan asks of the group. */
export interface ActionPlan {
  /** The floor the group's MinSize is released to: the configured MinSize in force now, <= MaxSize. */
  readonly baseMin: number;
  /** What the plan wants in service now (floor or desired), clamped to the group's bounds. */
  readonly neededNow: number;
  /** SetDesiredCapacity now: set only when above the live desired capacity. */
  readonly immediateDesired?: number;
  /** The scheduled actions, by start time, each at least `minLeadMs` after now. */
  readonly actions: OwnAction[];
  /** The highest MinSize or desired capacity the schedule asks for. */
  readonly peak: number;
  /** Plan values moved into the group's bounds. */
  readonly clamped: number;
  /** Actions merged away to stay within `maxActions`. */
  readonly merged: number;
  /** Plan entries without a finite time or value, ignored. */
  readonly invalid: number;
}

/** The scaler's name for an action starting at `startTime`: the prefix and the UTC minute. */
export function actionName(prefix: string, startTime: number): string {
  const iso = new Date(startTime).toISOString(); // 2026-11-27T04:10:00.000Z
  return `${prefix}${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

interface Step {
  at: number;
  minSize?: number;
  desired?: number;
}

/**
 * The floor a plan starts from and is released to: the configured MinSize in force (the
 * construct's baseline with the group's own schedules), never the live one when it is known (a
 * live MinSize raised by the group's own schedule is not the scaler's to release); the live one
 * only when the configured one is unknown; never above MaxSize.
 */
export function baseMinCapacity(group: GroupState, configured?: number): number {
  const max = Math.max(0, Math.floor(group.maxSize));
  const liveMin = clamp(Math.ceil(group.minSize), 0, max);
  return clamp(configured ?? liveMin, 0, max);
}

/**
 * The configured MinSize when it is not configured (BASE_MIN_CAPACITY unset): the live MinSize
 * may be a floor the scaler raised itself, and taking it as the base would ratchet the floor up
 * run after run (the trailing action would "restore" the raised floor). The scaler's own pending
 * actions end with that release to the previous run's base, so the lowest MinSize among them
 * bounds the base; `baseMinCapacity` then takes the lower of it and the live MinSize. Without
 * pending actions of its own (first run, or after the horizon ran out) the live MinSize is the base.
 */
export function ownReleaseFloor(own: readonly OwnAction[]): number | undefined {
  const floors = own.map((a) => a.minSize).filter((m): m is number => typeof m === 'number' && Number.isFinite(m) && m >= 0);
  return floors.length > 0 ? Math.min(...floors) : undefined;
}

/** Maps a plan onto the live group (see the module comment for the rules). */
export function planActions(plan: PlanOutput, group: GroupState, opts: ActionPlanOptions): ActionPlan {
  const max = Math.max(0, Math.floor(group.maxSize));
  const liveMin = clamp(Math.ceil(group.minSize), 0, max);
  const baseMin = baseMinCapacity(group, opts.baseMinCapacity);
  const minLead = opts.minLeadMs ?? MINUTE_MS;
  const firstAt = Math.ceil((Math.max(opts.now, opts.actingAt ?? opts.now) + minLead) / MINUTE_MS) * MINUTE_MS;
  let clamped = 0;
  let invalid = 0;
  const fit = (v: number, lo: number) => {
    const r = clamp(Math.round(v), lo, max);
    if (r !== Math.round(v)) clamped++;
    return r;
  };

  const entries = (Array.isArray(plan?.schedule) ? plan.schedule : [])
    .filter((a) => {
      const ok =
        a !== null &&
        typeof a === 'object' &&
        Number.isFinite(a.at) &&
        (a.minCapacity === undefined || Number.isFinite(a.minCapacity)) &&
        (a.desiredCapacity === undefined || Number.isFinite(a.desiredCapacity)) &&
        (a.minCapacity !== undefined || a.desiredCapacity !== undefined);
      if (!ok) invalid++;
      return ok;
    })
    .map((a, i) => ({ ...a, at: Math.max(a.at, opts.now), i }))
    .sort((a, b) => a.at - b.at || a.i - b.i);

  // What is due now: folded in order, applied at once (raise only), floor held from firstAt.
  let floorNow = baseMin;
  let desiredNow: number | undefined;
  const future: Map<number, { minSize?: number; desired?: number }> = new Map();
  for (const a of entries) {
    if (a.at < firstAt) {
      if (a.minCapacity !== undefined) {
        floorNow = fit(a.minCapacity, baseMin);
        desiredNow = desiredNow === undefined ? undefined : Math.max(desiredNow, floorNow);
      }
      if (a.desiredCapacity !== undefined) desiredNow = fit(a.desiredCapacity, floorNow);
      continue;
    }
    const at = Math.max(firstAt, Math.floor(a.at / MINUTE_MS) * MINUTE_MS);
    const slot = future.get(at) ?? {};
    if (a.minCapacity !== undefined) slot.minSize = a.minCapacity;
    if (a.desiredCapacity !== undefined) slot.desired = a.desiredCapacity;
    future.set(at, slot);
  }
  const neededNow = Math.max(floorNow, desiredNow ?? 0);
  const immediateDesired = neededNow > group.desiredCapacity ? neededNow : undefined;

  // The schedule: the floor wanted now (when the live MinSize differs), then the plan's steps.
  const steps: Step[] = [];
  if (floorNow !== liveMin) steps.push({ at: firstAt, minSize: floorNow });
  let floor = floorNow;
  let peak = neededNow;
  for (const at of [...future.keys()].sort((x, y) => x - y)) {
    const slot = future.get(at)!;
    const step: Step = { at };
    if (slot.minSize !== undefined) {
      const m = fit(slot.minSize, baseMin);
      if (m !== floor) step.minSize = m;
      floor = m;
    }
    if (slot.desired !== undefined) step.desired = fit(slot.desired, floor);
    if (step.minSize === undefined && step.desired === undefined) continue;
    peak = Math.max(peak, step.minSize ?? 0, step.desired ?? 0);
    const last = steps[steps.length - 1];
    if (last && last.at === at) {
      // the plan's own step in the minute the held floor starts
      if (step.minSize !== undefined) last.minSize = step.minSize;
      if (step.desired !== undefined) last.desired = step.desired;
    } else {
      steps.push(step);
    }
  }

  const merged = fitCount(steps, Math.max(1, opts.maxActions - 1));
  const taken = new Set((opts.avoid ?? []).map((t) => Math.floor(t / MINUTE_MS) * MINUTE_MS));
  moveOffTaken(steps, taken, firstAt, floorNow);

  // Release the floor when the horizon ends (or after the last step).
  const lastFloor = steps.reduce((f, s) => (s.minSize !== undefined ? s.minSize : f), floorNow);
  if (lastFloor > baseMin) {
    const horizonEnd = Math.floor((opts.now + opts.horizonSeconds * 1000) / MINUTE_MS) * MINUTE_MS;
    const lastAt = steps.length ? steps[steps.length - 1].at : 0;
    let at = Math.max(firstAt, horizonEnd, lastAt + MINUTE_MS);
    while (taken.has(at)) at += MINUTE_MS;
    steps.push({ at, minSize: baseMin });
  }
  if (opts.boundsAt) applyPrecedence(steps, floorNow, baseMin, taken, opts.boundsAt, opts.scheduleChanges ?? [], firstAt);

  return {
    baseMin,
    neededNow,
    ...(immediateDesired !== undefined ? { immediateDesired } : {}),
    actions: steps.map((s) => ({
      name: actionName(opts.prefix, s.at),
      startTime: s.at,
      ...(s.minSize !== undefined ? { minSize: s.minSize } : {}),
      ...(s.desired !== undefined ? { desiredCapacity: s.desired } : {}),
    })),
    peak,
    clamped,
    merged,
    invalid,
  };
}

/**
 * Applies the precedence rule to each step in place: its MinSize becomes the effective MinSize at
 * its time for the predictive floor then in force (at least the group's own scheduled MinSize, at
 * most the MaxSize in force), its desired capacity is clamped into the effective bounds, and the
 * predictive floor is set again one minute after a schedule of the group's own that lowers
 * MinSize below it (the user's action runs; the forecast's floor is kept after it).
 */
function applyPrecedence(
  steps: Step[],
  floorNow: number,
  baseMin: number,
  taken: ReadonlySet<number>,
  boundsAt: NonNullable<ActionPlanOptions['boundsAt']>,
  scheduleChanges: readonly number[],
  firstAt: number,
): void {
  const reassert = scheduleChanges
    .map((t) => Math.floor(t / MINUTE_MS) * MINUTE_MS + MINUTE_MS)
    .filter((t) => t >= firstAt && (steps.length === 0 || t < steps[steps.length - 1].at));
  const planned = steps.map((s) => ({ ...s }));
  // A floor at the base is no raise: the group's own schedules decide MinSize then (a release
  // never holds the base of the run's start against a schedule that lowers MinSize later).
  const floorAt = (t: number) => {
    let f = floorNow;
    for (const s of planned) {
      if (s.at > t) break;
      if (s.minSize !== undefined) f = s.minSize;
    }
    return f > baseMin ? f : 0;
  };
  for (const at of reassert) {
    let t = at;
    while (taken.has(t) || steps.some((s) => s.at === t)) t += MINUTE_MS;
    if (steps.some((s) => s.at > t) && boundsAt(t, floorAt(t)).minFrom === 'predictive-floor') steps.push({ at: t, minSize: floorAt(t) });
  }
  // Before a schedule of the group's own lowers MaxSize under the floor in force, the floor comes
  // down a minute earlier (AWS would refuse the user's action otherwise).
  const changes = [...scheduleChanges].sort((a, b) => a - b);
  for (const u of changes) {
    let t = Math.floor(u / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    while (t >= firstAt && taken.has(t)) t -= MINUTE_MS;
    const f = floorAt(t);
    if (t >= firstAt && f > 0 && f > boundsAt(u, 0).maxSize && !steps.some((s) => s.at === t)) steps.push({ at: t, minSize: f });
  }
  steps.sort((a, b) => a.at - b.at);
  steps.forEach((s, i) => {
    const f = floorAt(s.at);
    const b = boundsAt(s.at, f);
    // The MinSize holds until the next step: within the MaxSize in force all that time.
    const end = i + 1 < steps.length ? steps[i + 1].at : Infinity;
    let m = b.minSize;
    for (const u of changes) if (u > s.at && u < end) m = Math.min(m, Math.max(boundsAt(u, 0).maxSize, b.scheduled.minSize));
    if (s.minSize !== undefined) s.minSize = m;
    if (s.desired !== undefined) s.desired = clamp(s.desired, m, b.maxSize);
  });
}

/**
 * Reduces `steps` to at most `limit` in place by merging floor-only steps into their predecessor
 * at the higher of the two floors, cheapest (instance-minutes added) first. Steps that set a
 * desired capacity are kept; if they alone exceed the limit the latest are dropped (the trailing
 * release then restores the configured floor after the last kept step). Returns how many steps
 * were removed.
 */
function fitCount(steps: Step[], limit: number): number {
  let removed = 0;
  while (steps.length > limit) {
    let best = -1;
    let bestCost = Infinity;
    for (let i = 1; i < steps.length; i++) {
      const prev = steps[i - 1];
      const cur = steps[i];
      if (cur.desired !== undefined || cur.minSize === undefined || prev.minSize === undefined) continue;
      const next = i + 1 < steps.length ? steps[i + 1].at : cur.at + 60 * MINUTE_MS;
      const cost = cur.minSize > prev.minSize ? (cur.minSize - prev.minSize) * (cur.at - prev.at) : (prev.minSize - cur.minSize) * (next - cur.at);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    if (best < 0) {
      removed += steps.length - limit;
      steps.length = limit;
      break;
    }
    steps[best - 1].minSize = Math.max(steps[best - 1].minSize!, steps[best].minSize!);
    steps.splice(best, 1);
    removed++;
  }
  return removed;
}

/**
 * Moves steps off minutes taken by other owners' actions, in place, keeping the steps in order and
 * one per minute: a step that raises the floor moves to the closest free minute before it (not
 * before `firstAt` nor the previous step), anything else to the closest free minute after it.
 * A step that cannot move without passing its neighbour is merged into it at the higher floor.
 */
function moveOffTaken(steps: Step[], taken: ReadonlySet<number>, firstAt: number, floorBefore: number): void {
  if (taken.size === 0) return;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!taken.has(s.at)) continue;
    const prevAt = i > 0 ? steps[i - 1].at : firstAt - MINUTE_MS;
    const prevFloor =
      i > 0
        ? (steps
            .slice(0, i)
            .reverse()
            .find((x) => x.minSize !== undefined)?.minSize ?? floorBefore)
        : floorBefore;
    const raises = s.minSize !== undefined && s.minSize > prevFloor;
    let at = s.at;
    if (raises) {
      while (at - MINUTE_MS > prevAt && at - MINUTE_MS >= firstAt && taken.has(at)) at -= MINUTE_MS;
    }
    if (taken.has(at)) {
      at = s.at;
      const nextAt = i + 1 < steps.length ? steps[i + 1].at : Infinity;
      while (at + MINUTE_MS < nextAt && taken.has(at)) at += MINUTE_MS;
    }
    if (!taken.has(at)) {
      s.at = at;
      continue;
    }
    // Boxed in: fold it into the previous step (or the next one) at the higher floor.
    const into = i > 0 ? steps[i - 1] : steps[i + 1];
    if (!into) continue;
    if (s.minSize !== undefined) into.minSize = Math.max(into.minSize ?? s.minSize, s.minSize);
    if (s.desired !== undefined) into.desired = Math.max(into.desired ?? s.desired, s.desired);
    steps.splice(i, 1);
    i--;
  }
}

/** What changes between the scaler's existing actions and the wanted ones. */
export interface ActionDiff {
  /** Actions to put (new, or changed under the same name). */
  readonly put: OwnAction[];
  /** Names of the scaler's actions that are no longer wanted. */
  readonly remove: string[];
  /** Wanted actions already there unchanged. */
  readonly unchanged: number;
}

/** Compares the scaler's existing actions with the wanted ones, by name. */
export function diffActions(existing: readonly OwnAction[], wanted: readonly OwnAction[]): ActionDiff {
  const byName = new Map(existing.map((a) => [a.name, a]));
  const wantedNames = new Set(wanted.map((a) => a.name));
  const put = wanted.filter((w) => {
    const e = byName.get(w.name);
    return !e || e.startTime !== w.startTime || e.minSize !== w.minSize || e.desiredCapacity !== w.desiredCapacity || e.maxSize !== undefined;
  });
  return {
    put,
    remove: existing.filter((e) => !wantedNames.has(e.name)).map((e) => e.name),
    unchanged: wanted.length - put.length,
  };
}
