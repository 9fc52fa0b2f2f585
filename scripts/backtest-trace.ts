/**
 * The planner on (the first days of) one trace of data/traces, through the product's group
 * simulation, with planner options, beside target tracking alone: a quick way to see what one
 * option does to one metric. Prints one JSON document (the summary rows of `runBacktest`).
 *
 *   npx tsx scripts/backtest-trace.ts --trace crane-app-11 [--days 12] [--scored-days 2]
 *                                     [--interval 900] [--options '{"unscaledProfiles":false}']
 *
 * The unscaled-profiles test runs this in a child process (plain Node runs the planner many times
 * faster than the test runner's module sandbox).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readMetricCsv } from '../lambda/core/backtest/read-metric-csv';
import { runBacktest } from '../lambda/core/backtest/run-backtest';
import type { PlannerOptions } from '../lambda/core/plan-capacity';

const DAY_STEPS = 1440;

function main(): void {
  const { values: args } = parseArgs({
    options: {
      trace: { type: 'string' },
      days: { type: 'string' },
      'scored-days': { type: 'string' },
      interval: { type: 'string' },
      options: { type: 'string' },
    },
  });
  if (!args.trace) throw new Error('--trace is required (a name in data/traces/manifest.json)');
  const file = path.join(__dirname, '..', 'data', 'traces', `${args.trace}.csv`);
  if (!fs.existsSync(file)) throw new Error(`--trace ${args.trace}: no ${path.relative(process.cwd(), file)}`);
  const positive = (flag: string, v: string | undefined, fallback: number) => {
    const x = v === undefined ? fallback : Number(v);
    if (!(x > 0)) throw new Error(`${flag} must be a positive number (got ${v})`);
    return x;
  };
  const metric = readMetricCsv(fs.readFileSync(file, 'utf8'));
  const days = positive('--days', args.days, metric.values.length / DAY_STEPS);
  const scored = positive('--scored-days', args['scored-days'], Math.min(2, days / 2));
  const values = metric.values.slice(0, Math.round(days * DAY_STEPS));
  const plannerOptions = (args.options ? JSON.parse(args.options) : {}) as PlannerOptions;
  const result = runBacktest(values, metric.start, 60, {
    warmupSteps: Math.max(0, values.length - Math.round(scored * DAY_STEPS)),
    planIntervalSeconds: positive('--interval', args.interval, 900),
    plannerOptions,
  });
  process.stdout.write(`${JSON.stringify({ trace: args.trace, capacityPerInstance: result.capacityPerInstance, summary: result.summary })}\n`);
}

main();
