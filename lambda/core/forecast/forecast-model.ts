import { smallMedian } from './robust-stats';
import type { SeasonalityKind } from './seasonality';

/**
 * One forecasting model the planner can choose. Each forecasts the load itself (a point forecast):
 * a level model (the median of the recent load) or a seasonal model (the median, or maximum, over
 * previous cycles of the lightly smoothed load at the same phase) scaled to the recent level. The
 * headroom above the forecast is not part of the model: the planner learns it from the model's
 * replayed errors and the user's unserved budget.
 */
export interface ForecastModelSpec {
  readonly kind: SeasonalityKind;
  /** Period in steps; 0 for `none`. */
  readonly periodSteps: number;
  /** How many previous cycles the seasonal profile reads. */
  readonly cycles: number;
  /**
   * How the profile combines the cycles: `median` (robust to one odd day) or `max` (keeps bursts
   * that recur at the same phase on some days only).
   */
  readonly combine: 'median' | 'max';
  /** Steps of recent data the level is the median of. */
  readonly levelWindow: number;
  /** Half-width in steps of the centered moving median the seasonal profile is built from. */
  readonly smoothHalfWidth: number;
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
    /** The cleaned series (the level is the median of its recent values). */
    private readonly series: Float64Array,
    /** `movingMedian(series, spec.smoothHalfWidth)`: what the seasonal profile reads. */
    smoothed: Float64Array,
    extra: number,
    /** Small positive load below which ratios are not trusted (keeps ratios finite). */
    private readonly epsilon: number,
    /** First index any forecast or level will be asked about (the profile is built from here). */
    firstIndex = 0,
  ) {
    this.buf = new Float64Array(Math.max(spec.levelWindow, spec.cycles, 1));
    if (spec.periodSteps > 0) {
      this.profile = buildProfile(smoothed, smoothed.length + extra, spec.periodSteps, spec.cycles, spec.combine, firstIndex);
    }
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
      const level = this.windowMedian(this.series, lo, hi);
      if (!Number.isFinite(level)) continue;
      if (!this.profile) return level;
      const base = this.windowMedian(this.profile, lo, hi);
      if (!Number.isFinite(base)) return NaN;
      const ratio = (level + this.epsilon) / (base + this.epsilon);
      return Math.min(10, Math.max(0.1, ratio));
    }
    return NaN;
  }

  /** The forecast of the load at index `k`, given `levelAt(origin)`; `NaN` when the model cannot say. */
  public forecast(k: number, level: number): number {
    if (!this.profile) return level;
    const p = k >= 0 && k < this.profile.length ? this.profile[k] : NaN;
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
 * profile[i] = median (or maximum) over c = 1..cycles of x[i - c * period] (finite values only),
 * for i in [from, length); `NaN` before `from`. Past the series, the same rule reads only values
 * that exist.
 */
export function buildProfile(
  x: Float64Array,
  length: number,
  period: number,
  cycles: number,
  combine: 'median' | 'max' = 'median',
  from = 0,
): Float64Array {
  const out = new Float64Array(length);
  const buf = new Float64Array(cycles);
  for (let i = 0; i < Math.min(from, length); i++) out[i] = NaN;
  for (let i = Math.max(0, from); i < length; i++) {
    let n = 0;
    for (let c = 1; c <= cycles; c++) {
      const j = i - c * period;
      if (j < 0) break;
      if (j >= x.length) continue;
      const v = x[j];
      if (Number.isFinite(v)) buf[n++] = v;
    }
    if (n === 0) out[i] = NaN;
    else if (combine === 'max') {
      let m = buf[0];
      for (let c = 1; c < n; c++) if (buf[c] > m) m = buf[c];
      out[i] = m;
    } else out[i] = smallMedian(buf, n);
  }
  return out;
}

/**
 * out[i] = maximum of the finite values of x[i - width + 1 .. i] (`NaN` when there are none).
 * Causal: it never reads past i. O(n) with a monotonic deque.
 */
export function trailingMax(x: ArrayLike<number>, width: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const w = Math.max(1, Math.floor(width));
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      while (tail > head && x[deque[tail - 1]] <= v) tail--;
      deque[tail++] = i;
    }
    while (tail > head && deque[head] <= i - w) head++;
    out[i] = tail > head ? x[deque[head]] : NaN;
  }
  return out;
}
