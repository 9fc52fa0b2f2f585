/**
 * The pause tag pauses both controllers whatever its value (issue 22 #1, red-team review): an
 * operator who adds the key `scaling:paused` without a value (the console allows it, and it is the
 * quick thing to do in an incident) asked for a pause; reading an empty value as "not paused" would
 * act against that without a word. Driven through both handlers on the in-memory group.
 */
import type { GroupBaseline } from '../../../lambda/contract/group-baseline';
import { operatorHold } from '../../../lambda/core/capacity';
import { FakeGroup, HOUR } from '../../support/fake-group';
import { costEnv, predictiveEnv, runCost, runPredictive } from '../../support/handler-runs';

const STAGING: GroupBaseline = {
  minSize: 2,
  maxSize: 6,
  schedules: [
    { name: 'weekday-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
    { name: 'weekday-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 },
  ],
};
const MON_1000_BERLIN = Date.parse('2026-11-30T09:00:00Z');

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function group(pause: string): FakeGroup {
  const g = new FakeGroup('web', STAGING, MON_1000_BERLIN, { min: 3, max: 6, desired: 4 });
  g.forecastPercent = 130; // budget pressure: without the pause the optimizer caps MaxSize
  g.cpu = () => 20;
  g.load = (t) => 600 + 300 * Math.sin((2 * Math.PI * t) / (24 * HOUR));
  g.tags.set('scaling:paused', pause);
  restore = g.install();
  return g;
}

describe.each([
  ['an empty value', ''],
  ['a blank value', '  '],
])('the pause tag with %s', (_what, pause) => {
  test('holds the cost optimizer under budget pressure (hard mode)', async () => {
    const g = group(pause);
    const r = await runCost(g, costEnv(g));
    expect(r.error).toBeUndefined();
    expect(g.view()).toEqual({ min: 3, max: 6, desired: 4 });
    expect(r.summary!.outcome).toBe('held');
    expect(r.summary!.hold).toMatch(/scaling:paused/);
    expect(g.calls).not.toContain('UpdateAutoScalingGroup');
  });

  test('holds the predictive scaler: no floor is put', async () => {
    const g = group(pause);
    const r = await runPredictive(g, predictiveEnv(g));
    expect(r.error).toBeUndefined();
    expect(r.summary!.decision).toBe('held');
    expect(g.pending()).toEqual([]);
    expect(g.calls).not.toContain('BatchPutScheduledUpdateGroupAction');
  });

  test('holds both without the baseline too (an environment written before it), and in the pure rule', async () => {
    const g = group(pause);
    const noBaseline = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'GROUP_BASELINE'));
    const c = await runCost(g, noBaseline(costEnv(g)));
    expect(c.error).toBeUndefined();
    expect(c.summary!.outcome).toBe('held');
    const p = await runPredictive(g, noBaseline(predictiveEnv(g)));
    expect(p.error).toBeUndefined();
    expect(p.summary!.decision).toBe('held');
    expect(g.view()).toEqual({ min: 3, max: 6, desired: 4 });
    expect(operatorHold({ at: MON_1000_BERLIN, baseline: STAGING, live: { minSize: 3, maxSize: 6 }, pauseTag: pause })?.kind).toBe('pause');
  });
});
