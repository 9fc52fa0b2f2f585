/** A metric export resampled to a regular grid. */
export interface ResampledMetric {
  /** Epoch milliseconds of `values[0]` (aligned to the step). */
  readonly start: number;
  readonly stepSeconds: number;
  /** One value per step; `NaN` where the export has no point. */
  readonly values: Float64Array;
  /** Seconds between two rows of the export (median spacing). */
  readonly sourceStepSeconds: number;
  /** Rows read, and rows skipped because the timestamp or value could not be parsed. */
  readonly rows: number;
  readonly skipped: number;
}

/**
 * Parses a `timestamp,value` export (a header line is optional; timestamps as ISO 8601 or epoch
 * seconds or milliseconds; extra columns are ignored) and resamples it to `stepSeconds`: points
 * falling in one step are averaged, and a row of a coarser export covers every step until the
 * next row's time (at most its own spacing), so a 5-minute export becomes five equal minutes.
 * Throws when no row can be parsed.
 */
export function readMetricCsv(text: string, stepSeconds = 60): ResampledMetric {
  const times: number[] = [];
  const vals: number[] = [];
  let skipped = 0;
  let rows = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    rows++;
    const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
    const t = parseTimestamp(cells[0] ?? '');
    const v = Number(cells[1]);
    if (!Number.isFinite(t) || cells[1] === undefined || cells[1] === '' || !Number.isFinite(v)) {
      if (rows === 1 && !Number.isFinite(t))
        rows--; // a header line
      else skipped++;
      continue;
    }
    times.push(t);
    vals.push(v);
  }
  if (times.length === 0) throw new Error(`no "timestamp,value" row could be parsed (${rows} lines read)`);
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const ts = order.map((i) => times[i]);
  const vs = order.map((i) => vals[i]);
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) gaps.push(ts[i] - ts[i - 1]);
  gaps.sort((a, b) => a - b);
  const stepMs = stepSeconds * 1000;
  const sourceStepMs = gaps.length ? gaps[Math.floor(gaps.length / 2)] : stepMs;
  const start = Math.floor(ts[0] / stepMs) * stepMs;
  const cover = Math.max(1, Math.round(sourceStepMs / stepMs));
  const n = Math.floor((ts[ts.length - 1] - start) / stepMs) + cover;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (let i = 0; i < ts.length; i++) {
    const first = Math.floor((ts[i] - start) / stepMs);
    const nextFirst = i + 1 < ts.length ? Math.floor((ts[i + 1] - start) / stepMs) : first + cover;
    const last = Math.min(n, first + cover, Math.max(first + 1, nextFirst));
    for (let k = first; k < last; k++) {
      sum[k] += vs[i];
      count[k]++;
    }
  }
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = count[k] ? sum[k] / count[k] : NaN;
  return { start, stepSeconds, values, sourceStepSeconds: sourceStepMs / 1000, rows, skipped };
}

function parseTimestamp(cell: string): number {
  if (/^\d+(\.\d+)?$/.test(cell)) {
    const x = Number(cell);
    return x < 1e11 ? x * 1000 : x; // epoch seconds until the year 5138, else milliseconds
  }
  return Date.parse(cell);
}
