#!/usr/bin/env node
/**
 * scaling-backtest: replays your own load metric through the predictive planner and a simulated
 * Auto Scaling group with target tracking, and compares it with target tracking alone.
 *
 *   npx scaling-backtest --csv my-metric.csv [--capacity-per-instance N] [--target 0.7]
 *                        [--launch-lead 300s] [--interval 5m] [--min 1] [--max N]
 *                        [--warmup-days 7] [--budgets 0.01,0.1,1] [--out chart.html]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { REALIZED_UNSERVED_WINDOW_MINUTES, realizedUnservedAlarmWindow } from '../lambda/contract';
import {
  MISS_ORIGINS,
  missEpisodes,
  readMetricCsv,
  renderBacktestChart,
  replayRealizedAlarm,
  runBacktest,
  simulateGroup,
  summarizeMisses,
  type BacktestResult,
  type SimulationResult,
} from '../lambda/core/backtest';
import { DEFAULT_MAX_REALIZED_BOOST, DEFAULT_PLANNER_UNSERVED_BUDGET } from '../lambda/core/plan-capacity';

const USAGE = `usage: scaling-backtest --csv FILE [options]

Replays a metric export (CSV rows "timestamp,value"; ISO 8601 or epoch timestamps; any step,
resampled to one minute) through the product's simulation of an Auto Scaling group: with the
predictive planner beside target tracking at each unserved budget, and with target tracking alone,
at your target and at the lower target that costs the same as each budget's plan. Prints the
frontier (cost and unserved load per budget, and what the same money buys without the planner, and
how often the predictive scaler's budget alarm would have gone off: RealizedUnservedPercent, the
last day's unserved share, above the budget for more than a day) and writes an HTML chart of load,
forecast, capacity and the frontier.

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
  --budgets P,P,...             unserved budgets to compare, in percent of the load (default
                                0.01,0.1,1); the chart's capacity is the planner's at the budget
                                closest to the planner's default (0.03%)
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
  budgetsPercent?: number[];
  help?: boolean;
}

function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag} takes a duration such as 300, 300s or 5m (got "${text}")`);
  const x = Number(m[1]);
  switch (m[2]) {
    case 'ms':
      return x / 1000;
    case 'm':
    case 'min':
      return x * 60;
    case 'h':
      return x * 3600;
    default:
      return x;
  }
}

function parseNumber(flag: string, text: string, check: (x: number) => boolean, what: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new Error(`${flag} must be ${what} (got "${text}")`);
  return x;
}

/** The flags, for node:util's parseArgs: every option takes a value except --help. */
const OPTIONS = {
  csv: { type: 'string' },
  out: { type: 'string' },
  'capacity-per-instance': { type: 'string' },
  target: { type: 'string' },
  'launch-lead': { type: 'string' },
  interval: { type: 'string' },
  min: { type: 'string' },
  max: { type: 'string' },
  'warmup-days': { type: 'string' },
  budgets: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** node:util's parse errors in this CLI's words: the flag and the value, and where to look. */
function usageError(e: unknown, argv: readonly string[]): Error {
  const code = (e as { code?: string }).code;
  const message = (e as Error).message;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new Error(`unknown argument "${quoted}" (see --help)`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new Error(`unexpected argument "${quoted}": every value follows its flag, as in --csv FILE (see --help)`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.replace(/ <value>$/, '').replace(/^-h, /, '');
      if (/argument missing/.test(message)) return new Error(`${flag} needs a value`);
      if (/ambiguous/.test(message)) {
        const value = argv[argv.indexOf(flag) + 1];
        return new Error(`${flag} "${value}": a value that starts with "-" is written ${flag}=${value}`);
      }
      if (/does not take an argument/.test(message)) return new Error(`${flag} takes no value`);
      return new Error(message);
    }
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/** The flags and their values as given (node:util); an error names the flag or the stray value. */
function readFlags(argv: readonly string[]) {
  try {
    return parseArgv({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw usageError(e, argv);
  }
}

/** The command line as options, each value checked (an error names the flag and the value). */
export function parseArgs(argv: readonly string[]): CliArgs {
  const v = readFlags(argv);
  const a: CliArgs = {};
  if (v.csv !== undefined) a.csv = v.csv;
  if (v.out !== undefined) a.out = v.out;
  if (v['capacity-per-instance'] !== undefined) {
    a.capacityPerInstance = parseNumber('--capacity-per-instance', v['capacity-per-instance'], (x) => x > 0, 'a positive number');
  }
  if (v.target !== undefined) a.target = parseNumber('--target', v.target, (x) => x > 0 && x <= 1, 'in (0, 1]');
  if (v['launch-lead'] !== undefined) a.launchLeadSeconds = parseDuration('--launch-lead', v['launch-lead']);
  if (v.interval !== undefined) a.intervalSeconds = parseDuration('--interval', v.interval);
  if (v.min !== undefined) a.min = parseNumber('--min', v.min, (x) => x >= 0 && Number.isInteger(x), 'a whole number >= 0');
  if (v.max !== undefined) a.max = parseNumber('--max', v.max, (x) => x >= 1 && Number.isInteger(x), 'a whole number >= 1');
  if (v['warmup-days'] !== undefined) a.warmupDays = parseNumber('--warmup-days', v['warmup-days'], (x) => x >= 0, 'a number of days >= 0');
  if (v.budgets !== undefined) {
    a.budgetsPercent = v.budgets.split(',').map((b) => parseNumber('--budgets', b, (x) => x >= 0 && x < 100, 'percentages in [0, 100)'));
  }
  if (v.help) a.help = true;
  return a;
}

/** One point of the frontier: a policy's cost and the load it left unserved. */
export interface FrontierPoint {
  readonly policy: string;
  /** The planner's unserved budget, in percent (planner rows only). */
  readonly budgetPercent?: number;
  /** The target utilization target tracking ran at. */
  readonly targetUtilization: number;
  readonly instanceHours: number;
  readonly unservedPercent: number;
  readonly overloadedPercent: number;
  readonly launches: number;
  readonly msPerPlan?: number;
  readonly planErrors?: number;
  /** Planner rows: how often the construct's alarm on the realized unserved share would have gone into ALARM, and for how many hours. */
  readonly budgetAlarm?: { readonly alarms: number; readonly hours: number };
}

/** The frontier of one metric: the planner per budget, and target tracking alone at equal cost. */
export interface Frontier {
  /** The backtest the chart draws (the budget closest to the planner's default). */
  readonly chart: BacktestResult;
  /** The budget of `chart`, in percent. */
  readonly chartBudgetPercent: number;
  /** Target tracking alone at the configured target. */
  readonly reactive: FrontierPoint;
  /** Per budget: the planner, and target tracking alone at the target that costs the same. */
  readonly budgets: readonly { readonly planner: FrontierPoint; readonly sameCost: FrontierPoint }[];
}

const DEFAULT_BUDGETS_PERCENT = [0.01, 0.1, 1];

function point(
  policy: string,
  r: SimulationResult,
  stepSeconds: number,
  scored: number,
  target: number,
  extra: Partial<FrontierPoint> = {},
): FrontierPoint {
  return {
    policy,
    targetUtilization: target,
    instanceHours: (r.instanceSteps * stepSeconds) / 3600,
    unservedPercent: r.totalLoad > 0 ? (100 * r.unservedLoad) / r.totalLoad : 0,
    overloadedPercent: (100 * r.overloadSteps) / Math.max(1, scored),
    launches: r.launches,
    ...extra,
  };
}

/**
 * Backtests the planner at each budget and finds, for each, the target utilization at which target
 * tracking alone costs the same (bisection: a lower target runs more instances).
 */
export function computeFrontier(
  values: Float64Array,
  start: number,
  stepSeconds: number,
  config: Parameters<typeof runBacktest>[3] = {},
  budgetsPercent: readonly number[] = DEFAULT_BUDGETS_PERCENT,
): Frontier {
  const runs = budgetsPercent.map((pct) => ({
    pct,
    result: runBacktest(values, start, stepSeconds, { ...config, plannerOptions: { ...config.plannerOptions, unservedBudget: pct / 100 } }),
  }));
  const first = runs[0].result;
  const scored = values.length - first.scoreFrom;
  const group = {
    capacityPerInstance: first.capacityPerInstance,
    minCapacity: first.minCapacity,
    maxCapacity: first.maxCapacity,
    launchLeadSeconds: config.launchLeadSeconds ?? 300,
  };
  const reactiveAt = (u: number) => simulateGroup(values, start, stepSeconds, { ...group, targetUtilization: u }, undefined, first.scoreFrom);
  const target = first.targetUtilization;
  const reactive = point('target tracking alone', first.reactive, stepSeconds, scored, target);
  const budgets = runs.map(({ pct, result }) => {
    const planner = point(`planner, budget ${pct}%`, result.planned, stepSeconds, scored, target, {
      budgetPercent: pct,
      msPerPlan: result.planned.plans ? result.planned.planMs / result.planned.plans : 0,
      planErrors: result.planned.planErrors,
      budgetAlarm: budgetAlarm(values, start, stepSeconds, result, pct, config.planIntervalSeconds ?? 300),
    });
    let lo = 0.02;
    let hi = 1;
    let best = reactiveAt(target);
    let bestU = target;
    for (let it = 0; it < 14; it++) {
      const u = Math.sqrt(lo * hi);
      const r = reactiveAt(u);
      if (Math.abs(r.instanceSteps - result.planned.instanceSteps) < Math.abs(best.instanceSteps - result.planned.instanceSteps)) {
        best = r;
        bestU = u;
      }
      if (r.instanceSteps > result.planned.instanceSteps) lo = u;
      else hi = u;
    }
    const sameCost = point(`target tracking alone at ${bestU.toFixed(2)} (same cost)`, best, stepSeconds, scored, bestU);
    return { planner, sameCost };
  });
  const closest = runs.reduce((a, b) =>
    Math.abs(Math.log(b.pct / 100 / DEFAULT_PLANNER_UNSERVED_BUDGET)) < Math.abs(Math.log(a.pct / 100 / DEFAULT_PLANNER_UNSERVED_BUDGET)) ? b : a,
  );
  return { chart: closest.result, chartBudgetPercent: closest.pct, reactive, budgets };
}

/**
 * The budget alarm over the scored steps: the share the handler publishes each run (the last day's
 * unserved load over its load) and the construct's alarm on it (hourly minimum above the budget).
 */
function budgetAlarm(
  values: Float64Array,
  start: number,
  stepSeconds: number,
  result: BacktestResult,
  budgetPercent: number,
  intervalSeconds: number,
): FrontierPoint['budgetAlarm'] {
  const window = realizedUnservedAlarmWindow(intervalSeconds);
  const r = replayRealizedAlarm(values, result.planned.capacity, start, stepSeconds * 1000, {
    capacityPerInstance: result.capacityPerInstance,
    targetUtilization: result.targetUtilization,
    minCapacity: result.minCapacity,
    unservedBudget: budgetPercent / 100,
    windowSteps: Math.round((REALIZED_UNSERVED_WINDOW_MINUTES * 60) / stepSeconds),
    everySteps: Math.max(1, Math.round(intervalSeconds / stepSeconds)),
    periodSteps: Math.max(1, Math.round(window.periodSeconds / stepSeconds)),
    periods: window.periods,
    from: result.scoreFrom,
  });
  return { alarms: r.alarms, hours: (r.alarmSteps * stepSeconds) / 3600 };
}

/** The frontier as a table: per budget the planner and target tracking at the same cost, then target tracking at the target. */
export function formatTable(frontier: Frontier): string[][] {
  const header = ['policy', 'instance-hours', 'unserved load', 'overloaded minutes', 'launches', 'ms/plan', 'budget alarm'];
  const row = (p: FrontierPoint) => [
    p.policy,
    p.instanceHours.toFixed(1),
    `${p.unservedPercent.toFixed(4)}%`,
    `${p.overloadedPercent.toFixed(2)}%`,
    String(p.launches),
    p.msPerPlan !== undefined ? p.msPerPlan.toFixed(1) : '',
    p.budgetAlarm ? `${p.budgetAlarm.alarms}x, ${p.budgetAlarm.hours.toFixed(1)} h` : '',
  ];
  return [header, ...frontier.budgets.flatMap((b) => [row(b.planner), row(b.sameCost)]), row(frontier.reactive)];
}

/**
 * An inline SVG of the frontier: unserved load (log scale) against instance-hours, the planner's
 * budgets as one line and target tracking alone at the targets that cost the same as another.
 */
export function renderFrontier(frontier: Frontier): string {
  const W = 640;
  const H = 360;
  const pad = { left: 80, right: 20, top: 20, bottom: 50 };
  const tt = [frontier.reactive, ...frontier.budgets.map((b) => b.sameCost)].sort((a, b) => a.instanceHours - b.instanceHours);
  const planner = frontier.budgets.map((b) => b.planner).sort((a, b) => a.instanceHours - b.instanceHours);
  const all = [...tt, ...planner];
  const floorPct = 1e-4;
  const yv = (p: FrontierPoint) => Math.log10(Math.max(floorPct, p.unservedPercent));
  const x0 = Math.min(...all.map((p) => p.instanceHours)) * 0.95;
  const x1 = Math.max(...all.map((p) => p.instanceHours)) * 1.05;
  const y0 = Math.floor(Math.min(...all.map(yv)));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.max(...all.map(yv))));
  const x = (v: number) => pad.left + ((v - x0) / Math.max(1e-9, x1 - x0)) * (W - pad.left - pad.right);
  const y = (p: FrontierPoint) => pad.top + (1 - (yv(p) - y0) / (y1 - y0)) * (H - pad.top - pad.bottom);
  const line = (ps: FrontierPoint[], color: string) =>
    `<path d="${ps.map((p, i) => `${i ? 'L' : 'M'}${x(p.instanceHours).toFixed(1)},${y(p).toFixed(1)}`).join('')}" fill="none" stroke="${color}" stroke-width="1.6"/>` +
    ps
      .map(
        (p) =>
          `<circle cx="${x(p.instanceHours).toFixed(1)}" cy="${y(p).toFixed(1)}" r="4" fill="${color}"><title>${escapeXml(p.policy)}: ${p.instanceHours.toFixed(1)} instance-hours, ${p.unservedPercent.toFixed(4)}% unserved</title></circle>` +
          `<text x="${(x(p.instanceHours) + 6).toFixed(1)}" y="${(y(p) - 6).toFixed(1)}">${escapeXml(p.budgetPercent !== undefined ? `${p.budgetPercent}%` : `target ${p.targetUtilization.toFixed(2)}`)}</text>`,
      )
      .join('');
  const ticks: string[] = [];
  for (let e = y0; e <= y1; e++) {
    const yy = pad.top + (1 - (e - y0) / (y1 - y0)) * (H - pad.top - pad.bottom);
    ticks.push(
      `<line x1="${pad.left}" x2="${W - pad.right}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#eee"/><text x="${pad.left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}%</text>`,
    );
  }
  return `<h2>Frontier: what each unserved budget costs, and what the same money buys without the planner</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="frontier of cost and unserved load">
${ticks.join('\n')}
<text x="${(W / 2).toFixed(0)}" y="${H - 10}" text-anchor="middle">instance-hours (scored days)</text>
<text x="14" y="${(H / 2).toFixed(0)}" transform="rotate(-90 14 ${(H / 2).toFixed(0)})" text-anchor="middle">unserved load (log; ${floorPct}% and below at the bottom)</text>
${line(tt, '#c0392b')}
${line(planner, '#2471a3')}
<g transform="translate(${pad.left + 10},${pad.top + 6})"><rect width="14" height="3" fill="#2471a3"/><text x="20" y="5">planner + target tracking, per budget</text>
<rect y="16" width="14" height="3" fill="#c0392b"/><text x="20" y="21">target tracking alone, per target</text></g>
</svg>
`;
}

/** What each origin says of a miss (`missEpisodes`' defaults), for the table's first column. */
const ORIGIN_LABELS: Record<(typeof MISS_ORIGINS)[number], string> = {
  recent: `recent: within ${DEFAULT_MAX_REALIZED_BOOST}x of the last 2 hours`,
  'time-of-day': `time of day: within ${DEFAULT_MAX_REALIZED_BOOST}x of the same time on the 7 days before`,
  record: `record: within ${DEFAULT_MAX_REALIZED_BOOST}x of the highest load of the 14 days before`,
  new: 'new: above all of them',
};

/**
 * Where the plan's unserved load came from (`missEpisodes` on the backtest's capacity): per origin
 * the episodes and their share of the scored load, then the `top` largest episodes.
 */
export function formatMisses(values: Float64Array, result: BacktestResult, start: number, stepSeconds: number, top = 5): string[] {
  const episodes = missEpisodes(values, result.planned.capacity, {
    capacityPerInstance: result.capacityPerInstance,
    stepSeconds,
    from: result.scoreFrom,
  });
  const summary = summarizeMisses(episodes, result.planned.totalLoad);
  if (episodes.length === 0) return ['no load went unserved'];
  const pct = (x: number) => `${(100 * x).toFixed(4)}%`;
  const instances = (x: number) => (x / result.capacityPerInstance).toFixed(1);
  const origins = [
    ['what the metric had shown before the miss', 'episodes', 'unserved load'],
    ...MISS_ORIGINS.map((k) => [ORIGIN_LABELS[k], String(summary.byOrigin[k].episodes), pct(summary.byOrigin[k].unservedShare)]),
  ];
  const largest = [
    ['largest episodes', 'minutes', 'unserved load', 'peak (instances at 100%)', 'in service', 'last 2 h', 'same time', '14 days', 'origin'],
    ...episodes
      .slice(0, top)
      .map((e) => [
        new Date(start + e.start * stepSeconds * 1000).toISOString().slice(0, 16).replace('T', ' '),
        String(Math.round(((e.end - e.start + 1) * stepSeconds) / 60)),
        pct(e.unserved / Math.max(Number.MIN_VALUE, result.planned.totalLoad)),
        instances(e.peakLoad),
        String(e.minInService),
        instances(e.recentPeak),
        instances(e.timeOfDayPeak),
        instances(e.recordPeak),
        e.origin,
      ]),
  ];
  return [printTable(origins), '', printTable(largest)];
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
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
    const frontier = computeFrontier(
      metric.values,
      metric.start,
      metric.stepSeconds,
      {
        capacityPerInstance: args.capacityPerInstance,
        targetUtilization: args.target,
        launchLeadSeconds: args.launchLeadSeconds,
        planIntervalSeconds: args.intervalSeconds,
        minCapacity: args.min,
        maxCapacity: args.max,
        warmupSteps: args.warmupDays !== undefined ? Math.min(Math.round(args.warmupDays * stepsPerDay), metric.values.length - 1) : undefined,
      },
      args.budgetsPercent,
    );
    const result = frontier.chart;
    const table = formatTable(frontier);
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
    lines.push(
      '',
      `where the planner's unserved load came from (budget ${frontier.chartBudgetPercent}%):`,
      '',
      ...formatMisses(metric.values, result, metric.start, metric.stepSeconds),
    );
    const errors = frontier.budgets.reduce((a, b) => a + (b.planner.planErrors ?? 0), 0);
    if (errors) lines.push(`\nwarning: ${errors} plans failed (the previous plan was kept)`);
    const out = args.out ?? `${args.csv.replace(/\.csv$/i, '')}.backtest.html`;
    const html = renderBacktestChart({
      title: `Backtest of ${path.basename(args.csv)} (capacity drawn for the budget ${frontier.chartBudgetPercent}%)`,
      start: metric.start,
      stepSeconds: metric.stepSeconds,
      load: metric.values,
      forecast: result.planned.forecast,
      plannedCapacity: result.planned.capacity,
      reactiveCapacity: result.reactive.capacity,
      capacityPerInstance: result.capacityPerInstance,
      scoreFrom: result.scoreFrom,
      table,
    });
    fs.writeFileSync(out, html.replace('</body>', `${renderFrontier(frontier)}</body>`));
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
