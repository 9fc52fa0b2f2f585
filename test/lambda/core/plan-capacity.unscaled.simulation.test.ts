import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMetricCsv } from '../../../lambda/core/backtest/read-metric-csv';
import type { PolicySummary } from '../../../lambda/core/backtest/run-backtest';
import { explainPlan } from '../../../lambda/core/plan-capacity';

/**
 * The daily profiles taken as they are (`unscaledProfiles`, on by default). crane-app-11 (in
 * data/traces) is a load whose recent level says little about the next hour: it sits near 1.6
 * instances' worth and bursts to 20-30 many times a day, at the busy hours. Scaled to the recent
 * level, the profile's forecast swings with each burst and the replayed headroom has to cover the
 * swing; the profile as it is plans the busy hours from the time of day.
 */
const DAY = 1440;
const root = path.resolve(__dirname, '..', '..', '..');
const trace = readMetricCsv(fs.readFileSync(path.join(root, 'data', 'traces', 'crane-app-11.csv'), 'utf8'));
/** 12 days: 10 of history, the last 2 scored. */
const values = trace.values.slice(0, 12 * DAY);

describe('daily profiles taken as they are (unscaledProfiles)', () => {
  test('plan crane-app-11, and the published forecast still comes from a level-scaled model', () => {
    const at = 11 * DAY + 14 * 60;
    const input = {
      now: trace.start + at * 60_000,
      history: { start: trace.start, stepSeconds: 60, values: values.slice(0, at) },
      capacityPerInstance: 1.41,
      targetUtilization: 0.7,
      minCapacity: 1,
      maxCapacity: 60,
      launchLeadSeconds: 300,
      horizonSeconds: 1800,
    };
    const planned = explainPlan(input);
    const on = planned.explanation!;
    // the run log names it
    expect(planned.plan.diagnostics?.model).toMatch(/^daily (median|maximum) profile as it is$/);
    const off = explainPlan(input, { unscaledProfiles: false }).explanation!;
    expect(on.model.unscaled).toBe(true);
    expect(on.forecastModel.unscaled).toBeUndefined();
    expect(off.model.unscaled).toBeUndefined();
    // the replay keeps the model that needs the least capacity for the budget
    expect(on.headroom.cost).toBeLessThan(off.headroom.cost);
  });

  test('through the simulated group: fewer instance-hours and less unserved load than the level-scaled models alone', () => {
    // scripts/backtest-trace.ts in a child process: plain Node runs the planner many times faster
    const run = (unscaledProfiles: boolean): PolicySummary => {
      const out = execFileSync(
        path.join(root, 'node_modules', '.bin', 'tsx'),
        [
          path.join(root, 'scripts', 'backtest-trace.ts'),
          '--trace',
          'crane-app-11',
          '--days',
          '12',
          '--scored-days',
          '2',
          '--options',
          JSON.stringify({ unscaledProfiles }),
        ],
        { cwd: root, encoding: 'utf8' },
      );
      return (JSON.parse(out) as { summary: PolicySummary[] }).summary[0];
    };
    const on = run(true);
    const off = run(false);
    process.stdout.write(
      `crane-app-11, days 10-11 at the default budget: profiles as they are ${on.instanceHours.toFixed(0)} instance-hours / ` +
        `${on.unservedPercent.toFixed(4)}% unserved; level-scaled only ${off.instanceHours.toFixed(0)} / ${off.unservedPercent.toFixed(4)}%\n`,
    );
    expect(on.planErrors ?? 0).toBe(0);
    expect(on.instanceHours).toBeLessThan(0.8 * off.instanceHours);
    expect(on.unservedPercent).toBeLessThan(off.unservedPercent);
    expect(on.unservedPercent).toBeLessThanOrEqual(0.06);
  }, 120_000);
});
