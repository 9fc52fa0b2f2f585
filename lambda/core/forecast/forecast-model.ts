import { bufferMedian, smallMedian } from './robust-stats';
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
  /**
   * A seasonal model forecasts its profile as it is, not scaled to the recent level (for a load
   * whose recent level says little about the next hour: bursts at their usual time of day).
   * @default false
   */
  readonly unscaled?: boolean;
}

/**
 * The medians of a series over windows of `width` steps ending at a given index, memoized. The
 * models of one plan read the same series at the same origins, so they share one.
 */
export class WindowMedians {
  /** memo[hi] for 0 <= hi < series.length, valid where known[hi] is 1. */
  private readonly memo: Float64Array;
  private readonly known: Uint8Array;
  private readonly buf: Float64Array;

  constructor(
    private readonly series: Float64Array,
    private readonly width: number,
  ) {
    this.buf = new Float64Array(Math.max(width, 1));
    this.memo = new Float64Array(series.length);
    this.known = new Uint8Array(series.length);
  }

  /** The median of the finite values of series[hi - width + 1 .. hi]; `NaN` under min(3, width) values. */
  public at(hi: number): number {
    const inRange = hi >= 0 && hi < this.memo.length;
    if (inRange && this.known[hi] === 1) return this.memo[hi];
    const m = windowMedian(this.series, 0, hi - this.width + 1, hi, this.width, this.buf);
    if (inRange) {
      this.memo[hi] = m;
      this.known[hi] = 1;
    }
    return m;
  }
}

/**
 * A model fitted to one series: a seasonal model reads its precomputed profile (`buildProfiles`,
 * from the first index any forecast or level will be asked about to past the end of the history),
 * so that forecasts from any origin cost O(levelWindow).
 */
export class FittedModel {
  /** Profile per index from `profileFrom` on (seasonal models), `NaN` where no earlier cycle has data. */
  private readonly profile?: Float64Array;
  private readonly profileFrom: number;
  private readonly buf: Float64Array;
  private readonly levels: WindowMedians;

  constructor(
    public readonly spec: ForecastModelSpec,
    /** The cleaned series (the level is the median of its recent values). */
    series: Float64Array,
    /**
     * The series' seasonal profiles for `spec.periodSteps` and `spec.cycles` (`buildProfiles` of the
     * smoothed series); ignored by a level model. A seasonal model without them forecasts nothing.
     */
    profiles: SeasonalProfiles | undefined,
    /** Small positive load below which ratios are not trusted (keeps ratios finite). */
    private readonly epsilon: number,
    /** The series' window medians, shared with the other models of the same series and `levelWindow`. */
    levels?: WindowMedians,
  ) {
    this.buf = new Float64Array(Math.max(spec.levelWindow, 1));
    this.levels = levels ?? new WindowMedians(series, spec.levelWindow);
    this.profileFrom = profiles?.from ?? 0;
    if (spec.periodSteps > 0) this.profile = profiles ? profiles[spec.combine] : new Float64Array(0);
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
      const level = this.levels.at(hi);
      if (!Number.isFinite(level)) continue;
      if (!this.profile) return level;
      if (this.spec.unscaled) return 1;
      const base = windowMedian(this.profile, this.profileFrom, hi - w + 1, hi, w, this.buf);
      if (!Number.isFinite(base)) return NaN;
      const ratio = (level + this.epsilon) / (base + this.epsilon);
      return Math.min(10, Math.max(0.1, ratio));
    }
    return NaN;
  }

  /** The forecast of the load at index `k`, given `levelAt(origin)`; `NaN` when the model cannot say. */
  public forecast(k: number, level: number): number {
    if (!this.profile) return level;
    const i = k - this.profileFrom;
    const p = i >= 0 && i < this.profile.length ? this.profile[i] : NaN;
    return Number.isFinite(p) ? p * level : NaN;
  }

  /**
   * The profile a seasonal model forecasts from, as stored: `values[k - from]` is the profile at
   * index k (`NaN` where no earlier cycle has data); `undefined` for a level model. The forecast at
   * k is that value times the level (see `forecast`): the replay reads it directly.
   */
  public profileView(): { readonly values: Float64Array; readonly from: number } | undefined {
    return this.profile ? { values: this.profile, from: this.profileFrom } : undefined;
  }

  /**
   * For every index k, the highest profile value over [k - back, k + ahead], as stored: the value
   * for k is `values[k + offset]` (`NaN` outside the array or where none is known); `undefined` for
   * a level model. Since a forecast is the profile times a positive level, the largest forecast
   * over that window from any origin is `level` times it. Computed once per profile and window,
   * and shared by the scaled model and the one taken as it is.
   */
  public profileWindowMaxView(back: number, ahead: number): { readonly values: Float64Array; readonly offset: number } | undefined {
    const profile = this.profile;
    if (!profile) return undefined;
    const key = `${back}:${ahead}`;
    let byWindow = WINDOW_MAX.get(profile);
    if (!byWindow) WINDOW_MAX.set(profile, (byWindow = new Map<string, Float64Array>()));
    let trailing = byWindow.get(key);
    if (!trailing) {
      const padded = new Float64Array(profile.length + ahead).fill(NaN);
      padded.set(profile);
      byWindow.set(key, (trailing = trailingMax(padded, back + ahead + 1)));
    }
    return { values: trailing, offset: ahead - this.profileFrom };
  }
}

/** The windowed maxima of each profile (`profileWindowMaxView`), kept while the profile is. */
const WINDOW_MAX = new WeakMap<Float64Array, Map<string, Float64Array>>();

/**
 * The median of the finite values of x over the indices [lo, hi], where `x[0]` is index `offset`;
 * `NaN` when fewer than min(3, width) are finite. `buf` holds at least hi - lo + 1 values.
 */
function windowMedian(x: Float64Array, offset: number, lo: number, hi: number, width: number, buf: Float64Array): number {
  let n = 0;
  for (let i = Math.max(0, lo - offset); i <= Math.min(x.length - 1, hi - offset); i++) {
    const v = x[i];
    if (Number.isFinite(v)) buf[n++] = v;
  }
  return n >= Math.min(3, width) ? bufferMedian(buf, n) : NaN;
}

/**
 * The seasonal profiles of a series for one period: for each index i from `from`, the median and
 * the maximum over earlier cycles of the series at the same phase.
 */
export interface SeasonalProfiles {
  /** The index of the first value of `median` and `max`. */
  readonly from: number;
  /** median[i - from] = median over c = 1..cycles of x[i - c * period] (finite values only; `NaN` when none). */
  readonly median: Float64Array;
  /** max[i - from] = the largest of the same values. */
  readonly max: Float64Array;
}

/**
 * The median and maximum profiles of `x` for `period` and `cycles`, for the indices [from, length)
 * (past the series, the same rule reads only values that exist).
 */
export function buildProfiles(x: Float64Array, length: number, period: number, cycles: number, from = 0): SeasonalProfiles {
  const first = Math.max(0, from);
  const median = new Float64Array(Math.max(0, length - first));
  const max = new Float64Array(median.length);
  const buf = new Float64Array(cycles);
  for (let i = first; i < length; i++) {
    let n = 0;
    for (let c = 1; c <= cycles; c++) {
      const j = i - c * period;
      if (j < 0) break;
      if (j >= x.length) continue;
      const v = x[j];
      if (Number.isFinite(v)) buf[n++] = v;
    }
    // smallMedian sorts buf[0, n): the maximum is then its last value
    median[i - first] = smallMedian(buf, n);
    max[i - first] = n === 0 ? NaN : buf[n - 1];
  }
  return { from: first, median, max };
}

/**
 * out[i] = maximum of the finite values of x[i - width + 1 .. i] (`NaN` when there are none), for
 * i >= from (`NaN` before). Causal: it never reads past i. O(n) with a monotonic deque.
 */
export function trailingMax(x: ArrayLike<number>, width: number, from = 0): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const w = Math.max(1, Math.floor(width));
  const start = Math.max(0, Math.min(n, from));
  out.fill(NaN, 0, start);
  const lo = Math.max(0, start - w + 1);
  const deque = new Int32Array(Math.max(0, n - lo));
  let head = 0;
  let tail = 0;
  for (let i = lo; i < n; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      while (tail > head && x[deque[tail - 1]] <= v) tail--;
      deque[tail++] = i;
    }
    while (tail > head && deque[head] <= i - w) head++;
    if (i >= start) out[i] = tail > head ? x[deque[head]] : NaN;
  }
  return out;
}
