/**
 * Derives the trace shipped in `data/` from the shared NASA HTTP 1995 trace: ten whole days of
 * requests per minute without gaps, starting on a Monday (1995-07-03T00:00Z to 1995-07-13T00:00Z).
 *
 *   npx tsx scripts/local/derive-trace.ts [SOURCE.csv] [OUT.csv]
 *
 * SOURCE defaults to data/traces/nasa-http-1995.csv (the benchmark's copy in this repository), OUT to
 * data/nasa-http-1995-10d.csv. The window is checked to have a row for every minute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTraceCsv, readTrace, sliceTrace } from './trace';

const root = path.resolve(__dirname, '..', '..');
const source = process.argv[2] ?? path.join(root, 'data', 'traces', 'nasa-http-1995.csv');
const out = process.argv[3] ?? path.join(root, 'data', 'nasa-http-1995-10d.csv');
const FROM = Date.parse('1995-07-03T00:00:00Z');
const TO = Date.parse('1995-07-13T00:00:00Z');

const full = readTrace(source);
if (full.stepSeconds !== 60) throw new Error(`${source}: expected one row per minute, found a ${full.stepSeconds} s step`);
const window = sliceTrace(full, FROM, TO);
const expected = (TO - FROM) / 60_000;
const missing = window.values.filter((v) => Number.isNaN(v)).length;
if (window.values.length !== expected || missing > 0) {
  throw new Error(`${source}: the window has ${window.values.length - missing} of ${expected} minutes`);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, formatTraceCsv(window));
const vals = window.values;
const sorted = [...vals].sort((a, b) => a - b);
console.log(
  `wrote ${path.relative(process.cwd(), out)}: ${vals.length} minutes from ${new Date(window.start).toISOString()}, ` +
    `median ${sorted[Math.floor(sorted.length / 2)]}, p99 ${sorted[Math.floor(sorted.length * 0.99)]}, max ${sorted[sorted.length - 1]} requests/min, ` +
    `${fs.statSync(out).size} bytes`,
);
