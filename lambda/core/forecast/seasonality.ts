import { movingMean } from './robust-stats';
import { aggregate } from './series';

/** The seasonal shapes the planner knows. */
export type SeasonalityKind = 'none' | 'daily' | 'weekly';

/** What `detectSeasonality` found in a series. */
export interface Seasonality {
  /** The strongest supported shape, or `none`. */
  readonly kind: SeasonalityKind;
  /** Period of `kind` in steps of the input series (0 for `none`). */
  readonly periodSteps: number;
  /**
   * Autocorrelation of the hourly, de-trended series at a lag of one day, in [-1, 1]
   * (`NaN` with less than two days of data).
   */
  readonly dailyStrength: number;
  /**
   * How much better the same hour one week earlier predicts an hour than the same hour one day
   * earlier: 1 - error(week) / error(day). `NaN` with less than eight days of data.
   */
  readonly weeklyGain: number;
}

/** Options of `detectSeasonality`. */
export interface SeasonalityOptions {
  /** @default 0.3 */
  readonly minDailyCorrelation?: number;
  /** @default 0.15 */
  readonly minWeeklyGain?: number;
}

const HOUR_S = 3600;
const DAY_H = 24;
const WEEK_H = 168;

/**
 * Detects a daily or weekly shape in a load series (any step up to one hour; gaps as `NaN`).
 *
 * The series is averaged into hours and de-trended by a centered one-day moving mean, so that
 * level shifts and trends do not look like seasonality. A daily shape is present when the
 * residual's autocorrelation at a lag of 24 hours is at least `minDailyCorrelation`. A weekly
 * shape is present when, with at least eight days of data, the same hour one week earlier
 * predicts the series clearly better (`minWeeklyGain`) than the same hour one day earlier: that
 * is what distinguishes a week with different weekends from a plain daily cycle.
 */
export function detectSeasonality(values: ArrayLike<number>, stepSeconds: number, options: SeasonalityOptions = {}): Seasonality {
  const minCorr = options.minDailyCorrelation ?? 0.3;
  const minGain = options.minWeeklyGain ?? 0.15;
  const none: Seasonality = { kind: 'none', periodSteps: 0, dailyStrength: NaN, weeklyGain: NaN };
  if (!(stepSeconds > 0) || stepSeconds > HOUR_S) return none;
  const perHour = Math.max(1, Math.round(HOUR_S / stepSeconds));
  const hourly = aggregate(values, perHour);
  if (hourly.length < 2 * DAY_H) return none;

  const trend = movingMean(hourly, DAY_H / 2);
  const resid = new Float64Array(hourly.length);
  for (let i = 0; i < hourly.length; i++) resid[i] = hourly[i] - trend[i];
  const dailyStrength = autocorrelation(resid, DAY_H);

  const weeklyGain = hourly.length >= WEEK_H + DAY_H ? lagGain(hourly, DAY_H, WEEK_H) : NaN;
  const daily = Number.isFinite(dailyStrength) && dailyStrength >= minCorr;
  const weekly = Number.isFinite(weeklyGain) && weeklyGain >= minGain;
  const stepsPerDay = Math.round((DAY_H * HOUR_S) / stepSeconds);
  if (weekly) return { kind: 'weekly', periodSteps: 7 * stepsPerDay, dailyStrength, weeklyGain };
  if (daily) return { kind: 'daily', periodSteps: stepsPerDay, dailyStrength, weeklyGain };
  return { kind: 'none', periodSteps: 0, dailyStrength, weeklyGain };
}

/** Pearson autocorrelation at `lag` over the pairs where both values are finite. */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = lag; i < x.length; i++) {
    const a = x[i];
    const b = x[i - lag];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      n++;
      sa += a;
      sb += b;
    }
  }
  if (n < 3) return NaN;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = lag; i < x.length; i++) {
    const a = x[i];
    const b = x[i - lag];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      cov += (a - ma) * (b - mb);
      va += (a - ma) ** 2;
      vb += (b - mb) ** 2;
    }
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : NaN;
}

/**
 * 1 - (mean absolute error of predicting x[i] by x[i - longLag]) / (same by x[i - shortLag]),
 * over the points where all three are finite.
 */
function lagGain(x: ArrayLike<number>, shortLag: number, longLag: number): number {
  let eShort = 0;
  let eLong = 0;
  let n = 0;
  for (let i = longLag; i < x.length; i++) {
    const a = x[i];
    const s = x[i - shortLag];
    const l = x[i - longLag];
    if (Number.isFinite(a) && Number.isFinite(s) && Number.isFinite(l)) {
      eShort += Math.abs(a - s);
      eLong += Math.abs(a - l);
      n++;
    }
  }
  if (n < DAY_H || eShort <= 0) return NaN;
  return 1 - eLong / eShort;
}
