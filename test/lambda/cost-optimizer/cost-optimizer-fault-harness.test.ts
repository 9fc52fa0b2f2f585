/**
 * The cost optimizer under the capacity model, on an in-memory group (test/support/fake-group):
 * - bug 1: a restore that dies between its state tag write and UpdateAutoScalingGroup (or after
 *   either) is completed by the next run: the original MaxSize comes from the construct's
 *   baseline, never only from the tag;
 * - bug 3: a MinSize raised by the group's own schedule when the optimizer first acts is not its
 *   "original": the night floor is the schedule's;
 * - bug 4: a floor that lands between the optimizer's read and its write is not undone;
 * - bug 5: MaxSize is never capped below a pending scheduled MinSize (the predictive scaler's), nor
 *   below the MinSize one of the group's own schedules sets within the lookahead;
 * - bug 6: utilization paging that never ends fails the run (no decision on data days old);
 * - the fault harness: the run dies at its k-th AWS call for every k (before or after the call
 *   takes effect); a healthy run then leaves the group and the state where a fault-free run would
 *   have, MinSize <= MaxSize at every step, no user schedule undone.
 */
import type { GroupBaseline } from '../../../lambda/contract/group-baseline';
import { decodeCostState, type encodeCostState } from '../../../lambda/core/cost';
import { FakeGroup, HOUR, MINUTE, violations } from '../../support/fake-group';
import { costEnv, runCost } from '../../support/handler-runs';

const STAGING: GroupBaseline = {
  minSize: 2,
  maxSize: 6,
  schedules: [
    { name: 'weekday-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
    { name: 'weekday-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 },
  ],
};
const TAG = 'cost-optimizer:state';
const MON_1000_BERLIN = Date.parse('2026-11-30T09:00:00Z');
const WORKING_HOURS = JSON.stringify({ days: [1, 2, 3, 4, 5], startMinute: 360, endMinute: 1320, timeZone: 'Europe/Berlin' });

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

interface Setup {
  at: number;
  live: { min: number; max: number; desired: number };
  forecastPercent: number;
  state?: Parameters<typeof encodeCostState>[0];
  pending?: number;
  env?: Record<string, string>;
}

function group(s: Setup): FakeGroup {
  const g = new FakeGroup('web', STAGING, s.at, s.live);
  g.forecastPercent = s.forecastPercent;
  g.cpu = () => 20;
  if (s.state) g.tags.set(TAG, g.signedState(s.state));
  if (s.pending !== undefined)
    g.actions.set('predictive-scaler-next', { name: 'predictive-scaler-next', startTime: s.at + 30 * MINUTE, minSize: s.pending });
  restore = g.install();
  return g;
}
// The tag keeps no original bounds (derivable from the baseline): read it with placeholders.
const stateOf = (g: FakeGroup) => (g.tags.get(TAG) ? decodeCostState(g.tags.get(TAG)!, { minSize: 0, maxSize: 0, desiredCapacity: 0 }) : {});
const boundsOf = (g: FakeGroup) => ({ cap: stateOf(g).cap, offHoursCapacity: stateOf(g).offHoursCapacity });

test('bug 1: a restore that dies between its state write and UpdateAutoScalingGroup is completed by the next run', async () => {
  const s: Setup = {
    at: MON_1000_BERLIN,
    live: { min: 3, max: 3, desired: 3 },
    forecastPercent: 50,
    state: { original: { minSize: 3, maxSize: 3, desiredCapacity: 3 }, cap: 3 },
  };
  const reference = group(s);
  await runCost(reference, costEnv(reference));
  expect(reference.view()).toMatchObject({ min: 3, max: 6 });
  const k = reference.calls.indexOf('CreateOrUpdateTags') + 1;
  expect(reference.calls[k]).toBe('UpdateAutoScalingGroup'); // the tag is written ahead of the update
  restore!();
  const g = group(s);
  g.armFault({ k, mode: 'after' }); // the tag landed, the invocation timed out before the update
  expect((await runCost(g, costEnv(g))).error).toBeDefined();
  expect(g.view()).toMatchObject({ max: 3 });
  expect(stateOf(g).cap).toBeUndefined();
  g.armFault(undefined);
  const next = await runCost(g, costEnv(g));
  expect(next.error).toBeUndefined();
  // The tag no longer holds the cap, and even its "original" MaxSize 3 does not count: the baseline says 6.
  expect(g.view()).toMatchObject({ min: 3, max: 6 });
  expect(next.summary!.decision!.actions[0].reason).toMatch(/converging/);
});

test("bug 3: a schedule's morning floor is not the optimizer's original; at night the evening schedule's MinSize holds", async () => {
  const g = group({ at: Date.parse('2026-11-30T07:30:00Z'), live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130 });
  await runCost(g, costEnv(g));
  expect(g.view()).toMatchObject({ min: 3, max: 3 }); // capped, the schedule's floor kept
  g.advance(Date.parse('2026-11-30T20:00:00Z'));
  g.forecastPercent = 50;
  const r = await runCost(g, costEnv(g));
  expect(r.error).toBeUndefined();
  expect(g.view()).toMatchObject({ min: 2, max: 6 });
  expect(violations(g)).toEqual([]);
});

test('bug 4: a floor that lands between the read and the write is kept', async () => {
  // Restoring a cap of 4 (MinSize 3 from the morning schedule) to 6.
  const g = group({
    at: MON_1000_BERLIN,
    live: { min: 3, max: 4, desired: 4 },
    forecastPercent: 50,
    state: { original: { minSize: 2, maxSize: 6, desiredCapacity: 3 }, cap: 4, lastBudgetStepAt: MON_1000_BERLIN - 20 * HOUR },
  });
  // A scheduled floor of 4 runs right after the optimizer's first read of the group.
  let reads = 0;
  const orig = g.call.bind(g);
  g.call = <T>(name: string, effect: () => T): T => {
    const r = orig(name, effect);
    if (name === 'DescribeAutoScalingGroups' && ++reads === 1) {
      g.min = 4;
      g.desired = Math.max(g.desired, 4);
    }
    return r;
  };
  const r = await runCost(g, costEnv(g));
  expect(r.error).toBeUndefined();
  expect(reads).toBe(2);
  expect(g.view()).toMatchObject({ min: 4, max: 6 });
});

test('bug 5: MaxSize is not capped below a pending predictive floor, nor below an upcoming schedule MinSize', async () => {
  const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 3 }, forecastPercent: 130, pending: 5 });
  const r = await runCost(g, costEnv(g));
  expect(r.error).toBeUndefined();
  expect(g.max).toBe(5);
  // The intent (the spend plan's cap, below the pending floor): the predictive scaler plans under it from its next run.
  expect(stateOf(g).cap).toBeLessThan(5);
  expect(stateOf(g).cap).toBeGreaterThanOrEqual(1);
  g.advance(MON_1000_BERLIN + HOUR);
  expect(g.min).toBe(5);
  expect(violations(g)).toEqual([]);
  // Off-hours at 06:30 Berlin... the 08:00 schedule's MinSize 3 must find room.
  // Working hours from 10:00 Berlin: off-hours at 06:00 and 07:00 (05:00Z, 06:00Z), hourly runs.
  const early = group({ at: Date.parse('2026-11-30T04:00:00Z'), live: { min: 2, max: 6, desired: 2 }, forecastPercent: 50 });
  const env = costEnv(early, {
    WORKING_HOURS: JSON.stringify({ days: [1, 2, 3, 4, 5], startMinute: 600, endMinute: 1320, timeZone: 'Europe/Berlin' }),
    RESTORE_LEAD_MINUTES: '30',
  });
  await runCost(early, env);
  expect(early.view()).toMatchObject({ min: 2, max: 2 });
  early.advance(Date.parse('2026-11-30T05:30:00Z'));
  await runCost(early, env);
  expect(early.view()).toMatchObject({ min: 2, max: 3 }); // the 08:00 schedule's MinSize 3 is within the lookahead
  early.advance(Date.parse('2026-11-30T08:00:00Z'));
  expect(early.min).toBe(3);
  expect(violations(early)).toEqual([]);
});

test('the state tag keeps only what cannot be derived: the cap, not the original bounds', async () => {
  const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130 });
  await runCost(g, costEnv(g));
  const tag = JSON.parse(g.tags.get(TAG)!) as Record<string, unknown>;
  // The cap, the step time and the price mark (spend since a mark cannot be derived); no original bounds.
  expect(tag).toMatchObject({ v: 1, bt: MON_1000_BERLIN / 1000 });
  expect(typeof tag.c).toBe('number');
  expect(tag.c as number).toBeLessThan(6);
  expect(Object.keys(tag).sort()).toEqual(expect.arrayContaining(['bt', 'c', 'v']));
  expect(tag).not.toHaveProperty('o');
  // A tag written before the baseline (with original bounds) is read with the baseline's instead.
  expect(decodeCostState('{"v":1,"o":{"mn":3,"mx":3,"d":3},"c":3}', { minSize: 2, maxSize: 6, desiredCapacity: 2 }).original).toEqual({
    minSize: 2,
    maxSize: 6,
    desiredCapacity: 2,
  });
});

test('bug 6: utilization pages that never end fail the run and change nothing', async () => {
  const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 3 }, forecastPercent: 130 });
  g.endlessMetricPages = true;
  const r = await runCost(g, costEnv(g));
  expect(String(r.error)).toMatch(/GetMetricData still had pages after 50/);
  expect(g.calls.filter((c) => c === 'UpdateAutoScalingGroup' || c === 'CreateOrUpdateTags')).toEqual([]);
});

test('without utilization data SkippedRuns = 1 is published without dimensions', async () => {
  const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 3 }, forecastPercent: 130 });
  g.cpu = () => undefined;
  const { rec } = await runCost(g, costEnv(g));
  expect(rec.published).toContainEqual({ dimensions: {}, values: { SkippedRuns: 1 } });
});

describe('fault harness: the run dies at its k-th AWS call', () => {
  const scenarios: Array<[string, Setup, Record<string, string>?]> = [
    ['tighten with a pending predictive floor', { at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130, pending: 4 }],
    [
      'restore a cap (bug 1)',
      {
        at: MON_1000_BERLIN,
        live: { min: 3, max: 3, desired: 3 },
        forecastPercent: 50,
        state: { original: { minSize: 3, maxSize: 3, desiredCapacity: 3 }, cap: 3, lastBudgetStepAt: MON_1000_BERLIN - 20 * HOUR },
      },
    ],
    ['enter off-hours', { at: Date.parse('2026-11-30T22:30:00Z'), live: { min: 2, max: 6, desired: 4 }, forecastPercent: 80 }, { WORKING_HOURS }],
    [
      'leave off-hours',
      {
        at: Date.parse('2026-12-01T04:30:00Z'),
        live: { min: 2, max: 2, desired: 2 },
        forecastPercent: 80,
        state: { original: { minSize: 2, maxSize: 6, desiredCapacity: 4 }, offHoursCapacity: 1 },
      },
      { WORKING_HOURS },
    ],
  ];
  test.each(scenarios)('%s: a healthy run completes it, invariants hold at every step', async (_name, setup, extra = {}) => {
    const reference = group(setup);
    reference.armFault(undefined);
    expect((await runCost(reference, costEnv(reference, extra))).error).toBeUndefined();
    const calls = reference.callCount;
    const expected = { view: reference.view(), bounds: boundsOf(reference) };
    expect(reference.calls).toContain('UpdateAutoScalingGroup');
    restore!();
    for (let k = 1; k <= calls; k++) {
      for (const mode of ['before', 'after'] as const) {
        const g = group(setup);
        g.armFault({ k, mode });
        await runCost(g, costEnv(g, extra));
        expect({ k, mode, violations: violations(g) }).toEqual({ k, mode, violations: [] });
        g.armFault(undefined);
        const healthy = await runCost(g, costEnv(g, extra));
        expect({ k, mode, error: healthy.error }).toEqual({ k, mode, error: undefined });
        expect({ k, mode, view: g.view(), bounds: boundsOf(g) }).toEqual({ k, mode, ...expected });
        g.advance(setup.at + 2 * HOUR);
        expect({ k, mode, violations: violations(g) }).toEqual({ k, mode, violations: [] });
        restore!();
        restore = undefined;
      }
    }
  });
});

describe('the vertical step: a run that dies after writing its intent (issue 22 #3), refreshes that roll back (issue 24)', () => {
  const VERTICAL = {
    VERTICAL_SCALING: JSON.stringify({
      instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
      lowerUtilizationPercent: 30,
      upperUtilizationPercent: 70,
      evaluationWindowHours: 24,
      minIntervalHours: 168,
    }),
    LAUNCH_TEMPLATE_ID: 'lt-1',
    REFRESH_ALARM_NAMES: JSON.stringify(['web-cpu-high', 'web-target-5xx']),
  };
  // CPU 20% (< 30%) over the window, no budget pressure: one step down m5.xlarge -> m5.large.
  const SETUP: Setup = { at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 3 }, forecastPercent: 80 };
  const verticalGroup = (groupVersion: string): FakeGroup => {
    const g = group(SETUP);
    g.template = { id: 'lt-1', types: ['m5.xlarge'], defaultVersion: 1, groupVersion };
    return g;
  };

  test('a pinned version: the refresh carries the new version as its desired configuration, with AutoRollback, the alarms, SkipMatching and checkpoints', async () => {
    const g = verticalGroup('1');
    const r = await runCost(g, costEnv(g, VERTICAL));
    expect(r.error).toBeUndefined();
    // The group is not pointed at the new version before the refresh: the refresh moves it there when it succeeds.
    expect(g.calls).not.toContain('UpdateAutoScalingGroup');
    expect(g.refreshes).toEqual([
      {
        AutoScalingGroupName: 'web',
        Strategy: 'Rolling',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '2' } },
        Preferences: {
          MinHealthyPercentage: 90,
          SkipMatching: true,
          CheckpointPercentages: [50, 100],
          CheckpointDelay: 600,
          AutoRollback: true,
          AlarmSpecification: { Alarms: ['web-cpu-high', 'web-target-5xx'] },
        },
      },
    ]);
    expect(g.launchedType()).toBe('m5.large');
    expect(r.summary!.applied!.calls.join('\n')).toMatch(/StartInstanceRefresh refresh-1 AutoRollback=true \(back to v1/);
    expect(stateOf(g)).toMatchObject({ lastVerticalAt: MON_1000_BERLIN });
    expect(stateOf(g).pendingRefresh).toBeUndefined();
  });

  test('$Default: AWS cannot roll back, so the refresh runs without it and the run log says why', async () => {
    const g = verticalGroup('$Default');
    const r = await runCost(g, costEnv(g, VERTICAL));
    expect(r.error).toBeUndefined();
    expect(g.calls).toContain('ModifyLaunchTemplate');
    expect(g.refreshes).toHaveLength(1);
    expect(g.refreshes[0].DesiredConfiguration).toBeUndefined();
    expect(g.refreshes[0].Preferences).toMatchObject({ SkipMatching: true, AlarmSpecification: { Alarms: ['web-cpu-high', 'web-target-5xx'] } });
    expect(g.refreshes[0].Preferences!.AutoRollback).toBeUndefined();
    expect(r.summary!.applied!.calls.join('\n')).toMatch(/AutoRollback=false \(the group launches from \$Default: AWS rolls back only to a numbered/);
    expect(g.launchedType()).toBe('m5.large');
  });

  test('a numbered version whose AMI is an SSM parameter: no rollback (AWS cannot), the group pointed at the new version first, and the log says why', async () => {
    const g = group(SETUP);
    g.template = {
      id: 'lt-1',
      types: ['m5.xlarge'],
      defaultVersion: 1,
      groupVersion: '1',
      imageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    };
    const r = await runCost(g, costEnv(g, VERTICAL));
    expect(r.error).toBeUndefined();
    expect(g.calls.join(' ')).toContain('UpdateAutoScalingGroup');
    expect(g.refreshes[0].DesiredConfiguration).toBeUndefined();
    expect(g.refreshes[0].Preferences!.AutoRollback).toBeUndefined();
    expect(r.summary!.applied!.calls.join('\n')).toMatch(/AutoRollback=false \(the launch template takes its AMI from an SSM parameter/);
    expect(g.launchedType()).toBe('m5.large');
  });

  test('the refreshes cannot be read: the vertical step holds (no change), the run goes on', async () => {
    const g = verticalGroup('1');
    const orig = g.call.bind(g);
    const denied = () => {
      throw Object.assign(new Error('not authorized to perform autoscaling:DescribeInstanceRefreshes'), { name: 'AccessDenied' });
    };
    g.call = <T>(name: string, effect: () => T): T => (name === 'DescribeInstanceRefreshes' ? orig(name, denied) : orig(name, effect));
    const r = await runCost(g, costEnv(g, VERTICAL));
    expect(r.error).toBeUndefined();
    expect(r.summary!.decision!.notes.join('\n')).toMatch(
      /instance refresh of the group is unknown \(DescribeInstanceRefreshes failed: not authorized/,
    );
    expect(g.calls).not.toContain('CreateLaunchTemplateVersion');
    expect(g.refreshes).toEqual([]);
  });

  test('issue 22 #3: a run that dies in CreateLaunchTemplateVersion after writing its intent: the next run makes the change, not an empty refresh', async () => {
    const reference = verticalGroup('1');
    await runCost(reference, costEnv(reference, VERTICAL));
    const k = reference.calls.indexOf('CreateLaunchTemplateVersion') + 1;
    expect(reference.calls[k - 2]).toBe('CreateOrUpdateTags'); // the intent is written ahead
    restore!();
    const g = verticalGroup('1');
    g.armFault({ k, mode: 'before' });
    expect((await runCost(g, costEnv(g, VERTICAL))).error).toBeDefined();
    expect(stateOf(g)).toMatchObject({ pendingRefresh: true, lastVerticalAt: MON_1000_BERLIN }); // the intent, written ahead
    g.armFault(undefined);
    g.advance(MON_1000_BERLIN + HOUR);
    const next = await runCost(g, costEnv(g, VERTICAL));
    expect(next.error).toBeUndefined();
    expect(g.launchedType()).toBe('m5.large');
    expect(g.refreshes).toHaveLength(1);
    expect(g.refreshes[0].DesiredConfiguration?.LaunchTemplate?.Version).toBe('2');
    expect(next.summary!.decision!.notes.join('\n')).toMatch(/last change to m5.large never reached the group/);
    expect(stateOf(g)).toMatchObject({ lastVerticalAt: MON_1000_BERLIN + HOUR });
    expect(stateOf(g).pendingRefresh).toBeUndefined();
  });

  test.each([
    ['1', 'after', 'StartInstanceRefresh'],
    ['1', 'before', 'CreateOrUpdateTags'],
    ['$Default', 'after', 'StartInstanceRefresh'],
    ['$Latest', 'before', 'CreateOrUpdateTags'],
  ] as const)(
    'issue 22 #3 (review): group on %s, a run that dies %s its %s once the refresh started: the refresh has succeeded by the next run, which starts no second one',
    async (version, mode, at) => {
      const reference = verticalGroup(version);
      await runCost(reference, costEnv(reference, VERTICAL));
      const k = reference.calls.lastIndexOf(at) + 1;
      expect(reference.calls.indexOf('StartInstanceRefresh') + 1).toBeLessThanOrEqual(k);
      restore!();
      const g = verticalGroup(version);
      g.armFault({ k, mode });
      expect((await runCost(g, costEnv(g, VERTICAL))).error).toBeDefined();
      expect(stateOf(g)).toMatchObject({ pendingRefresh: true }); // the refresh is still pending in the state
      expect(g.refreshes).toHaveLength(1);
      g.armFault(undefined);
      for (let i = 1; i <= 3; i++) {
        g.advance(MON_1000_BERLIN + i * HOUR);
        expect((await runCost(g, costEnv(g, VERTICAL))).error).toBeUndefined();
      }
      expect(g.launchedType()).toBe('m5.large');
      expect(g.refreshes).toHaveLength(1); // not a second refresh of the unchanged template
      expect(stateOf(g).pendingRefresh).toBeUndefined();
      expect(stateOf(g).lastVerticalAt).toBe(MON_1000_BERLIN); // the interval runs from the change
    },
  );

  /** A group whose vertical run died right after StartInstanceRefresh (the refresh runs, the state after it was never written). */
  async function diedAfterRefreshStarted() {
    const reference = verticalGroup('1');
    await runCost(reference, costEnv(reference, VERTICAL));
    const k = reference.calls.indexOf('StartInstanceRefresh') + 1;
    restore!();
    const g = verticalGroup('1');
    g.refreshesRun = true;
    g.armFault({ k, mode: 'after' });
    expect((await runCost(g, costEnv(g, VERTICAL))).error).toBeDefined();
    return g;
  }

  test('a run that dies after its refresh started, while the refresh runs: the next runs wait for it, then clear the pending refresh; no second change', async () => {
    const g = await diedAfterRefreshStarted();
    expect(stateOf(g)).toMatchObject({ pendingRefresh: true });
    g.armFault(undefined);
    g.advance(MON_1000_BERLIN + HOUR);
    const waiting = await runCost(g, costEnv(g, VERTICAL));
    expect(waiting.error).toBeUndefined();
    expect(waiting.summary!.decision!.notes.join('\n')).toMatch(/an instance refresh of the group is InProgress: no change and no new refresh/);
    expect(g.calls.filter((c) => c === 'CreateLaunchTemplateVersion')).toHaveLength(1);
    expect(g.refreshes).toHaveLength(1);
    g.finishRefresh();
    expect(g.launchedType()).toBe('m5.large');
    g.advance(MON_1000_BERLIN + 2 * HOUR);
    const after = await runCost(g, costEnv(g, VERTICAL));
    expect(after.error).toBeUndefined();
    g.finishRefresh();
    expect(stateOf(g).pendingRefresh).toBeUndefined();
    expect(g.calls.filter((c) => c === 'CreateLaunchTemplateVersion')).toHaveLength(1);
  });

  test('a run that dies after its refresh started, which then rolls back (an alarm): the interval runs from the change, no new change at once', async () => {
    const g = await diedAfterRefreshStarted();
    expect(stateOf(g)).toMatchObject({ pendingRefresh: true, lastVerticalAt: MON_1000_BERLIN });
    g.armFault(undefined);
    g.rollBackRefresh(); // the alarms stopped it: the group stays on m5.xlarge (v1)
    expect(g.launchedType()).toBe('m5.xlarge');
    for (let i = 1; i <= 3; i++) {
      g.advance(MON_1000_BERLIN + i * HOUR);
      expect((await runCost(g, costEnv(g, VERTICAL))).error).toBeUndefined();
    }
    // As when the refresh's start was recorded: the rolled-back step is not tried again before the
    // interval (168 h) has run from the change.
    expect(g.calls.filter((c) => c === 'CreateLaunchTemplateVersion')).toHaveLength(1);
    expect(g.refreshes).toHaveLength(1);
    expect(stateOf(g).pendingRefresh).toBeUndefined();
    expect(stateOf(g).lastVerticalAt).toBe(MON_1000_BERLIN);
  });

  test.each(['1', '$Default', '$Latest'])(
    'group version %s: the run dies at its k-th call; the next run leaves the group on the new type, nothing pending',
    async (version) => {
      const reference = verticalGroup(version);
      expect((await runCost(reference, costEnv(reference, VERTICAL))).error).toBeUndefined();
      const calls = reference.callCount;
      expect(reference.launchedType()).toBe('m5.large');
      restore!();
      for (let k = 1; k <= calls; k++) {
        for (const mode of ['before', 'after'] as const) {
          const g = verticalGroup(version);
          g.armFault({ k, mode });
          await runCost(g, costEnv(g, VERTICAL));
          g.armFault(undefined);
          const healthy = await runCost(g, costEnv(g, VERTICAL));
          expect({ k, mode, error: healthy.error }).toEqual({ k, mode, error: undefined });
          const state = stateOf(g);
          expect({ k, mode, type: g.launchedType(), pending: state.pendingRefresh, at: state.lastVerticalAt }).toEqual({
            k,
            mode,
            type: 'm5.large',
            pending: undefined,
            at: MON_1000_BERLIN,
          });
          // Every refresh that could roll back did ask for it.
          for (const r of g.refreshes) if (r.DesiredConfiguration) expect(r.Preferences?.AutoRollback).toBe(true);
          restore!();
          restore = undefined;
        }
      }
    },
  );
});

describe('issue 22: the cost optimizer stays in its lane', () => {
  const published = (rec: Awaited<ReturnType<typeof runCost>>['rec'], name: string) =>
    rec.published.filter((p) => p.dimensions.AutoScalingGroupName === 'web').map((p) => p.values[name]);

  test.each([
    ['raises MaxSize 6 -> 12 in an incident', { min: 3, max: 12, desired: 9 }],
    ['stops the group (0/0/0)', { min: 0, max: 0, desired: 0 }],
    ['sets MinSize 0', { min: 0, max: 6, desired: 2 }],
  ])('1: an operator who %s is adopted, not reverted, by the next runs', async (_what, live) => {
    const g = group({ at: MON_1000_BERLIN, live, forecastPercent: 50 });
    for (let i = 0; i < 3; i++) {
      const r = await runCost(g, costEnv(g));
      expect(r.error).toBeUndefined();
      expect(g.view()).toEqual(live);
      expect(r.summary!.outcome).toBe('held');
      expect(r.summary!.hold).toMatch(/operator/);
      expect(published(r.rec, 'OperatorHold')).toEqual([1]);
      g.advance(g.now + HOUR);
    }
    expect(g.view()).toEqual(live);
    expect(g.calls).not.toContain('UpdateAutoScalingGroup');
    // Cleared: the operator sets the bounds back to the configuration, the optimizer acts again.
    g.min = 3;
    g.max = 6;
    g.desired = 3;
    const r = await runCost(g, costEnv(g));
    expect(r.summary!.outcome).not.toBe('held');
    expect(published(r.rec, 'OperatorHold')).toEqual([0]);
  });

  test('1 and issue 21.3: the pause tag holds under budget pressure; the overrun is published instead of acting', async () => {
    const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130 });
    g.tags.set('scaling:paused', 'INC-4711 on-call');
    const r = await runCost(g, costEnv(g));
    expect(g.view()).toEqual({ min: 3, max: 6, desired: 4 });
    expect(r.summary!.outcome).toBe('held');
    expect(r.summary!.hold).toMatch(/INC-4711/);
    expect(published(r.rec, 'OperatorHold')).toEqual([1]);
    expect(published(r.rec, 'ForecastOverrunPercent')[0]).toBeGreaterThan(0);
    // Removing the tag clears it: the optimizer caps again.
    g.tags.delete('scaling:paused');
    await runCost(g, costEnv(g));
    expect(g.max).toBeLessThan(6);
  });

  test('12: an operator change that lands between the read and the write is adopted, not written over', async () => {
    const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130 });
    let reads = 0;
    const orig = g.call.bind(g);
    g.call = <T>(name: string, effect: () => T): T => {
      const r = orig(name, effect);
      if (name === 'DescribeAutoScalingGroups' && ++reads === 1) g.max = 12; // the operator, right after the first read
      return r;
    };
    expect((await runCost(g, costEnv(g))).error).toBeUndefined();
    expect(g.max).toBe(12);
    const next = await runCost(g, costEnv(g));
    expect(next.summary!.outcome).toBe('held');
    expect(g.max).toBe(12);
  });

  test('2: removing workingHours while held off-hours returns the group to its configured bounds on the next run', async () => {
    const night = Date.parse('2026-11-30T22:30:00Z');
    const g = group({ at: night, live: { min: 2, max: 6, desired: 4 }, forecastPercent: 80 });
    await runCost(g, costEnv(g, { WORKING_HOURS }));
    expect(g.view()).toMatchObject({ min: 2, max: 2 });
    g.advance(night + HOUR);
    const r = await runCost(g, costEnv(g)); // redeployed without workingHours
    expect(r.error).toBeUndefined();
    expect(g.view()).toMatchObject({ min: 2, max: 6 });
    expect(stateOf(g).offHoursCapacity).toBeUndefined();
    expect(violations(g)).toEqual([]);
  });

  test('2: removing targetUtilization while the CPU target is raised restores the original target', async () => {
    const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 130 });
    const target = { TARGET_UTILIZATION_MAX_PERCENT: '70', TARGET_UTILIZATION_STEP_PERCENT: '10' };
    await runCost(g, costEnv(g, target));
    expect(g.targetValue).toBeGreaterThan(50);
    expect(stateOf(g).original?.targetUtilization).toBe(50);
    g.advance(MON_1000_BERLIN + HOUR);
    g.forecastPercent = 50;
    const r = await runCost(g, costEnv(g)); // redeployed without targetUtilization
    expect(r.error).toBeUndefined();
    expect(g.targetValue).toBe(50);
    expect(stateOf(g).targetUtilization).toBeUndefined();
  });

  test('7: a state tag written by someone else is not trusted: a forged original target does not lower the CPU target', async () => {
    const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 50 });
    g.tags.set(TAG, '{"v":1,"o":{"tu":1},"tu":50}');
    const target = { TARGET_UTILIZATION_MAX_PERCENT: '70', TARGET_UTILIZATION_STEP_PERCENT: '10' };
    const notes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await runCost(g, costEnv(g, target));
      expect(r.error).toBeUndefined();
      notes.push(...(r.summary!.decision?.notes ?? []));
      g.advance(g.now + HOUR);
    }
    expect(g.targetValue).toBeGreaterThanOrEqual(50);
    expect(notes.join('\n')).toMatch(/not signed by the controller/);
    // A forged cap does not lower MaxSize either.
    const capped = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 50 });
    capped.tags.set(TAG, '{"v":1,"o":{"mn":2,"mx":6,"d":3},"c":3}');
    await runCost(capped, costEnv(capped));
    expect(capped.max).toBe(6);
  });

  test('9: a CPU datapoint of Number.MAX_VALUE is not planned on (MaxSize 20 stays at 50% of the budget)', async () => {
    const big: GroupBaseline = { minSize: 2, maxSize: 20, schedules: [] };
    const g = new FakeGroup('web', big, MON_1000_BERLIN, { min: 2, max: 20, desired: 4 });
    g.forecastPercent = 50;
    g.cpu = (t) => (Math.floor(t / (5 * MINUTE)) % 7 === 0 ? Number.MAX_VALUE : 30);
    restore = g.install();
    const r = await runCost(g, costEnv(g));
    expect(r.error).toBeUndefined();
    expect(g.max).toBe(20);
    expect(r.summary!.decision!.notes.join('\n')).toMatch(/not a CPU percentage/);
  });

  test("9: the Lambda console's test event (1970) runs at the wall clock: a non-production group is not held at its floor mid-workday", async () => {
    const g = group({ at: MON_1000_BERLIN, live: { min: 3, max: 6, desired: 4 }, forecastPercent: 80 });
    const { runCostOptimizer } = await import('../../../lambda/cost-optimizer');
    const { recorder } = await import('../../support/handler-runs');
    const { AutoScalingClient } = await import('@aws-sdk/client-auto-scaling');
    const { BudgetsClient } = await import('@aws-sdk/client-budgets');
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
    const { CostExplorerClient } = await import('@aws-sdk/client-cost-explorer');
    const { EC2Client } = await import('@aws-sdk/client-ec2');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const region = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };
    const rec = recorder();
    const summary = await runCostOptimizer(
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '1970-01-01T00:00:00Z' },
      {
        autoScaling: new AutoScalingClient(region),
        budgets: new BudgetsClient(region),
        costExplorer: new CostExplorerClient(region),
        cloudWatch: new CloudWatchClient(region),
        ec2: new EC2Client(region),
        dynamoDb: new DynamoDBClient(region),
        sleep: () => Promise.resolve(),
        logger: rec.logger,
        metrics: rec.metrics,
        env: costEnv(g, { WORKING_HOURS }),
        wallClock: () => MON_1000_BERLIN,
      },
    );
    expect(g.view()).toEqual({ min: 3, max: 6, desired: 4 });
    expect(summary.now).toBe(new Date(MON_1000_BERLIN).toISOString());
    expect(summary.clock).toMatch(/1970/);
  });
});
