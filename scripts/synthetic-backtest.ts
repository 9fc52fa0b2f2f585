/**
 * The planner on every synthetic load family (scripts/synthetic-families.ts), 11 days each
 * (8 of history, 3 scored), through the product's group simulation, at the risk budgets 1% and
 * 0.1%, beside target tracking alone. Prints a table, or with --json one JSON document (the
 * synthetic-family test runs this in a child process: plain Node runs the planner many times
 * faster than the test runner's module sandbox).
 *
 *   npx tsx scripts/synthetic-backtest.ts [--json] [--options '{"replayHalfLifeSeconds":86400}']
 *     [--family NAME] [--seeds 1-8] [--budgets 1,0.1,0.03]
 *
 * --options: planner options (JSON) beside each budget, to check a setting that is off by default.
 * --family: one family only. --seeds: generate each family from every seed of the range (default
 * the one seed 42) and print per family and budget the mean and largest unserved share, how many
 * seeds stayed within twice the budget, and the instance-hours summed over the seeds (with --json,
 * the rows of every seed).
 * --budgets: percent (default 1 and 0.1).
 */
import { parseArgs } from 'node:util';
import { runBacktest } from '../lambda/core/backtest/run-backtest';
import type { PlannerOptions } from '../lambda/core/plan-capacity';
import { SYNTHETIC_FAMILIES } from './synthetic-families';

const T0 = Date.UTC(2026, 0, 5); // a Monday
export const SYNTHETIC_BUDGETS = [1e-2, 1e-3] as const;

export interface SyntheticRow {
  readonly family: string;
  /** The seed the family was generated from. */
  readonly seed: number;
  readonly budget: number;
  readonly plannedUnservedPercent: number;
  readonly reactiveUnservedPercent: number;
  readonly plannedInstanceHours: number;
  readonly reactiveInstanceHours: number;
  readonly planErrors: number;
}

export interface SyntheticRunOptions {
  /** One family only (its name). */
  readonly family?: string;
  /** @default 42 */
  readonly seed?: number;
  /** Fractions. @default SYNTHETIC_BUDGETS */
  readonly budgets?: readonly number[];
}

export function runSyntheticFamilies(options: PlannerOptions = {}, run: SyntheticRunOptions = {}): SyntheticRow[] {
  const rows: SyntheticRow[] = [];
  const families = SYNTHETIC_FAMILIES.filter((f) => run.family === undefined || f.name === run.family);
  if (families.length === 0) throw new Error(`no synthetic family is named ${run.family} (${SYNTHETIC_FAMILIES.map((f) => f.name).join(', ')})`);
  for (const family of families) {
    const values = family.generate(11, run.seed ?? 42);
    for (const budget of run.budgets ?? SYNTHETIC_BUDGETS) {
      const r = runBacktest(values, T0, 60, {
        warmupSteps: 8 * 1440,
        planIntervalSeconds: 900,
        plannerOptions: { ...options, unservedBudget: budget },
      });
      const [planned, reactive] = r.summary;
      rows.push({
        family: family.name,
        seed: run.seed ?? 42,
        budget,
        plannedUnservedPercent: planned.unservedPercent,
        reactiveUnservedPercent: reactive.unservedPercent,
        plannedInstanceHours: planned.instanceHours,
        reactiveInstanceHours: reactive.instanceHours,
        planErrors: planned.planErrors ?? 0,
      });
    }
  }
  return rows;
}

if (require.main === module) {
  const { values: args } = parseArgs({
    options: {
      json: { type: 'boolean' },
      options: { type: 'string' },
      family: { type: 'string' },
      seeds: { type: 'string' },
      budgets: { type: 'string' },
    },
  });
  const plannerOptions = args.options ? (JSON.parse(args.options) as PlannerOptions) : {};
  const budgets = args.budgets?.split(',').map((b) => Number(b) / 100);
  if (budgets && !budgets.every((b) => b > 0 && b < 1)) throw new Error(`--budgets takes percentages in (0, 100) (got ${args.budgets})`);
  const run = { ...(args.family ? { family: args.family } : {}), ...(budgets ? { budgets } : {}) };
  if (args.seeds) {
    const m = /^(\d+)-(\d+)$/.exec(args.seeds);
    if (!m || Number(m[1]) > Number(m[2])) throw new Error(`--seeds takes a range FIRST-LAST (got ${args.seeds})`);
    const rows: SyntheticRow[] = [];
    for (let seed = Number(m[1]); seed <= Number(m[2]); seed++) rows.push(...runSyntheticFamilies(plannerOptions, { ...run, seed }));
    if (args.json) process.stdout.write(JSON.stringify(rows));
    else printSeeds(rows);
  } else {
    const rows = runSyntheticFamilies(plannerOptions, run);
    if (args.json) {
      process.stdout.write(JSON.stringify(rows));
    } else {
      console.log('family                budget  unserved  (target tracking alone)  instance-hours vs target tracking');
      for (const r of rows) {
        console.log(
          `${r.family.padEnd(20)}  ${(100 * r.budget).toFixed(1).padStart(5)}%  ${r.plannedUnservedPercent.toFixed(4).padStart(7)}%  ` +
            `(${r.reactiveUnservedPercent.toFixed(4)}%)  ${(r.plannedInstanceHours / r.reactiveInstanceHours).toFixed(2)}`,
        );
      }
    }
  }
}

/** Per family and budget over the seeds: mean and largest unserved share, seeds within twice the budget, instance-hours. */
function printSeeds(rows: SyntheticRow[]): void {
  console.log('family                budget  seeds  unserved mean / largest  within twice the budget  instance-hours (target tracking alone)');
  const keys = [...new Set(rows.map((r) => `${r.family}|${r.budget}`))];
  for (const key of keys) {
    const mine = rows.filter((r) => `${r.family}|${r.budget}` === key);
    const { family, budget } = mine[0];
    const shares = mine.map((r) => r.plannedUnservedPercent);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    const within = shares.filter((u) => u / 100 <= 2 * budget).length;
    const hours = mine.reduce((a, r) => a + r.plannedInstanceHours, 0);
    const reactive = mine.reduce((a, r) => a + r.reactiveInstanceHours, 0);
    console.log(
      `${family.padEnd(20)}  ${(100 * budget).toFixed(2).padStart(5)}%  ${String(mine.length).padStart(5)}  ${mean.toFixed(4).padStart(8)}% / ${Math.max(...shares).toFixed(4)}%` +
        `  ${String(within).padStart(10)} of ${mine.length}  ${hours.toFixed(0).padStart(10)} (${reactive.toFixed(0)})`,
    );
  }
}
