/**
 * The month-end spend forecast from the group's own usage history.
 *
 * The group's hourly history (CPU utilization and instances in service, e.g. a month of
 * GetMetricData at a 1-hour period) gives two series: the instances paid each hour (the usage)
 * and the load, in busy instances (CPU% x instances / 100), which does not depend on the
 * controller's settings. The load is forecast hour by hour to the end of the period:
 *
 *   load(h) = (level + slope x days from now) x weekly(day of week) x daily(hour of day)
 *
 * - daily and weekly shape: multiplicative factors, each hour of the day (and each day of the week,
 *   when two weeks of history hold it) against the mean of its own day (week), medians over the
 *   history, shrunk towards 1 by how many days (weeks) back them;
 * - level: the mean of the last week (or of what there is) with the shape divided out;
 * - slope: Theil-Sen over pairs of deshaped daily means a whole number of weeks apart in the last
 *   three weeks (the same weekday: a weekly pattern cannot pass for a trend; one odd day moves
 *   it little), shrunk by pairs / (pairs + 2); zero before eight days;
 * - the usage at a CPU target u is max(minimum, k x load / u), k learned from the last two days
 *   (weighted by a 12-hour exponential) against the target in force over them (a mean of the same
 *   weights): the rounding up, warm-up and scale-in delay of target tracking, above the minimum;
 * - the price per instance-hour: spend over instance-hours of the same window: the period's spend
 *   over the period's instance-hours when the history reaches the period's start (see
 *   {@link usageHistoryStart}), or, when the caller gives an earlier mark (the spend at an earlier
 *   run), the spend since the mark over the instance-hours since it (a price change mid-period
 *   shows at once). A quarter's or a year's spend over 35 days of instance-hours is neither: with
 *   no window, no price (the caller falls back to the Budgets forecast);
 * - AWS Budgets' forecast is one input: the remaining spend is the blend of ours and Budgets',
 *   Budgets' weight falling from 1 with no history to 0 with three days of it.
 *
 * Pure: no AWS, no clock.
 */
import type { UtilizationSample } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days of the group's own history after which AWS Budgets' forecast no longer weighs in. */
const BUDGETS_FADE_DAYS = 3;
/** The history the forecast's model works on (shape, level, trend, headroom): the last 35 days. */
const MODEL_DAYS = 35;
/** A price mark is used once it is this old (a shorter window is noise). */
const MARK_MIN_AGE = 12 * HOUR;

/**
 * Where the usage history starts: the start of the UTC year of `now`, or 35 days before the hour
 * of `now` when that is earlier. It reaches the start of every calendar budget period (day, month,
 * quarter, year) containing `now`, so the period's instance-hours can be summed (CloudWatch keeps
 * 1-hour datapoints 455 days), and always holds the 35 days the model needs. The handler reads the
 * history from here; the forecast takes a period that starts earlier (a custom period across the
 * new year) as not reached.
 */
export function usageHistoryStart(now: number): number {
  const hour = Math.floor(now / HOUR) * HOUR;
  return Math.min(hour - MODEL_DAYS * DAY, Date.UTC(new Date(now).getUTCFullYear(), 0, 1));
}

/** The group's usage history reduced to the hours the forecast works on. */
export interface UsageHour {
  /** Start of the hour. */
  readonly t: number;
  /** Mean instances in service (paid) in the hour. */
  readonly instances: number;
  /** Mean busy instances (CPU% x instances / 100); undefined when CPU is unknown. */
  readonly load?: number;
}

/** Inputs of {@link forecastSpend}. */
export interface SpendForecastInput {
  readonly now: number;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Spend from the start of the period to now. */
  readonly actualSpend: number;
  /** AWS Budgets' forecast of the period's spend (undefined or 0 when it has none). */
  readonly budgetsForecast?: number;
  /** Hourly history (any order; hours without a finite value are ignored). */
  readonly history: readonly UtilizationSample[];
  /** The CPU target in force (percent) the usage history was produced at. */
  readonly currentTargetPercent: number;
  /** The least instances the group runs (its MinSize). */
  readonly minimumInstances: number;
  /**
   * The CPU target (percent) the last hours of the history ran at, as an exponential mean with a
   * 12-hour time constant; the current target when omitted.
   */
  readonly historyTargetPercent?: number;
  /** Spend of the period at an earlier instant, for the marginal price. */
  readonly priceMark?: PriceMark;
  /**
   * Where the history was read from: hours of the period before it are unknown (not idle). When
   * omitted, 35 days before the hour of `now` (the least the history holds). A history that starts
   * later (a group younger than that) has no instances before its first hour.
   */
  readonly historyStart?: number;
}

/** The spend of the period at one instant (and its instance-hours then, kept for the state but not used: see the module comment). */
export interface PriceMark {
  readonly t: number;
  readonly spend: number;
  readonly instanceHours: number;
}

/** The forecast: what the rest of the period costs at a given CPU target and cap. */
export interface SpendForecast {
  /** Hours left in the period (the first one may be partial, weighted by `hourWeights`). */
  readonly hours: number[];
  /** Fraction of each remaining hour that lies ahead (1, except possibly the first). */
  readonly hourWeights: number[];
  /** Forecast load in busy instances for each remaining hour. */
  readonly load: number[];
  /** Price per instance-hour used (0 when none could be learned). */
  readonly pricePerInstanceHour: number;
  /**
   * The window the price was learned over: the period to date, or since the price mark;
   * undefined when there was none (the history does not reach the period's start and no mark is usable).
   */
  readonly priceSource?: 'period' | 'mark';
  /** Whether the history reaches the period's start (`instanceHoursToDate` is then the whole period's). */
  readonly periodReached: boolean;
  /** Instance-hours of the period so far (that the history holds). */
  readonly instanceHoursToDate: number;
  /** Ratio of paid instances to load / target above the minimum (target tracking's headroom). */
  readonly headroom: number;
  /** Budgets' weight in the blend (0..1). */
  readonly budgetsWeight: number;
  /** Scale applied to our remaining spend by the blend with Budgets (1 without Budgets). */
  readonly blendScale: number;
  /**
   * Relative error of one hour's load forecast, learned from the last week (the root mean square
   * of load / fitted - 1); 0.3 without history.
   */
  readonly hourlyErrorStd: number;
  /** Days of history the shape and trend come from. */
  readonly historyDays: number;
  /** Trend: change of the deshaped daily load per day, as a fraction of the level. */
  readonly trendPerDay: number;
  /** Instances each remaining hour uses at a CPU target (percent) under a cap (instances). */
  instancesAt(targetPercent: number, cap?: number, floor?: number): number[];
  /** Spend of the rest of the period at a CPU target (percent) under a cap, over a capacity floor (instances). */
  remainingSpendAt(targetPercent: number, cap?: number, floor?: number): number;
  /** Month-end spend at a CPU target (percent) under a cap, over a capacity floor. */
  monthEndAt(targetPercent: number, cap?: number, floor?: number): number;
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** UTC hour of the day and day of the week (0 = Sunday; 1970-01-01 was a Thursday), without Date. */
const hourOfDay = (t: number) => Math.floor((((t % DAY) + DAY) % DAY) / HOUR);
const dayOfWeek = (t: number) => (((Math.floor(t / DAY) + 4) % 7) + 7) % 7;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The history as hourly usage (samples of any period averaged into their hour). */
export function hourlyUsage(samples: readonly UtilizationSample[]): UsageHour[] {
  const acc = new Map<number, { inst: number; ni: number; load: number; nl: number }>();
  for (const s of samples) {
    if (!Number.isFinite(s.t) || s.instances === undefined || !Number.isFinite(s.instances) || s.instances < 0) continue;
    const h = Math.floor(s.t / HOUR) * HOUR;
    const a = acc.get(h) ?? { inst: 0, ni: 0, load: 0, nl: 0 };
    a.inst += s.instances;
    a.ni++;
    if (Number.isFinite(s.cpuPercent) && s.cpuPercent >= 0) {
      a.load += (s.cpuPercent * s.instances) / 100;
      a.nl++;
    }
    acc.set(h, a);
  }
  return [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, a]) => ({
      t,
      instances: a.inst / a.ni,
      ...(a.nl > 0 ? { load: a.load / a.nl } : {}),
    }));
}

/**
 * Shape factors of a series grouped by `key` against the mean of its `block` (day or week):
 * medians of value / block mean, shrunk towards 1 with `blocks / (blocks + 1)`, normalized to mean 1.
 */
function shapeFactors(hours: readonly UsageHour[], slots: number, key: (t: number) => number, block: (t: number) => number): number[] {
  const blockSum = new Map<number, { s: number; n: number }>();
  for (const h of hours) {
    const b = block(h.t);
    const a = blockSum.get(b) ?? { s: 0, n: 0 };
    a.s += h.load!;
    a.n++;
    blockSum.set(b, a);
  }
  const ratios: number[][] = Array.from({ length: slots }, () => []);
  for (const h of hours) {
    const a = blockSum.get(block(h.t))!;
    const m = a.s / a.n;
    if (m > 0) ratios[key(h.t)].push(h.load! / m);
  }
  const raw = ratios.map((r) => (r.length ? median(r) : 1));
  const blocks = blockSum.size;
  const shrink = blocks / (blocks + 1);
  const f = raw.map((r) => 1 + (r - 1) * shrink);
  const avg = mean(f);
  return avg > 0 ? f.map((x) => x / avg) : f.map(() => 1);
}

/** See the module comment. */
export function forecastSpend(input: SpendForecastInput): SpendForecast {
  const { now, periodStart, periodEnd } = input;
  const all = hourlyUsage(input.history).filter((h) => h.t < now);
  const usage = all.filter((h) => h.t >= now - MODEL_DAYS * DAY);
  const loaded = usage.filter((h) => h.load !== undefined);
  const span = loaded.length ? (now - loaded[0].t) / DAY : 0;

  // Shape: the hour of the day always (from one day on); the day of the week from two weeks.
  const hod = hourOfDay;
  const dow = dayOfWeek;
  const dayOf = (t: number) => Math.floor(t / DAY);
  const weekOf = (t: number) => Math.floor((t - 4 * DAY) / (7 * DAY)); // weeks from Monday 00:00 UTC
  const daily = span >= 1 ? shapeFactors(loaded, 24, hod, dayOf) : new Array(24).fill(1);
  const weekly = span >= 14 ? weeklyFactors(loaded, daily, dow, dayOf, weekOf) : new Array(7).fill(1);
  const shape = (t: number) => daily[hod(t)] * weekly[dow(t)];

  // Level and trend of the deshaped load. The trend compares days a whole number of weeks apart
  // (the same weekday, so a weekly pattern the shape does not hold yet cannot pass for a trend),
  // Theil-Sen over those pairs in the last three weeks, shrunk by how many pairs back it.
  const deshaped = loaded.map((h) => ({ t: h.t, v: h.load! / Math.max(1e-9, shape(h.t)) }));
  const byDay = new Map<number, number[]>();
  for (const h of deshaped)
    if (h.t >= now - 21 * DAY) {
      const d = Math.floor((now - h.t) / DAY); // 0 = the last 24 h
      (byDay.get(d) ?? byDay.set(d, []).get(d)!).push(h.v);
    }
  const dayMeans = new Map([...byDay.entries()].filter(([, v]) => v.length >= 12).map(([d, v]) => [d, mean(v)]));
  const slopes: number[] = [];
  for (const [d1, v1] of dayMeans) for (const [d2, v2] of dayMeans) if (d2 > d1 && (d2 - d1) % 7 === 0) slopes.push((v1 - v2) / (d2 - d1));
  const slope = Math.max(0, slopes.length ? median(slopes) * (slopes.length / (slopes.length + 2)) : 0);
  // The level: the deshaped mean of the last week (of what there is), at its middle.
  const window = Math.min(7, Math.max(1, Math.floor(span)));
  const levelHours = deshaped.filter((h) => h.t >= now - window * DAY);
  const level = levelHours.length ? mean(levelHours.map((h) => h.v)) : 0;
  const levelAt = now - (window * DAY) / 2;

  // How well the model fits the last week, hour by hour.
  const fitted = (t: number) => (level + slope * ((t + HOUR / 2 - levelAt) / DAY)) * shape(t);
  const rel: number[] = [];
  for (const h of loaded) {
    if (h.t < now - 7 * DAY) continue;
    const fh = fitted(h.t);
    if (fh > 0) rel.push(h.load! / fh - 1);
  }
  const hourlyErrorStd = rel.length >= 24 ? Math.min(1, Math.max(0.02, Math.sqrt(mean(rel.map((r) => r * r))))) : 0.3;

  // The remaining hours.
  const hours: number[] = [];
  const weights: number[] = [];
  for (let t = Math.floor(now / HOUR) * HOUR; t < periodEnd; t += HOUR) {
    const from = Math.max(t, now);
    const w = (Math.min(t + HOUR, periodEnd) - from) / HOUR;
    if (w > 0) {
      hours.push(t);
      weights.push(w);
    }
  }
  const load = hours.map((t) => Math.max(0, fitted(t)));

  // Target tracking's headroom over load / target, above the minimum: the last two days weighted
  // by exp(-age / 12 h), against the mean target of the same time constant.
  const histTarget = Math.max(1, input.historyTargetPercent ?? input.currentTargetPercent) / 100;
  const minInst = Math.max(0, input.minimumInstances);
  let wi = 0;
  let wl = 0;
  let nRecent = 0;
  for (const h of loaded) {
    if (h.t < now - 2 * DAY || !(h.instances > minInst + 0.5) || !(h.load! > 0)) continue;
    const w = Math.exp(-(now - h.t - HOUR / 2) / (12 * HOUR));
    wi += w * h.instances;
    wl += (w * h.load!) / histTarget;
    nRecent++;
  }
  const headroom = nRecent >= 6 && wl > 0 ? Math.min(3, Math.max(1, wi / wl)) : 1;

  // Usage and price so far: spend over the instance-hours of the same window. The period's spend
  // needs the period's instance-hours: only when the history reaches the period's start.
  const historyStart = input.historyStart ?? Math.floor(now / HOUR) * HOUR - MODEL_DAYS * DAY;
  const periodReached = historyStart <= periodStart;
  const instanceHoursFrom = (from: number) =>
    all.filter((h) => h.t >= from).reduce((a, h) => a + (h.instances * (Math.min(h.t + HOUR, now) - h.t)) / HOUR, 0);
  const instanceHoursToDate = instanceHoursFrom(periodStart);
  let price = NaN;
  let priceSource: 'period' | 'mark' | undefined;
  if (periodReached && instanceHoursToDate > 0) {
    price = input.actualSpend / instanceHoursToDate;
    priceSource = 'period';
  }
  // The marginal price: the spend since the mark over the instance-hours since the mark's hour
  // (which the history holds: the mark is in the period and after the history's start).
  const mark = input.priceMark;
  if (mark && mark.t >= periodStart && mark.t >= historyStart && now - mark.t >= MARK_MIN_AGE && input.actualSpend >= mark.spend) {
    const sinceMark = instanceHoursFrom(Math.floor(mark.t / HOUR) * HOUR);
    if (sinceMark > 1e-9) {
      price = (input.actualSpend - mark.spend) / sinceMark;
      priceSource = 'mark';
    }
  }
  if (!Number.isFinite(price) || price < 0) {
    price = 0;
    priceSource = undefined;
  }

  const instancesAt = (targetPercent: number, cap?: number, floor?: number): number[] => {
    const u = Math.max(1, targetPercent) / 100;
    const lo = Math.max(minInst, floor ?? 0);
    return load.map((l) => {
      const n = Math.max(lo, (headroom * l) / u);
      return cap === undefined ? n : Math.min(Math.max(cap, 0), n);
    });
  };
  const ownRemaining = (targetPercent: number, cap?: number, floor?: number): number => {
    const u = Math.max(1, targetPercent) / 100;
    const c = cap === undefined ? Infinity : Math.max(cap, 0);
    const lo = Math.max(minInst, floor ?? 0);
    let sum = 0;
    for (let i = 0; i < load.length; i++) sum += Math.min(c, Math.max(lo, (headroom * load[i]) / u)) * weights[i];
    return sum * price;
  };

  // AWS Budgets' forecast as one input: its remaining spend blended with ours at the current target.
  const budgetsRemaining =
    input.budgetsForecast !== undefined && Number.isFinite(input.budgetsForecast) && input.budgetsForecast > 0
      ? Math.max(0, input.budgetsForecast - input.actualSpend)
      : undefined;
  const budgetsWeight = budgetsRemaining === undefined ? 0 : Math.max(0, 1 - span / BUDGETS_FADE_DAYS);
  const ownNow = ownRemaining(input.currentTargetPercent);
  let blendScale = 1;
  if (budgetsRemaining !== undefined && budgetsWeight > 0) {
    if (ownNow > 0) blendScale = ((1 - budgetsWeight) * ownNow + budgetsWeight * budgetsRemaining) / ownNow;
  }
  const remainingSpendAt = (targetPercent: number, cap?: number, floor?: number) => ownRemaining(targetPercent, cap, floor) * blendScale;
  return {
    hours,
    hourWeights: weights,
    load,
    pricePerInstanceHour: price,
    ...(priceSource ? { priceSource } : {}),
    periodReached,
    instanceHoursToDate,
    headroom,
    budgetsWeight,
    blendScale,
    hourlyErrorStd,
    historyDays: span,
    trendPerDay: level > 0 ? slope / level : 0,
    instancesAt,
    remainingSpendAt,
    monthEndAt: (targetPercent, cap, floor) => input.actualSpend + remainingSpendAt(targetPercent, cap, floor),
  };
}

/** Day-of-week factors of the load with the daily shape divided out (two weeks of history at least). */
function weeklyFactors(
  hours: readonly UsageHour[],
  daily: readonly number[],
  dow: (t: number) => number,
  dayOf: (t: number) => number,
  weekOf: (t: number) => number,
): number[] {
  // Daily means first (a day needs 12 hours), then each day against its week's mean.
  const days = new Map<number, { s: number; n: number; t: number }>();
  for (const h of hours) {
    const d = dayOf(h.t);
    const a = days.get(d) ?? { s: 0, n: 0, t: d * DAY };
    a.s += h.load! / Math.max(1e-9, daily[hourOfDay(h.t)]);
    a.n++;
    days.set(d, a);
  }
  const dayHours: UsageHour[] = [...days.values()].filter((a) => a.n >= 12).map((a) => ({ t: a.t, instances: 0, load: a.s / a.n }));
  return shapeFactors(dayHours, 7, dow, weekOf);
}
