#!/usr/bin/env node
/**
 * scaling-backtest: replays your own load metric through the predictive planner and a simulated
 * Auto Scaling group with target tracking, and compares it with target tracking alone.
 *
 *   npx scaling-backtest --csv my-metric.csv [--capacity-per-instance N] [--target 0.7]
 *                        [--launch-lead 300s] [--interval 5m] [--min 1] [--max N]
 *                        [--warmup-days 7] [--out chart.html]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMetricCsv, renderBacktestChart, runBacktest, BacktestResult } from '../lambda/core/backtest';

const USAGE = `usage: scaling-backtest --csv FILE [options]

Replays a metric export (CSV rows "timestamp,value"; ISO 8601 or epoch timestamps; any step,
resampled to one minute) through the product's simulation of an Auto Scaling group, once with the
predictive planner beside target tracking and once with target tracking alone, prints both and
writes an HTML chart of load, forecast and capacity.

options:
  --csv FILE                    the metric export (required)
  --capacity-per-instance N     load one instance serves per minute at 100% utilization
                                (default: the 99th-percentile load / (10 x target), so the busy
                                minutes need 10 instances)
  --target U                    target utilization in (0, 1] (default 0.7)
  --launch-lead D               launch to in-service time: 300, 300s or 5m (default 300s)
  --interval D                  how often the planner runs (default 5m, as the scaler's schedule)
  --min N / --max N             group bounds (default 1 / what twice the peak needs at the target)
  --warmup-days D               days used only as history, not scored (default 7, or half of a
                                shorter export)
  --out FILE                    the chart (default: FILE.backtest.html beside the CSV)
  -h, --help                    this text
`;

interface CliArgs {
  csv?: string;
  out?: string;
  capacityPerInstance?: number;
  target?: number;
  launchLeadSeconds?: number;
  intervalSeconds?: number;
  min?: number;
  max?: number;
  warmupDays?: number;
  help?: boolean;
}

function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag} takes a duration such as 300, 300s or 5m (got "${text}")`);
  const x = Number(m[1]);
  switch (m[2]) {
    case 'ms': return x / 1000;
    case 'm': case 'min': return x * 60;
    case 'h': return x * 3600;
    default: return x;
  }
}

function parseNumber(flag: string, text: string, check: (x: number) => boolean, what: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new Error(`${flag} must be ${what} (got "${text}")`);
  return x;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--csv': a.csv = value(); break;
      case '--out': a.out = value(); break;
      case '--capacity-per-instance': a.capacityPerInstance = parseNumber(flag, value(), (x) => x > 0, 'a positive number'); break;
      case '--target': a.target = parseNumber(flag, value(), (x) => x > 0 && x <= 1, 'in (0, 1]'); break;
      case '--launch-lead': a.launchLeadSeconds = parseDuration(flag, value()); break;
      case '--interval': a.intervalSeconds = parseDuration(flag, value()); break;
      case '--min': a.min = parseNumber(flag, value(), (x) => x >= 0 && Number.isInteger(x), 'a whole number >= 0'); break;
      case '--max': a.max = parseNumber(flag, value(), (x) => x >= 1 && Number.isInteger(x), 'a whole number >= 1'); break;
      case '--warmup-days': a.warmupDays = parseNumber(flag, value(), (x) => x >= 0, 'a number of days >= 0'); break;
      case '-h': case '--help': a.help = true; break;
      default: throw new Error(`unknown argument "${flag}" (see --help)`);
    }
  }
  return a;
}

export function formatTable(result: BacktestResult): string[][] {
  const header = ['policy', 'instance-hours', 'unserved load', 'overloaded minutes', 'launches', 'ms/plan'];
  const rows = result.summary.map((s) => [
    s.policy,
    s.instanceHours.toFixed(1),
    `${s.unservedPercent.toFixed(4)}%`,
    `${s.overloadedPercent.toFixed(2)}%`,
    String(s.launches),
    s.msPerPlan !== undefined ? s.msPerPlan.toFixed(1) : '',
  ]);
  return [header, ...rows];
}

function printTable(table: string[][]): string {
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function main(argv: readonly string[]): number {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`scaling-backtest: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!args.csv) {
    process.stderr.write(`scaling-backtest: --csv is required\n\n${USAGE}`);
    return 2;
  }
  try {
    const metric = readMetricCsv(fs.readFileSync(args.csv, 'utf8'), 60);
    const stepsPerDay = 1440;
    const result = runBacktest(metric.values, metric.start, metric.stepSeconds, {
      capacityPerInstance: args.capacityPerInstance,
      targetUtilization: args.target,
      launchLeadSeconds: args.launchLeadSeconds,
      planIntervalSeconds: args.intervalSeconds,
      minCapacity: args.min,
      maxCapacity: args.max,
      warmupSteps: args.warmupDays !== undefined ? Math.min(Math.round(args.warmupDays * stepsPerDay), metric.values.length - 1) : undefined,
    });
    const table = formatTable(result);
    const scoredDays = (metric.values.length - result.scoreFrom) / stepsPerDay;
    const lines = [
      `${path.basename(args.csv)}: ${metric.rows - metric.skipped} rows every ${metric.sourceStepSeconds}s` +
        `${metric.skipped ? ` (${metric.skipped} unparsable rows skipped)` : ''}, ${(metric.values.length / stepsPerDay).toFixed(1)} days at one minute, ` +
        `${scoredDays.toFixed(1)} days scored`,
      `capacity per instance ${formatValue(result.capacityPerInstance)}${args.capacityPerInstance === undefined ? ' (default: p99 load / (10 x target))' : ''}, ` +
        `target ${result.targetUtilization}, group ${result.minCapacity}..${result.maxCapacity}`,
      '',
      printTable(table),
    ];
    if (result.planned.planErrors) lines.push(`\nwarning: ${result.planned.planErrors} plans failed (the previous plan was kept)`);
    const out = args.out ?? `${args.csv.replace(/\.csv$/i, '')}.backtest.html`;
    fs.writeFileSync(out, renderBacktestChart({
      title: `Backtest of ${path.basename(args.csv)}`,
      start: metric.start,
      stepSeconds: metric.stepSeconds,
      load: metric.values,
      forecast: result.planned.forecast,
      plannedCapacity: result.planned.capacity,
      reactiveCapacity: result.reactive.capacity,
      capacityPerInstance: result.capacityPerInstance,
      scoreFrom: result.scoreFrom,
      table,
    }));
    lines.push('', `chart: ${out}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`scaling-backtest: ${(e as Error).message}\n`);
    return 1;
  }
}

function formatValue(x: number): string {
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-2 ? x.toExponential(3) : x.toFixed(3);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
