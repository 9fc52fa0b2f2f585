/**
 * The spend plan: how much capacity each remaining hour of the period may use so that the
 * period ends within the budget, from the {@link SpendForecast}.
 *
 * The plan spends the remaining budget less a reserve: `margin` of it, ERROR_Z standard
 * deviations of the forecast error over the hours left, and the next half hour of the instances
 * running now.
 *
 * Levers, cheapest in service first: the CPU target (less headroom costs no load while target
 * tracking keeps up), then a MaxSize cap (a water level: the busiest hours give way first).
 * - hard: the lowest target in [base, maxTarget] whose month-end spend fits; if even maxTarget
 *   does not, the highest cap that fits, down to the floor; when the floor does not fit either,
 *   the overrun is reported;
 * - availability-first: the same, but the cap never goes below what the load needs at the
 *   emergency utilization (the peak of the last lookback and the next day's forecast); what the
 *   month then costs above the limit is reported as `overrunPercent`.
 *
 * Pure: no AWS, no clock.
 */
import type { SpendForecast } from './spend-forecast';
import type { BudgetModeValue } from './types';

export interface SpendPlanInput {
  readonly forecast: SpendForecast;
  readonly limit: number;
  readonly actualSpend: number;
  readonly mode: BudgetModeValue;
  /** The group's own CPU target (percent), the one the plan restores. */
  readonly baseTargetPercent: number;
  /** The highest CPU target the plan may set (percent); = base when the lever is not managed. */
  readonly maxTargetPercent: number;
  /** The configured MaxSize (the highest cap). */
  readonly maxSize: number;
  /** The SLO floor: the lowest cap. */
  readonly floor: number;
  /** Availability-first: the lowest cap the load allows (instances at the emergency utilization). */
  readonly loadNeedCap?: number;
  /** Instances running now (their next half hour is held back: it is spent whatever the plan). */
  readonly currentInstances?: number;
  /** Share of the remaining budget held back against forecast error (0..1). */
  readonly margin: number;
  /**
   * The settings in force (CPU target, cap: undefined = none): they are held while they spend
   * within [allowed - minChange, allowed] of the money left (no churn for a small saving); a change
   * lands in the middle of that band. Without it every run plans from scratch.
   */
  readonly current?: { readonly targetPercent: number; readonly cap?: number; readonly floor?: number };
  /** The group's own MinSize. */
  readonly minimumInstances?: number;
  /**
   * Load the recent samples would have lost at a CPU target (percent) over a capacity floor
   * (instances); without it the plan sets no floor.
   */
  readonly lossAt?: (targetPercent: number, floor: number) => number;
  /** The least share (0..1) of the loss a split with more floor must save over one with less. @default 0 */
  readonly floorGain?: number;
  /** The least change of the remaining spend worth a change of settings, as a share of the money left (0..1). @default 0 */
  readonly minChange?: number;
}

export interface SpendPlan {
  /** The CPU target (percent) for now. */
  readonly targetPercent: number;
  /** The MaxSize cap for now; undefined = no cap (the configured MaxSize). */
  readonly cap?: number;
  /** The capacity floor (instances) the level fills up to; undefined = none. */
  readonly floor?: number;
  /** Month-end spend at the original settings (no control). */
  readonly uncontrolledMonthEnd: number;
  /** Month-end spend with the plan. */
  readonly plannedMonthEnd: number;
  /** The remaining budget the plan spends (after the margin). */
  readonly allowedRemaining: number;
  /** (plannedMonthEnd - limit) / limit x 100 when positive, else 0. */
  readonly overrunPercent: number;
  /** Instances each remaining hour may use (the plan), first = the current hour. */
  readonly hourlyInstances: number[];
  readonly reason: string;
  /** The settings in force are held (they spend within the band of the money left). */
  readonly held?: boolean;
  /** The settings in force overrun the money left: a change the limit needs (hard mode never defers it). */
  readonly required?: boolean;
}

/** Shares of the target band above the planned target the level may give up for a capacity floor. */
const FLOOR_SHARES = [0, 0.25, 0.5, 0.75, 1];
/** Standard deviations of the remaining hours' forecast error held back. */
const ERROR_Z = 1.5;
/**
 * Hours the running instances keep costing after a lower target or cap (target tracking scales in
 * after 15 minutes below its target; termination takes minutes more).
 */
const COMMITTED_HOURS = 0.5;

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** See the module comment. */
export function planSpend(input: SpendPlanInput): SpendPlan {
  const { forecast: f, limit, actualSpend, mode } = input;
  const base = input.baseTargetPercent;
  const maxT = Math.max(base, input.maxTargetPercent);
  const remaining = Math.max(0, limit - actualSpend);
  // Held back: the margin, and the forecast's own error over the hours left (an hour's relative
  // error, learned from the history, over sqrt(hours) hours' spend: ERROR_Z standard deviations
  // if the hours' errors were independent) - little while the month is long, most near its end.
  const n = Math.max(
    1,
    f.hourWeights.reduce((a, b) => a + b, 0),
  );
  // And what the instances running now cost before a lower target or cap can remove them.
  const committed = f.pricePerInstanceHour * Math.max(0, input.currentInstances ?? 0) * COMMITTED_HOURS;
  const reserve = remaining * (Math.min(0.5, Math.max(0, input.margin)) + (ERROR_Z * f.hourlyErrorStd) / Math.sqrt(n)) + committed;
  const limitAllowed = Math.max(0, remaining - reserve);
  // No churn: the settings in force hold while they spend within the band [limit - band, limit]
  // of the money left; a change aims at the middle of the band, so the next runs hold.
  const band = limitAllowed * Math.min(0.5, Math.max(0, input.minChange ?? 0));
  const cur = input.current;
  const curSpend = cur ? f.remainingSpendAt(cur.targetPercent, cur.cap, cur.floor) : undefined;
  const required = curSpend !== undefined && curSpend > limitAllowed;
  const allowed = cur && band > 0 ? limitAllowed - band / 2 : limitAllowed;
  const uncontrolledMonthEnd = f.monthEndAt(base);
  const lowestCap =
    mode === 'availability-first'
      ? Math.min(input.maxSize, Math.max(input.floor, input.loadNeedCap ?? input.floor))
      : Math.min(input.maxSize, input.floor);

  const done = (targetPercent: number, cap: number | undefined, reason: string, floor?: number): SpendPlan => {
    const plannedMonthEnd = f.monthEndAt(targetPercent, cap, floor);
    return {
      targetPercent,
      ...(cap !== undefined ? { cap } : {}),
      ...(floor !== undefined ? { floor } : {}),
      uncontrolledMonthEnd,
      plannedMonthEnd,
      allowedRemaining: allowed,
      overrunPercent: limit > 0 ? Math.max(0, ((plannedMonthEnd - limit) / limit) * 100) : 0,
      hourlyInstances: f.instancesAt(targetPercent, cap, floor),
      reason,
      ...(required ? { required } : {}),
    };
  };
  const head = `month-end forecast ${fmt(uncontrolledMonthEnd)} at the ${fmt(base)}% target vs limit ${fmt(limit)} (spent ${fmt(actualSpend)}, ${f.hours.length} h left)`;
  if (cur && curSpend !== undefined) {
    const atBase = cur.targetPercent <= base + 1e-9 && (cur.cap === undefined || cur.cap >= input.maxSize) && cur.floor === undefined;
    const inRange = cur.targetPercent >= base - 1e-9 && cur.targetPercent <= maxT + 1e-9 && (cur.cap === undefined || cur.cap >= lowestCap);
    if (inRange && curSpend <= limitAllowed && (atBase || curSpend >= limitAllowed - band)) {
      const what = atBase
        ? 'the original settings'
        : `CPU target ${fmt(cur.targetPercent)}%${cur.cap !== undefined ? ` and MaxSize ${cur.cap}` : ''}`;
      return {
        ...done(
          cur.targetPercent,
          cur.cap,
          `${head}: ${what} spend ${fmt(curSpend)} of the ${fmt(limitAllowed)} left${atBase ? ': fits' : `, within ${fmt(band)} of it: held`}`,
          cur.floor,
        ),
        held: true,
      };
    }
  }
  // The level: money the target leaves is split between a higher target and a capacity floor
  // (the troughs filled up to it), the split whose capacity lost least of the recent load.
  const fillFloor = (t0: number): SpendPlan | undefined => {
    if (!input.lossAt) return undefined;
    const lo = Math.ceil(input.minimumInstances ?? 0);
    // No floor is the first candidate: money is spent on a floor only where it saves load.
    let best = { t: t0, floor: lo, loss: input.lossAt(t0, lo) };
    for (const share of FLOOR_SHARES) {
      const t = Math.round((t0 + share * (maxT - t0)) * 10) / 10;
      let floor = lo;
      for (let c = input.maxSize; c > lo; c--) {
        if (f.remainingSpendAt(t, undefined, c) <= allowed) {
          floor = c;
          break;
        }
      }
      const loss = input.lossAt(t, floor);
      if (loss < best.loss * (1 - Math.min(1, Math.max(0, input.floorGain ?? 0))) - 1e-9) best = { t, floor, loss };
    }
    if (best.floor <= lo) return undefined;
    const { t, floor } = best;
    return done(
      t,
      undefined,
      `${head}: CPU target ${fmt(t)}% over a floor of ${floor} spends ${fmt(f.remainingSpendAt(t, undefined, floor))} of the ${fmt(allowed)} left (the split of the level that lost least of the last samples' load)`,
      floor,
    );
  };
  if (f.remainingSpendAt(base) <= allowed) return fillFloor(base) ?? done(base, undefined, `${head}: fits, original settings`);

  if (maxT > base && f.remainingSpendAt(maxT) <= allowed) {
    let lo = base;
    let hi = maxT;
    for (let i = 0; i < 20; i++) {
      const mid = (lo + hi) / 2;
      if (f.remainingSpendAt(mid) <= allowed) hi = mid;
      else lo = mid;
    }
    const t = Math.min(maxT, Math.ceil(hi * 10 - 1e-9) / 10);
    const filled = fillFloor(t);
    if (filled) return filled;
    return done(t, undefined, `${head}: CPU target ${fmt(t)}% spends ${fmt(f.remainingSpendAt(t))} of the ${fmt(allowed)} left`);
  }

  // The target at its highest is not enough: the highest cap that fits.
  let cap: number | undefined;
  for (let c = input.maxSize; c >= lowestCap; c--) {
    if (f.remainingSpendAt(maxT, c) <= allowed) {
      cap = c;
      break;
    }
  }
  if (cap !== undefined) {
    return done(
      maxT,
      cap >= input.maxSize ? undefined : cap,
      `${head}: CPU target ${fmt(maxT)}% (highest allowed) and MaxSize ${cap} spend ${fmt(f.remainingSpendAt(maxT, cap))} of the ${fmt(allowed)} left`,
    );
  }
  const why =
    mode === 'availability-first' ? `the load needs ${lowestCap} instance(s) at the emergency utilization` : `the floor is ${lowestCap} instance(s)`;
  const p = done(maxT, lowestCap >= input.maxSize ? undefined : lowestCap, '');
  return {
    ...p,
    reason: `${head}: even CPU target ${fmt(maxT)}% and MaxSize ${lowestCap} spend ${fmt(f.remainingSpendAt(maxT, lowestCap))} of the ${fmt(allowed)} left; ${why}: forecast overrun ${fmt(p.overrunPercent)}%`,
  };
}
