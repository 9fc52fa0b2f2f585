/**
 * `npm run bench:time`: how long `planCapacity` takes per plan, alone, on the calls the benchmark
 * makes (every 15 minutes from minute 60 of each trace in data/traces/, up to 14 days of one-minute
 * history, 5-minute launch lead, one-hour horizon, target utilization 0.7), without the group
 * simulation around it, so the figure is the planner's own.
 *
 * Per trace it prints the number of plans, the median and mean milliseconds per plan, and a digest
 * of every plan it returned: a change meant to make the planner faster without changing what it
 * plans must leave every digest as it was.
 *
 *   npm run bench:time -- [--only a,b] [--traces DIR] [--every K]   (K: time every K-th call only)
 *
 * It runs the TypeScript sources under tsx; the built package (what the reference scorer loads) is
 * somewhat faster.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readMetricCsv } from '../lambda/core/backtest/read-metric-csv';
import { planCapacity } from '../lambda/core/plan-capacity';
import type { PlanInput } from '../lambda/core/plan-types';

const MINUTE_MS = 60_000;

function main() {
  const { values: args } = parseArgs({ options: { only: { type: 'string' }, traces: { type: 'string' }, every: { type: 'string' } } });
  const dir = args.traces ?? path.join(__dirname, '..', 'data', 'traces');
  const only = args.only?.split(',');
  const every = Number(args.every ?? 1);
  if (!(Number.isInteger(every) && every >= 1)) throw new Error(`--every must be a positive integer (got ${args.every})`);
  const manifest = (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { name: string; file: string }[]).filter(
    (t) => !only || only.includes(t.name),
  );
  if (manifest.length === 0) throw new Error(`no trace of ${path.join(dir, 'manifest.json')} matches --only ${args.only}`);

  console.log('trace                  plans  median ms  mean ms  digest of the plans');
  const medians: number[] = [];
  const means: number[] = [];
  for (const trace of manifest) {
    const { plans, times, digest } = timeTrace(path.join(dir, trace.file), every);
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    medians.push(median);
    means.push(mean);
    console.log(`${trace.name.padEnd(21)} ${String(plans).padStart(6)}  ${median.toFixed(2).padStart(9)}  ${mean.toFixed(2).padStart(7)}  ${digest}`);
  }
  const mid = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
  console.log(`\nover the traces: median of the medians ${mid(medians).toFixed(2)} ms, median of the means ${mid(means).toFixed(2)} ms per plan`);
}

/** The benchmark's planner calls on one trace, timed. */
function timeTrace(file: string, every: number): { plans: number; times: number[]; digest: string } {
  const m = readMetricCsv(fs.readFileSync(file, 'utf8'), 60);
  const values = m.values;
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const perInstance = finite[Math.min(finite.length - 1, Math.floor(0.99 * finite.length))] / 30;
  const peak = finite[finite.length - 1];
  const maxCapacity = Math.ceil((1.5 * peak) / (perInstance * 0.7));
  const hash = createHash('sha256');
  const times: number[] = [];
  let plans = 0;
  for (let t = 60; t < values.length; t += 15) {
    if (plans++ % every !== 0) continue;
    const from = Math.max(0, t + 1 - 14 * 1440);
    const input: PlanInput = {
      now: m.start + (t + 1) * MINUTE_MS,
      history: { start: m.start + from * MINUTE_MS, stepSeconds: 60, values: values.slice(from, t + 1) },
      capacityPerInstance: perInstance,
      targetUtilization: 0.7,
      minCapacity: 1,
      maxCapacity,
      launchLeadSeconds: 300,
      horizonSeconds: 3600,
    };
    const t0 = performance.now();
    const plan = planCapacity(input);
    times.push(performance.now() - t0);
    hash.update(JSON.stringify(plan));
  }
  return { plans: times.length, times, digest: hash.digest('hex').slice(0, 16) };
}

main();
