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
import type { GroupBaseline } from '../../../../lambda/contract/group-baseline';
import { FakeGroup, HOUR, MINUTE, violations } from '../../../support/fake-group';
import { costEnv, predictiveEnv, runCost, runPredictive } from '../../../support/handler-runs';
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

/** While the operator's pause tag is on the group, a run of either function changes nothing of it (issue 22). */
async function heldWhilePaused(
  g: FakeGroup,
  what: string,
  run: () => Promise<{ error?: unknown; summary?: { decision?: string } }>,
  scaler = false,
): Promise<void> {
  const paused = g.tags.has('scaling:paused');
  const from = g.trace.length;
  const r = await run();
  // No operator changed the bounds in this model: without the pause nothing is taken for an operator's change.
  const outcome = r.summary?.decision;
  if (!paused) {
    expect({ after: what, outcome }).not.toEqual({ after: what, outcome: 'held' });
    return;
  }
  const byController = g.trace.slice(from).filter((t) => t.by === 'UpdateAutoScalingGroup' || t.by === 'SetDesiredCapacity');
  expect({ after: what, paused, byController }).toEqual({ after: what, paused, byController: [] });
  // A scaler run that saw the pause withdrew its own pending floors.
  if (scaler && r.summary?.decision === 'held')
    expect({ after: what, own: g.pending().filter((a) => a.name.startsWith('predictive-scaler')) }).toEqual({ after: what, own: [] });
}

class PredictiveRun implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly loadScale: number,
    readonly fault?: { k: number; mode: 'before' | 'after' },
  ) {}
  check = () => true;
  async run(_m: Model, g: Real) {
    g.load = (t) => dailyLoad(t) * this.loadScale;
    g.armFault(this.fault);
    await heldWhilePaused(g, this.toString(), () => runPredictive(g, predictiveEnv(g, { SCHEDULE_INTERVAL_SECONDS: '300' })), true);
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
    let r: { error?: unknown } = {};
    await heldWhilePaused(g, this.toString(), async () => {
      const c = await runCost(g, costEnv(g, { WORKING_HOURS, RESTORE_LEAD_MINUTES: '30' }));
      r = c;
      return { ...(c.error !== undefined ? { error: c.error } : {}), summary: { decision: c.summary?.outcome } };
    });
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

/** The operator puts the pause tag on the group or removes it. */
class OperatorPause implements fc.AsyncCommand<Model, Real> {
  constructor(readonly on: boolean) {}
  check = () => true;
  run(_m: Model, g: Real): Promise<void> {
    if (this.on) g.tags.set('scaling:paused', 'INC-1 model');
    else g.tags.delete('scaling:paused');
    return Promise.resolve();
  }
  toString = () => `operator ${this.on ? 'pauses' : 'unpauses'}`;
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
  fc.boolean().map((on) => new OperatorPause(on)),
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

/**
 * Issue 22, item 12: the two functions' runs overlap. One run is interrupted at each of its AWS
 * calls (after the call took effect) while the other function runs to completion, then time
 * advances. Neither sends a request that fails or is refused, no scheduled action fails when due,
 * and the invariants hold: the lease makes the later run wait (and skip when the earlier one still
 * holds it), never act on the same group at the same time.
 */
describe('overlapping runs of the two functions', () => {
  const MON_0806_BERLIN = Date.parse('2026-11-30T07:06:00Z');
  const setup = () => {
    const g = new FakeGroup('web', STAGING, MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
    g.load = () => 1500; // the scaler wants five instances now and ahead
    g.cpu = () => 40;
    g.forecastPercent = 130; // the optimizer caps MaxSize
    return g;
  };
  type Run = (g: FakeGroup) => Promise<{ error?: unknown }>;
  const cost: Run = (g: FakeGroup) => runCost(g, costEnv(g, { WORKING_HOURS, RESTORE_LEAD_MINUTES: '30' }));
  const predictive: Run = (g: FakeGroup) => runPredictive(g, predictiveEnv(g, { SCHEDULE_INTERVAL_SECONDS: '300' }));

  /** Runs `outer`; at its k-th call (after it took effect) runs `inner` to completion. */
  async function interleave(g: FakeGroup, k: number, outer: Run, inner: Run) {
    let n = 0;
    let nested = false;
    let innerResult: { error?: unknown } | undefined;
    const orig = g.call.bind(g);
    g.call = <T>(name: string, effect: () => T): T => {
      const r = orig(name, effect);
      if (nested || ++n !== k) return r;
      nested = true;
      return (async () => {
        innerResult = await inner(g);
        return r;
      })() as T;
    };
    const outerResult = await outer(g);
    g.call = orig;
    return { outerResult, innerResult };
  }

  for (const [outerName, outer, innerName, inner] of [
    ['cost optimizer', cost, 'predictive scaler', predictive],
    ['predictive scaler', predictive, 'cost optimizer', cost],
  ] as const) {
    test(`the ${innerName} runs at every call of the ${outerName}'s run: nothing fails or is refused, invariants hold`, async () => {
      const reference = setup();
      let restore = reference.install();
      await outer(reference);
      restore();
      const calls = reference.calls.length;
      const outcomes: string[] = [];
      for (let k = 1; k <= calls; k++) {
        const g = setup();
        restore = g.install();
        try {
          const { outerResult, innerResult } = await interleave(g, k, outer, inner);
          g.advance(MON_0806_BERLIN + 3 * HOUR);
          outcomes.push(`${k}: ${reference.calls[k - 1]}`);
          expect({ k, call: reference.calls[k - 1], outer: outerResult.error, inner: innerResult?.error }).toEqual({
            k,
            call: reference.calls[k - 1],
            outer: undefined,
            inner: undefined,
          });
          expect({ k, violations: violations(g) }).toEqual({ k, violations: [] });
        } finally {
          restore();
        }
      }
      expect(outcomes.length).toBe(calls);
    });
  }
});
