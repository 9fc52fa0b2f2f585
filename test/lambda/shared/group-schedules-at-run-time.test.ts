/**
 * Issue 22, item 4: the group's own schedules count wherever they were defined. The construct
 * hands down only the schedules of its own stack with literal values; both functions also read
 * the group's recurring scheduled actions at run time (DescribeScheduledActions) and merge them
 * by one rule (lambda/core/capacity/group-schedules.ts). On an in-memory group
 * (test/support/fake-group), whose schedules run on a simulated clock as AWS runs them.
 */
import { encodeGroupBaseline, type GroupBaseline } from '../../../lambda/contract/group-baseline';
import { FakeGroup, HOUR, violations } from '../../support/fake-group';
import { costEnv, predictiveEnv, runCost, runPredictive } from '../../support/handler-runs';

/** What AWS holds: the group's MinSize 6 on weekdays at 08:00 Berlin, back to 3 at 19:00 (defined in another stack). */
const AWS_HOLDS: GroupBaseline = {
  minSize: 3,
  maxSize: 10,
  schedules: [
    { name: 'other-stack-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 6 },
    { name: 'other-stack-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
  ],
};
/** What the scaler's construct saw in its own stack: the bounds, no schedule. */
const HANDED_DOWN = encodeGroupBaseline({ minSize: 3, maxSize: 10, schedules: [] });
const MON_0802_BERLIN = Date.parse('2026-11-30T07:02:00Z');

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function group(baseline: GroupBaseline, at: number, live: { min: number; max: number; desired: number }): FakeGroup {
  const g = new FakeGroup('web', baseline, at, live);
  restore = g.install();
  return g;
}

test('a schedule defined in another stack (or on an imported group): the scaler does not lower its MinSize 6 to 3 at 08:02', async () => {
  const g = group(AWS_HOLDS, MON_0802_BERLIN, { min: 6, max: 10, desired: 6 });
  g.load = () => 100; // one instance would do
  const { summary, error } = await runPredictive(g, predictiveEnv(g, { GROUP_BASELINE: HANDED_DOWN }));
  expect(error).toBeUndefined();
  expect(summary!.plan).toMatchObject({
    bounds: { baseMin: 6, minFrom: 'schedule:other-stack-morning', schedules: { handedDown: 0, fromAws: 2 } },
  });
  for (const a of g.pending()) if (a.minSize !== undefined) expect(a.minSize).toBeGreaterThanOrEqual(6);
  g.advance(MON_0802_BERLIN + 4 * HOUR);
  expect(g.min).toBe(6);
  expect(violations(g)).toEqual([]);
});

test('a schedule defined in another stack that raises MaxSize: the cost optimizer without budget pressure does not take it back', async () => {
  const baseline: GroupBaseline = {
    minSize: 2,
    maxSize: 6,
    schedules: [
      { name: 'other-stack-peak', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 4, maxSize: 12 },
      { name: 'other-stack-night', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2, maxSize: 6 },
    ],
  };
  const g = group(baseline, MON_0802_BERLIN + HOUR, { min: 4, max: 12, desired: 5 });
  g.forecastPercent = 50;
  g.cpu = () => 40;
  const { error } = await runCost(g, costEnv(g, { GROUP_BASELINE: encodeGroupBaseline({ minSize: 2, maxSize: 6, schedules: [] }) }));
  expect(error).toBeUndefined();
  expect(g.view()).toMatchObject({ min: 4, max: 12 });
  expect(violations(g)).toEqual([]);
});

test('a recurring schedule with a StartTime also runs at its StartTime, as AWS documents; not before it', async () => {
  // A Saturday-only floor of 6 that starts on Wednesday 2026-12-02 10:00 UTC: AWS runs it then
  // (a Wednesday), and on Saturdays from then on.
  const baseline: GroupBaseline = {
    minSize: 3,
    maxSize: 10,
    schedules: [{ name: 'launch-day', recurrence: '0 8 * * 6', startTime: '2026-12-02T10:00:00.000Z', minSize: 6 }],
  };
  const wednesday = Date.parse('2026-12-02T10:05:00Z');
  const g = group(baseline, wednesday, { min: 6, max: 10, desired: 6 });
  g.load = () => 100;
  const { summary, error } = await runPredictive(g, predictiveEnv(g));
  expect(error).toBeUndefined();
  expect(summary!.plan).toMatchObject({ bounds: { baseMin: 6, minFrom: 'schedule:launch-day' } });
  g.advance(wednesday + 4 * HOUR);
  expect(g.min).toBe(6);
  // The same schedule known only from AWS (another stack): the same floor.
  restore!();
  const other = group(baseline, wednesday, { min: 6, max: 10, desired: 6 });
  other.load = () => 100;
  const { summary: s2 } = await runPredictive(other, predictiveEnv(other, { GROUP_BASELINE: HANDED_DOWN }));
  expect(s2!.plan).toMatchObject({ bounds: { baseMin: 6, minFrom: 'schedule:launch-day' } });
  // Before its StartTime it is not in force (the Saturday before did not run it).
  restore!();
  const before = group(baseline, Date.parse('2026-12-01T10:05:00Z'), { min: 3, max: 10, desired: 3 });
  before.load = () => 100;
  const { summary: s3 } = await runPredictive(before, predictiveEnv(before, { GROUP_BASELINE: HANDED_DOWN }));
  expect(s3!.plan).toMatchObject({ bounds: { baseMin: 3, minFrom: 'configured' } });
});
