import { smallMedian } from './robust-stats';
import { SeasonalityKind } from './seasonality';

/**
 * One forecasting model the planner can choose: a level (the recent median) alone, or a seasonal
 * profile (the median of the same phase over the previous cycles) scaled to the recent level.
 */
export interface ForecastModelSpec {
  readonly kind: SeasonalityKind;
  /** Period in steps; 0 for `none`. */
  readonly periodSteps: number;
  /** How many previous cycles the seasonal profile takes the median of. */
  readonly cycles: number;
  /** Steps of recent data the level is the median of. */
  readonly levelWindow: number;
}

/**
 * A model fitted to one series: the seasonal profile is precomputed for every index of the
 * history and the `extra` steps after it, so that forecasts from any origin cost O(levelWindow).
 */
export class FittedModel {
  /** Profile per index (seasonal models), `NaN` where no earlier cycle has data. */
  private readonly profile?: Float64Array;
  private readonly buf: Float64Array;

  constructor(
    public readonly spec: ForecastModelSpec,
    /** The cleaned series (gaps as NaN). */
    private readonly values: Float64Array,
    /** The series smoothed for the profile. */
    smoothed: Float64Array,
    extra: number,
    /** Small positive load below which ratios are not trusted (keeps ratios finite). */
    private readonly epsilon: number,
  ) {
    this.buf = new Float64Array(Math.max(spec.levelWindow, spec.cycles, 1));
    if (spec.periodSteps > 0) this.profile = buildProfile(smoothed, values.length + extra, spec.periodSteps, spec.cycles);
  }

  /** Whether the seasonal profile has data at index `k` (always true for a level model). */
  public covers(k: number): boolean {
    return !this.profile || (k < this.profile.length && Number.isFinite(this.profile[k]));
  }

  /**
   * The state the forecast from `origin` (the last index whose value is known) depends on: the
   * recent level, or the ratio of the recent level to the profile. `NaN` when the recent window
   * and the three windows before it hold no data.
   */
  public levelAt(origin: number): number {
    const w = this.spec.levelWindow;
    for (let back = 0; back < 4; back++) {
      const hi = origin - back * w;
      const lo = hi - w + 1;
      const level = this.windowMedian(this.values, lo, hi);
      if (!Number.isFinite(level)) continue;
      if (!this.profile) return level;
      const base = this.windowMedian(this.profile, lo, hi);
      if (!Number.isFinite(base)) return NaN;
      const ratio = (level + this.epsilon) / (base + this.epsilon);
      return Math.min(10, Math.max(0.1, ratio));
    }
    return NaN;
  }

  /** The forecast for index `k` given `levelAt(origin)`; `NaN` when the model cannot say. */
  public forecast(k: number, level: number): number {
    if (!this.profile) return level;
    const p = k < this.profile.length ? this.profile[k] : NaN;
    return Number.isFinite(p) ? p * level : NaN;
  }

  private windowMedian(x: ArrayLike<number>, lo: number, hi: number): number {
    let n = 0;
    for (let i = Math.max(0, lo); i <= Math.min(x.length - 1, hi); i++) {
      const v = x[i];
      if (Number.isFinite(v)) this.buf[n++] = v;
    }
    return n >= Math.min(3, this.spec.levelWindow) ? smallMedian(this.buf, n) : NaN;
  }
}

/**
 * profile[i] = median over c = 1..cycles of smoothed[i - c * period] (finite values only), for
 * i in [0, length). Past the series, the same rule reads only values that exist.
 */
export function buildProfile(smoothed: Float64Array, length: number, period: number, cycles: number): Float64Array {
  const out = new Float64Array(length);
  const buf = new Float64Array(cycles);
  for (let i = 0; i < length; i++) {
    let n = 0;
    for (let c = 1; c <= cycles; c++) {
      const j = i - c * period;
      if (j < 0) break;
      if (j >= smoothed.length) continue;
      const v = smoothed[j];
      if (Number.isFinite(v)) buf[n++] = v;
    }
    out[i] = n ? smallMedian(buf, n) : NaN;
  }
  return out;
}
