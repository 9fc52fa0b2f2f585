/**
 * Load traces as `timestamp,value` CSV (ISO-8601 UTC timestamps, one row per step), the format of
 * the shipped trace in `data/` and of the shared benchmark traces. Pure: no AWS imports.
 */
import * as fs from 'node:fs';

/** A regularly sampled load trace. */
export interface Trace {
  /** Epoch ms of `values[0]`. */
  readonly start: number;
  /** Seconds between two rows. */
  readonly stepSeconds: number;
  /** One value per step; NaN where a row was missing. */
  readonly values: number[];
}

/**
 * Parses a `timestamp,value` CSV. A header row and `#` comment lines are skipped. Rows must be in
 * time order on a regular step (the smallest gap between two rows); missing rows become NaN.
 */
export function parseTraceCsv(text: string, source = 'trace'): Trace {
  const rows: Array<[number, number]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const [ts, val] = line.split(',');
    const t = Date.parse(ts);
    if (!Number.isFinite(t)) {
      if (rows.length === 0) continue; // header
      throw new Error(`${source}:${i + 1}: cannot parse the timestamp '${ts}'`);
    }
    const v = val === undefined || val.trim() === '' ? NaN : Number(val);
    if (val !== undefined && val.trim() !== '' && !Number.isFinite(v)) {
      throw new Error(`${source}:${i + 1}: cannot parse the value '${val}'`);
    }
    if (rows.length > 0 && t <= rows[rows.length - 1][0]) {
      throw new Error(`${source}:${i + 1}: timestamps must increase (${ts} after ${new Date(rows[rows.length - 1][0]).toISOString()})`);
    }
    rows.push([t, v]);
  }
  if (rows.length < 2) throw new Error(`${source}: needs at least two rows, found ${rows.length}`);
  let stepMs = Infinity;
  for (let i = 1; i < rows.length; i++) stepMs = Math.min(stepMs, rows[i][0] - rows[i - 1][0]);
  if (stepMs % 1000 !== 0) throw new Error(`${source}: the step between rows (${stepMs} ms) is not a whole number of seconds`);
  const start = rows[0][0];
  const n = Math.round((rows[rows.length - 1][0] - start) / stepMs) + 1;
  const values = new Array<number>(n).fill(NaN);
  for (const [t, v] of rows) {
    const k = (t - start) / stepMs;
    if (!Number.isInteger(k))
      throw new Error(`${source}: row at ${new Date(t).toISOString()} is off the ${stepMs / 1000} s grid starting ${new Date(start).toISOString()}`);
    values[k] = v;
  }
  return { start, stepSeconds: stepMs / 1000, values };
}

/** Reads and parses a trace file. */
export function readTrace(file: string): Trace {
  return parseTraceCsv(fs.readFileSync(file, 'utf8'), file);
}

/** Renders a trace as `timestamp,value` CSV (NaN rows are left out). */
export function formatTraceCsv(trace: Trace): string {
  const out = ['timestamp,value'];
  trace.values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    out.push(`${new Date(trace.start + i * trace.stepSeconds * 1000).toISOString().replace('.000Z', 'Z')},${v}`);
  });
  return out.join('\n') + '\n';
}

/** The part of a trace in [from, to) (epoch ms), on the same grid. */
export function sliceTrace(trace: Trace, from: number, to: number): Trace {
  const stepMs = trace.stepSeconds * 1000;
  const i0 = Math.max(0, Math.ceil((from - trace.start) / stepMs));
  const i1 = Math.min(trace.values.length, Math.ceil((to - trace.start) / stepMs));
  return { start: trace.start + i0 * stepMs, stepSeconds: trace.stepSeconds, values: trace.values.slice(i0, Math.max(i0, i1)) };
}

/**
 * Moves a trace forward in time by whole weeks (so its days of the week are kept) so that its end
 * is at or before `notAfter`, as close to it as whole weeks allow. CloudWatch accepts datapoints
 * up to two weeks old, so a replay must be recent; a week-aligned shift keeps the weekly shape.
 */
export function shiftByWeeksToEndBefore(trace: Trace, end: number, notAfter: number): { trace: Trace; shiftMs: number } {
  const week = 7 * 86_400_000;
  const shiftMs = Math.floor((notAfter - end) / week) * week;
  return { trace: { ...trace, start: trace.start + shiftMs }, shiftMs };
}
