import fc from 'fast-check';
import {
  actionName,
  baseMinCapacity,
  diffActions,
  type GroupState,
  type OwnAction,
  planActions,
} from '../../../lambda/predictive-scaler/scheduled-actions';
import type { PlanOutput } from '../../../lambda/core';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 27, 4, 10, 0);
const group: GroupState = { minSize: 1, maxSize: 10, desiredCapacity: 2 };
const opts = { now: NOW, prefix: 'predictive-scaler-', maxActions: 40, horizonSeconds: 7200 };

/** The MinSize in effect at `t` after the actions (starting from `start`). */
function floorAt(actions: OwnAction[], start: number, t: number): number {
  let f = start;
  for (const a of actions) if (a.startTime <= t && a.minSize !== undefined) f = a.minSize;
  return f;
}

describe('actionName', () => {
  test('is the prefix and the UTC minute', () => {
    expect(actionName('predictive-scaler-', Date.UTC(2026, 0, 2, 3, 4, 0))).toBe('predictive-scaler-20260102T0304Z');
  });
});

describe('baseMinCapacity', () => {
  test('takes the configured MinSize when the live one was raised by a plan', () => {
    expect(baseMinCapacity({ minSize: 5, maxSize: 10, desiredCapacity: 5 }, 2)).toBe(2);
  });
  test('takes the configured MinSize whatever the live one (bug 2), the live one only when nothing is configured', () => {
    expect(baseMinCapacity({ minSize: 1, maxSize: 10, desiredCapacity: 5 }, 2)).toBe(2);
    expect(baseMinCapacity({ minSize: 3, maxSize: 10, desiredCapacity: 5 })).toBe(3);
  });
  test('never exceeds MaxSize', () => {
    expect(baseMinCapacity({ minSize: 4, maxSize: 3, desiredCapacity: 3 }, 4)).toBe(3);
  });
});

describe('planActions', () => {
  test('raises desired now, holds the floor from the next minute, schedules the steps and releases the floor at the horizon', () => {
    const plan: PlanOutput = {
      schedule: [
        { at: NOW, minCapacity: 4 },
        { at: NOW + 20 * MIN, minCapacity: 6 },
        { at: NOW + 50 * MIN, minCapacity: 3 },
      ],
    };
    const ap = planActions(plan, group, { ...opts, baseMinCapacity: 1 });
    expect(ap.immediateDesired).toBe(4);
    expect(ap.neededNow).toBe(4);
    expect(ap.actions).toEqual([
      { name: 'predictive-scaler-20261127T0411Z', startTime: NOW + MIN, minSize: 4 },
      { name: 'predictive-scaler-20261127T0430Z', startTime: NOW + 20 * MIN, minSize: 6 },
      { name: 'predictive-scaler-20261127T0500Z', startTime: NOW + 50 * MIN, minSize: 3 },
      { name: 'predictive-scaler-20261127T0610Z', startTime: NOW + 120 * MIN, minSize: 1 },
    ]);
    expect(ap.peak).toBe(6);
  });

  test('a run acting late schedules nothing before its own clock + 1 minute; the plan due by then is applied now', () => {
    const plan: PlanOutput = {
      schedule: [
        { at: NOW, minCapacity: 3 },
        { at: NOW + 2 * MIN, minCapacity: 5 },
        { at: NOW + 20 * MIN, minCapacity: 4 },
      ],
    };
    const ap = planActions(plan, group, { ...opts, actingAt: NOW + 2 * MIN + 20_000 });
    expect(ap.actions[0]).toMatchObject({ startTime: NOW + 4 * MIN, minSize: 5 });
    expect(ap.immediateDesired).toBe(5);
    expect(ap.actions.every((a) => a.startTime >= NOW + 3 * MIN + 20_000)).toBe(true);
  });

  test("keeps off the minutes of other owners' actions: a raise a minute earlier, a lowering and the release a minute later", () => {
    const plan: PlanOutput = {
      schedule: [
        { at: NOW, minCapacity: 2 },
        { at: NOW + 20 * MIN, minCapacity: 6 },
        { at: NOW + 50 * MIN, minCapacity: 3 },
      ],
    };
    const ap = planActions(plan, group, { ...opts, baseMinCapacity: 1, avoid: [NOW + 20 * MIN + 30_000, NOW + 50 * MIN, NOW + 120 * MIN] });
    expect(ap.actions.map((a) => [(a.startTime - NOW) / MIN, a.minSize])).toEqual([
      [1, 2],
      [19, 6],
      [51, 3],
      [121, 1],
    ]);
  });

  test('a step boxed in between taken minutes is folded into its neighbour at the higher floor', () => {
    const plan: PlanOutput = {
      schedule: [
        { at: NOW, minCapacity: 2 },
        { at: NOW + 10 * MIN, minCapacity: 4 },
        { at: NOW + 11 * MIN, minCapacity: 5 },
      ],
    };
    const g2 = { minSize: 2, maxSize: 10, desiredCapacity: 2 };
    // 11 is taken and the previous step holds 10: the raise cannot move earlier, so it moves to 12
    const ap = planActions(plan, g2, { ...opts, baseMinCapacity: 2, avoid: [NOW + 11 * MIN] });
    expect(ap.actions.map((a) => [(a.startTime - NOW) / MIN, a.minSize])).toEqual([
      [10, 4],
      [12, 5],
      [120, 2],
    ]);
    const later = planActions(plan, g2, { ...opts, baseMinCapacity: 2, avoid: [NOW + 11 * MIN, NOW + 12 * MIN, NOW + 13 * MIN, NOW + 120 * MIN] });
    expect(later.actions.map((a) => [(a.startTime - NOW) / MIN, a.minSize])).toEqual([
      [10, 4],
      [14, 5],
      [121, 2],
    ]);
    // boxed in between its neighbour and taken minutes: folded into the previous step at the higher floor
    const boxedPlan: PlanOutput = { schedule: [...plan.schedule, { at: NOW + 13 * MIN, minCapacity: 3 }] };
    const boxed = planActions(boxedPlan, g2, { ...opts, baseMinCapacity: 2, avoid: [NOW + 11 * MIN, NOW + 12 * MIN] });
    expect(boxed.actions.map((a) => [(a.startTime - NOW) / MIN, a.minSize])).toEqual([
      [10, 5],
      [13, 3],
      [120, 2],
    ]);
  });

  test('never lowers the desired capacity now', () => {
    const ap = planActions({ schedule: [{ at: NOW, minCapacity: 2 }] }, { minSize: 1, maxSize: 10, desiredCapacity: 7 }, opts);
    expect(ap.immediateDesired).toBeUndefined();
    expect(ap.neededNow).toBe(2);
  });

  test('clamps to the live MaxSize and counts it', () => {
    const ap = planActions(
      {
        schedule: [
          { at: NOW, minCapacity: 50 },
          { at: NOW + 10 * MIN, desiredCapacity: 99 },
        ],
      },
      group,
      opts,
    );
    expect(ap.immediateDesired).toBe(10);
    expect(Math.max(...ap.actions.map((a) => Math.max(a.minSize ?? 0, a.desiredCapacity ?? 0)))).toBe(10);
    expect(ap.clamped).toBe(2);
  });

  test('an empty plan releases a floor a previous plan left raised, and changes nothing else', () => {
    const ap = planActions({ schedule: [] }, { minSize: 5, maxSize: 10, desiredCapacity: 5 }, { ...opts, baseMinCapacity: 1 });
    expect(ap.immediateDesired).toBeUndefined();
    expect(ap.actions).toEqual([{ name: 'predictive-scaler-20261127T0411Z', startTime: NOW + MIN, minSize: 1 }]);
  });

  test('a plan at the configured floor on a group at that floor needs no action', () => {
    const ap = planActions({ schedule: [{ at: NOW, minCapacity: 1 }] }, group, { ...opts, baseMinCapacity: 1 });
    expect(ap.actions).toEqual([]);
    expect(ap.immediateDesired).toBeUndefined();
  });

  test('ignores entries without a finite time or value', () => {
    const ap = planActions({ schedule: [{ at: NaN, minCapacity: 3 }, { at: NOW }, { at: NOW, minCapacity: Infinity }] as never }, group, opts);
    expect(ap.invalid).toBe(3);
    expect(ap.actions).toEqual([]);
  });

  test('merges floors to stay within maxActions, only ever raising them', () => {
    const schedule = Array.from({ length: 120 }, (_, i) => ({ at: NOW + i * MIN, minCapacity: 1 + ((i * 7) % 9) }));
    const full = planActions({ schedule }, group, { ...opts, maxActions: 200 });
    const capped = planActions({ schedule }, group, { ...opts, maxActions: 20 });
    expect(capped.actions.length).toBeLessThanOrEqual(20);
    expect(capped.merged).toBe(full.actions.length - capped.actions.length);
    for (let t = NOW; t < NOW + 125 * MIN; t += MIN) {
      expect(floorAt(capped.actions, group.minSize, t)).toBeGreaterThanOrEqual(floorAt(full.actions, group.minSize, t));
    }
  });

  test('property: any plan on any group gives actions after now + 1 min, within bounds, unique, at most maxActions, and never a lower immediate desired', () => {
    const entry = fc.record({
      offset: fc.integer({ min: -30 * MIN, max: 10 * 3600_000 }),
      min: fc.option(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(NaN, Infinity, 2.5)), { nil: undefined }),
      desired: fc.option(fc.integer({ min: -5, max: 200 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 300 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        fc.integer({ min: 2, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 20 }),
        (entries, liveMin, extra, desired, configured, maxActions, avoidMinutes) => {
          const g = { minSize: liveMin, maxSize: liveMin + extra, desiredCapacity: desired };
          const plan = { schedule: entries.map((e) => ({ at: NOW + e.offset, minCapacity: e.min, desiredCapacity: e.desired })) } as PlanOutput;
          const ap = planActions(plan, g, { ...opts, maxActions, baseMinCapacity: configured, avoid: avoidMinutes.map((m) => NOW + m * MIN) });
          const base = baseMinCapacity(g, configured);
          expect(ap.actions.length).toBeLessThanOrEqual(maxActions);
          expect(new Set(ap.actions.map((a) => a.name)).size).toBe(ap.actions.length);
          for (let i = 0; i < ap.actions.length; i++) {
            const a = ap.actions[i];
            expect(a.startTime).toBeGreaterThanOrEqual(NOW + MIN);
            expect(a.startTime % MIN).toBe(0);
            if (i > 0) expect(a.startTime).toBeGreaterThan(ap.actions[i - 1].startTime);
            expect(a.minSize !== undefined || a.desiredCapacity !== undefined).toBe(true);
            for (const v of [a.minSize, a.desiredCapacity]) {
              if (v === undefined) continue;
              expect(Number.isInteger(v)).toBe(true);
              expect(v).toBeLessThanOrEqual(g.maxSize);
            }
            if (a.minSize !== undefined) expect(a.minSize).toBeGreaterThanOrEqual(base);
          }
          if (ap.immediateDesired !== undefined) {
            expect(ap.immediateDesired).toBeGreaterThan(g.desiredCapacity);
            expect(ap.immediateDesired).toBeLessThanOrEqual(g.maxSize);
          }
          // a raised floor never outlives the schedule: after the last action the group is back at its base floor
          expect(floorAt(ap.actions, g.minSize, Infinity)).toBe(base);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('diffActions', () => {
  const a = (name: string, startTime: number, minSize?: number): OwnAction => ({ name, startTime, ...(minSize !== undefined ? { minSize } : {}) });
  test('puts new and changed actions, removes stale ones, keeps unchanged', () => {
    const existing = [a('p-1', 1, 2), a('p-2', 2, 3), a('p-3', 3, 4)];
    const wanted = [a('p-2', 2, 3), a('p-3', 3, 5), a('p-4', 4, 1)];
    const d = diffActions(existing, wanted);
    expect(d.put.map((x) => x.name)).toEqual(['p-3', 'p-4']);
    expect(d.remove).toEqual(['p-1']);
    expect(d.unchanged).toBe(1);
  });
  test("an existing action with a MaxSize (not the scaler's shape) is rewritten", () => {
    const d = diffActions([{ ...a('p-1', 1, 2), maxSize: 9 }], [a('p-1', 1, 2)]);
    expect(d.put).toHaveLength(1);
  });
});
