import { runBacktest } from '../../lambda/core/backtest/run-backtest';
import { SYNTHETIC_FAMILIES } from '../../scripts/synthetic-families';

const T0 = Date.UTC(2026, 0, 5); // a Monday

/**
 * The planner on load it was never tuned on: every synthetic family (trend over weeks, level
 * shifts, a regime change, bursts in clusters, gaps, weekly-only, no seasonality, heavy noise, tiny
 * and huge values), 11 days each (8 of history, 3 scored), through the product's simulated group,
 * at the budgets 1% and 0.1%. The figures are printed (the leave-one-out figures of the docs come
 * from `scripts/bench-planner-loo.ts --synthetic`); the test holds the planner to the budget on
 * each family, with the slack the goal allows (achieved <= 2x requested), or to what target
 * tracking alone leaves where no plan could serve the load in time.
 */
describe('planCapacity on synthetic load families', () => {
  const rows: string[] = [];
  afterAll(() => {
    process.stdout.write(`family                budget  unserved  (target tracking alone)  instance-hours vs target tracking\n${rows.join('\n')}\n`);
  });

  for (const family of SYNTHETIC_FAMILIES) {
    test(`${family.name}: ${family.description}`, () => {
      const values = family.generate(11, 42);
      for (const budget of [1e-2, 1e-3]) {
        const r = runBacktest(values, T0, 60, {
          warmupSteps: 8 * 1440,
          planIntervalSeconds: 900,
          plannerOptions: { unservedBudget: budget },
        });
        const [planned, reactive] = r.summary;
        rows.push(
          `${family.name.padEnd(20)}  ${(100 * budget).toFixed(1).padStart(5)}%  ${planned.unservedPercent.toFixed(4).padStart(7)}%  ` +
            `(${reactive.unservedPercent.toFixed(4)}%)  ${(planned.instanceHours / reactive.instanceHours).toFixed(2)}`,
        );
        expect(planned.planErrors).toBe(0);
        expect(planned.instanceHours).toBeGreaterThan(0);
        // within twice the budget, or no worse than target tracking alone
        expect(planned.unservedPercent / 100).toBeLessThanOrEqual(Math.max(2 * budget, reactive.unservedPercent / 100));
        // and never more than three times what target tracking alone runs
        expect(planned.instanceHours).toBeLessThan(3 * reactive.instanceHours);
      }
    }, 120_000);
  }
});
