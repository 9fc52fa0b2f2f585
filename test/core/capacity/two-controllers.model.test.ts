/**
 * Model-based test (fast-check commands): both scaler handlers, the group's own schedules and
 * target tracking act on one in-memory group (test/support/fake-group) in random order, with
 * runs that die at a random AWS call. After every step: MinSize <= desired <= MaxSize in every
 * state the group went through, MinSize never below and MaxSize never above the user's bounds in
 * force (a user schedule is never undone), and no scheduled action failed when due.
 *
 * The one assumption the model makes of the deployment: the cost optimizer completes a run at
 * least hourly (its default schedule), which is what its look-ahead for the group's own schedules
 * is sized for; time only advances while that holds.
 */
import fc from 'fast-check';
import type { GroupBaseline } from '../../../lambda/contract/group-baseline';
import { FakeGroup, HOUR, MINUTE, violations } from '../../support/fake-group';
import { costEnv, predictiveEnv, runCost, runPredictive } from '../../support/handler-runs';
import { dailyLoad } from '../../predictive-scaler/emulator-fixture';

const STAGING: GroupBaseline = {
  minSize: 2,
  maxSize: 6,
  schedules: [
    { name: 'weekday-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
    { name: 'weekday-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 },
    { name: 'nightly-batch', recurrence: '30 1 * * *', timeZone: 'Europe/Berlin', minSize: 4 },
    { name: 'nightly-batch-end', recurrence: '30 2 * * *', timeZone: 'Europe/Berlin', minSize: 2 },
    { name: 'weekend-cap', recurrence: '0 0 * * 6', timeZone: 'Europe/Berlin', maxSize: 4 },
    { name: 'weekend-cap-end', recurrence: '0 0 * * 1', timeZone: 'Europe/Berlin', maxSize: 6 },
  ],
};
const WORKING_HOURS = JSON.stringify({ days: [1, 2, 3, 4, 5], startMinute: 420, endMinute: 1260, timeZone: 'Europe/Berlin' });

interface Model {
  lastCostRun: number;
}
type Real = FakeGroup;

const noViolations = (g: FakeGroup, what: string) => expect({ after: what, violations: violations(g) }).toEqual({ after: what, violations: [] });

class PredictiveRun implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly loadScale: number,
    readonly fault?: { k: number; mode: 'before' | 'after' },
  ) {}
  check = () => true;
  async run(_m: Model, g: Real) {
    g.load = (t) => dailyLoad(t) * this.loadScale;
    g.armFault(this.fault);
    await runPredictive(g, predictiveEnv(g, { SCHEDULE_INTERVAL_SECONDS: '300' }));
    g.armFault(undefined);
    noViolations(g, this.toString());
  }
  toString = () => `predictive(x${this.loadScale}${this.fault ? `, dies at call ${this.fault.k} ${this.fault.mode}` : ''})`;
}

class CostRun implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly forecastPercent: number,
    readonly cpu: number,
    readonly fault?: { k: number; mode: 'before' | 'after' },
  ) {}
  check = () => true;
  async run(m: Model, g: Real) {
    g.forecastPercent = this.forecastPercent;
    g.cpu = () => this.cpu;
    g.armFault(this.fault);
    const r = await runCost(g, costEnv(g, { WORKING_HOURS, RESTORE_LEAD_MINUTES: '30' }));
    g.armFault(undefined);
    if (r.error === undefined) m.lastCostRun = g.now;
    noViolations(g, this.toString());
  }
  toString = () => `cost(${this.forecastPercent}%, cpu ${this.cpu}${this.fault ? `, dies at call ${this.fault.k} ${this.fault.mode}` : ''})`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = (m: Readonly<Model>) => this.minutes > 0 && m.lastCostRun >= 0;
  run(m: Model, g: Real): Promise<void> {
    // The cost optimizer runs at least hourly: time advances only that far past its last run.
    const to = Math.min(g.now + this.minutes * MINUTE, m.lastCostRun + HOUR);
    if (to > g.now) g.advance(to);
    noViolations(g, this.toString());
    return Promise.resolve();
  }
  toString = () => `advance(${this.minutes} min)`;
}

class TargetTracking implements fc.AsyncCommand<Model, Real> {
  constructor(readonly desired: number) {}
  check = () => true;
  run(_m: Model, g: Real): Promise<void> {
    g.targetTracking(this.desired);
    noViolations(g, this.toString());
    return Promise.resolve();
  }
  toString = () => `target-tracking(${this.desired})`;
}

const fault = fc.option(fc.record({ k: fc.integer({ min: 1, max: 8 }), mode: fc.constantFrom<'before' | 'after'>('before', 'after') }), {
  nil: undefined,
  freq: 3,
});
const commands = [
  fc.tuple(fc.constantFrom(0.3, 1, 2.5), fault).map(([s, f]) => new PredictiveRun(s, f)),
  fc.tuple(fc.constantFrom(50, 90, 130, 200), fc.constantFrom(10, 40, 95), fault).map(([p, c, f]) => new CostRun(p, c, f)),
  fc.integer({ min: 1, max: 90 }).map((m) => new Advance(m)),
  fc.integer({ min: 0, max: 8 }).map((d) => new TargetTracking(d)),
];

test("both handlers, the group's schedules and target tracking in random order keep the invariants", async () => {
  let restore: (() => void) | undefined;
  try {
    await fc.assert(
      fc.asyncProperty(
        // Any minute of a week that has weekdays, nights and a weekend.
        fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }),
        fc.commands(commands, { maxCommands: 14 }),
        async (minute, cmds) => {
          const start = Date.parse('2026-11-30T00:00:00Z') + minute * MINUTE;
          const g = new FakeGroup('web', STAGING, start);
          restore = g.install();
          try {
            await fc.asyncModelRun(() => ({ model: { lastCostRun: start }, real: g }), cmds);
          } finally {
            restore();
            restore = undefined;
          }
        },
      ),
      { numRuns: 40 },
    );
  } finally {
    restore?.();
  }
});
