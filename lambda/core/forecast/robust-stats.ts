/**
 * Small robust statistics over plain numeric arrays. Non-finite values are ignored everywhere,
 * so callers can pass series with gaps (NaN) directly.
 */

/** The finite values of `values`, sorted ascending, as a new array. */
export function sortedFinite(values: ArrayLike<number>, from = 0, to = values.length): Float64Array {
  const lo = Math.max(0, from);
  const hi = Math.min(values.length, to);
  let count = 0;
  for (let i = lo; i < hi; i++) if (Number.isFinite(values[i])) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = lo; i < hi; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[k++] = v;
  }
  return out.sort();
}

/**
 * The q-quantile (0 <= q <= 1) of an ascending sorted array, linearly interpolated between
 * order statistics. `NaN` for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const p = Math.min(1, Math.max(0, q)) * (n - 1);
  const i = Math.floor(p);
  const frac = p - i;
  return i + 1 < n ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * `quantileSorted` of `x[0, n)` sorted, without sorting it (two order statistics by quickselect);
 * reorders `x`. `x` holds no NaN.
 */
export function quantileInPlace(x: Float64Array, n: number, q: number): number {
  if (n === 0) return NaN;
  if (n === 1) return x[0];
  const p = Math.min(1, Math.max(0, q)) * (n - 1);
  const i = Math.floor(p);
  const low = selectInPlace(x, n, i);
  if (i + 1 >= n) return low;
  // after the selection x[i + 1, n) holds the values above the i-th: the next order statistic is their minimum
  let next = Infinity;
  for (let j = i + 1; j < n; j++) if (x[j] < next) next = x[j];
  return low + (p - i) * (next - low);
}

/** The q-quantile of the finite values of `values[from, to)`; `NaN` when there are none. */
export function quantile(values: ArrayLike<number>, q: number, from = 0, to = values.length): number {
  return quantileSorted(sortedFinite(values, from, to), q);
}

/** The median of the finite values of `values[from, to)`; `NaN` when there are none. */
export function median(values: ArrayLike<number>, from = 0, to = values.length): number {
  return quantile(values, 0.5, from, to);
}

/**
 * Median of a handful of numbers without allocating (used in hot loops): sorts `buf[0, n)` in
 * place by insertion. `NaN` when `n` is 0.
 */
export function smallMedian(buf: Float64Array, n: number): number {
  if (n === 0) return NaN;
  for (let i = 1; i < n; i++) {
    const v = buf[i];
    let j = i - 1;
    while (j >= 0 && buf[j] > v) {
      buf[j + 1] = buf[j];
      j--;
    }
    buf[j + 1] = v;
  }
  const h = n >> 1;
  return n % 2 === 1 ? buf[h] : 0.5 * (buf[h - 1] + buf[h]);
}

/** Mean of the finite values of `values[from, to)`; `NaN` when there are none. */
export function finiteMean(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  let count = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count ? sum / count : NaN;
}

/**
 * Centered moving mean over a window of `2 * halfWidth + 1` points, ignoring gaps. A point whose
 * window holds no finite value stays `NaN`. O(n).
 */
export function movingMean(values: ArrayLike<number>, halfWidth: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const sum = new Float64Array(n + 1);
  const cnt = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const ok = Number.isFinite(v);
    sum[i + 1] = sum[i] + (ok ? v : 0);
    cnt[i + 1] = cnt[i] + (ok ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - halfWidth);
    const hi = Math.min(n, i + halfWidth + 1);
    const c = cnt[hi] - cnt[lo];
    out[i] = c > 0 ? (sum[hi] - sum[lo]) / c : NaN;
  }
  return out;
}

/**
 * Centered moving median over a window of `2 * halfWidth + 1` points, ignoring gaps: it takes the
 * minute-to-minute noise out of a series but keeps its steps where they are (a moving mean would
 * start a drop or a rise early). A point whose window holds no finite value stays `NaN`.
 * O(n x halfWidth^2); meant for small half-widths (a full window of 5, the planner's default,
 * takes a sorting network).
 */
export function movingMedian(values: ArrayLike<number>, halfWidth: number): Float64Array {
  const n = values.length;
  const h = Math.max(0, Math.floor(halfWidth));
  const out = new Float64Array(n);
  const buf = new Float64Array(2 * h + 1);
  for (let i = 0; i < n; i++) {
    if (h === 2 && i >= 2 && i + 2 < n) {
      const m = median5(values[i - 2], values[i - 1], values[i], values[i + 1], values[i + 2]);
      if (Number.isFinite(m)) {
        out[i] = m;
        continue;
      }
    }
    let c = 0;
    for (let j = Math.max(0, i - h); j <= Math.min(n - 1, i + h); j++) {
      const v = values[j];
      if (Number.isFinite(v)) buf[c++] = v;
    }
    out[i] = smallMedian(buf, c);
  }
  return out;
}

/**
 * The median of five numbers by a sorting network (nine compare-exchanges, no allocation). `NaN`
 * when any of them is not finite (the caller then takes the general path that skips gaps).
 */
export function median5(a: number, b: number, c: number, d: number, e: number): number {
  if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d) && Number.isFinite(e))) return NaN;
  // Knuth's nine-comparator network; c ends in the middle
  let t: number;
  if (b < a) {
    t = a;
    a = b;
    b = t;
  }
  if (e < d) {
    t = d;
    d = e;
    e = t;
  }
  if (e < c) {
    t = c;
    c = e;
    e = t;
  }
  if (d < c) {
    t = c;
    c = d;
    d = t;
  }
  if (d < a) {
    t = a;
    a = d;
    d = t;
  }
  if (c < a) {
    t = a;
    a = c;
    c = t;
  }
  if (e < b) {
    t = b;
    b = e;
    e = t;
  }
  if (d < b) {
    t = b;
    b = d;
    d = t;
  }
  if (c < b) {
    t = b;
    b = c;
    c = t;
  }
  return c;
}

/**
 * The median of `buf[0, n)`, reordering it in place: insertion sort for a handful of values,
 * quickselect (O(n) on average) beyond. The same value as `smallMedian`. `NaN` when `n` is 0.
 */
export function bufferMedian(buf: Float64Array, n: number): number {
  if (n <= 12) return smallMedian(buf, n);
  const h = n >> 1;
  const upper = selectInPlace(buf, n, h);
  if (n % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (buf[i] > lower) lower = buf[i];
  return 0.5 * (lower + upper);
}

/**
 * The k-th smallest of `x[0, n)` (0-based) by quickselect; afterwards `x[0, k)` holds values no
 * larger than it. `x` holds no NaN.
 */
export function selectInPlace(x: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = x[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        const t = x[i];
        x[i] = x[j];
        x[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k];
  }
  return x[k];
}
