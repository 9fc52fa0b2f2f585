import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { SyntheticRow } from '../../../scripts/synthetic-backtest';
import { SYNTHETIC_FAMILIES } from '../../../scripts/synthetic-families';

/**
 * The planner on load it was never tuned on: every synthetic family (trend over weeks, level
 * shifts, a regime change, bursts in clusters, bursts at the busy hours, jumps from a quiet load, gaps, weekly-only, no
 * seasonality, heavy noise, tiny and huge values), 11 days each (8 of history, 3 scored), through the product's simulated group,
 * at the budgets 1% and 0.1% (`npx tsx scripts/synthetic-backtest.ts`, run here in a child process).
 * The test holds the planner to the budget on each family, with the slack the goal allows
 * (achieved <= 2x requested), or to what target tracking alone leaves where no plan could serve
 * the load in time.
 */
const root = path.resolve(__dirname, '..', '..', '..');
let rows: SyntheticRow[] = [];

beforeAll(() => {
  const out = execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'synthetic-backtest.ts'), '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  rows = JSON.parse(out) as SyntheticRow[];
  process.stdout.write(
    rows
      .map(
        (r) =>
          `${r.family.padEnd(20)} ${(100 * r.budget).toFixed(1)}%  ${r.plannedUnservedPercent.toFixed(4)}% (${r.reactiveUnservedPercent.toFixed(4)}%)  ${(r.plannedInstanceHours / r.reactiveInstanceHours).toFixed(2)}`,
      )
      .join('\n') + '\n',
  );
}, 600_000);

describe('planCapacity on synthetic load families', () => {
  for (const family of SYNTHETIC_FAMILIES) {
    test(`${family.name}: ${family.description}`, () => {
      const mine = rows.filter((r) => r.family === family.name);
      expect(mine).toHaveLength(2);
      for (const r of mine) {
        expect(r.planErrors).toBe(0);
        expect(r.plannedInstanceHours).toBeGreaterThan(0);
        // within twice the budget, or no worse than target tracking alone
        expect(r.plannedUnservedPercent / 100).toBeLessThanOrEqual(Math.max(2 * r.budget, r.reactiveUnservedPercent / 100));
        // and never more than three times what target tracking alone runs
        expect(r.plannedInstanceHours).toBeLessThan(3 * r.reactiveInstanceHours);
      }
    });
  }
});

/**
 * Jumps from a quiet load (crane-app-6's shape): no plan serves the first minutes of a jump no
 * history announced, so where the scored days hold only such jumps the planner leaves what target
 * tracking alone leaves; once the history holds a jump, the history-peak cap lets the replay keep
 * capacity for the next one, and the planner serves most of it, at several times the instance-hours.
 * Eight seeds at 0.1% (`npx tsx scripts/synthetic-backtest.ts --family jumps-from-quiet --seeds 1-8
 * --budgets 0.1`).
 */
describe('planCapacity on jumps from a quiet load, over eight seeds', () => {
  let seeds: SyntheticRow[] = [];
  beforeAll(() => {
    const out = execFileSync(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'scripts', 'synthetic-backtest.ts'), '--json', '--family', 'jumps-from-quiet', '--seeds', '1-8', '--budgets', '0.1'],
      { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    seeds = JSON.parse(out) as SyntheticRow[];
  }, 600_000);

  test('never worse than target tracking alone, less than half its unserved load over the seeds, at most 6x its instance-hours', () => {
    expect(seeds.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of seeds) {
      expect(r.planErrors).toBe(0);
      expect(r.plannedUnservedPercent).toBeLessThanOrEqual(r.reactiveUnservedPercent + 1e-9);
      expect(r.plannedInstanceHours).toBeLessThan(6 * r.reactiveInstanceHours);
    }
    const sum = (f: (r: SyntheticRow) => number) => seeds.reduce((a, r) => a + f(r), 0);
    expect(sum((r) => r.plannedUnservedPercent)).toBeLessThan(0.5 * sum((r) => r.reactiveUnservedPercent));
  });
});
