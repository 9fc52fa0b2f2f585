/**
 * The planner on every synthetic load family (scripts/synthetic-families.ts), 11 days each
 * (8 of history, 3 scored), through the product's group simulation, at the risk budgets 1% and
 * 0.1%, beside target tracking alone. Prints a table, or with --json one JSON document (the
 * synthetic-family test runs this in a child process: plain Node runs the planner many times
 * faster than the test runner's module sandbox).
 *
 *   npx tsx scripts/synthetic-backtest.ts [--json] [--options '{"replayHalfLifeSeconds":86400}']
 *
 * --options: planner options (JSON) beside each budget, to check a setting that is off by default.
 */
import { runBacktest } from '../lambda/core/backtest/run-backtest';
import type { PlannerOptions } from '../lambda/core/plan-capacity';
import { SYNTHETIC_FAMILIES } from './synthetic-families';

const T0 = Date.UTC(2026, 0, 5); // a Monday
export const SYNTHETIC_BUDGETS = [1e-2, 1e-3] as const;

export interface SyntheticRow {
  readonly family: string;
  readonly budget: number;
  readonly plannedUnservedPercent: number;
  readonly reactiveUnservedPercent: number;
  readonly plannedInstanceHours: number;
  readonly reactiveInstanceHours: number;
  readonly planErrors: number;
}

export function runSyntheticFamilies(options: PlannerOptions = {}): SyntheticRow[] {
  const rows: SyntheticRow[] = [];
  for (const family of SYNTHETIC_FAMILIES) {
    const values = family.generate(11, 42);
    for (const budget of SYNTHETIC_BUDGETS) {
      const r = runBacktest(values, T0, 60, {
        warmupSteps: 8 * 1440,
        planIntervalSeconds: 900,
        plannerOptions: { ...options, unservedBudget: budget },
      });
      const [planned, reactive] = r.summary;
      rows.push({
        family: family.name,
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
  const at = process.argv.indexOf('--options');
  const rows = runSyntheticFamilies(at >= 0 ? (JSON.parse(process.argv[at + 1]) as PlannerOptions) : {});
  if (process.argv.includes('--json')) {
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
