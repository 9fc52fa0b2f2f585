/**
 * The predictive scaler under the capacity model, on an in-memory group (test/support/fake-group):
 * - bug 2: the group's own scheduled floor (the staging stack's weekday 08:00 MinSize 3) is not
 *   undone at 08:06, and the scaler's floors are set again after a schedule lowers MinSize;
 * - bug 5 (its side): every scheduled MinSize is clamped to the MaxSize in force when it runs,
 *   the cost optimizer's budget cap (its state tag) included, so no action fails when due;
 * - bug 6 (its side): empty, all-NaN and negative metrics skip the run and publish SkippedRuns = 1
 *   without dimensions (the construct's alarm after N runs);
 * - the fault harness: the run dies at its k-th AWS call, for every k, before or after the call
 *   takes effect; a healthy run then leaves the group where a fault-free run would have, with
 *   MinSize <= MaxSize at every step and no user schedule undone.
 */
import type { GroupBaseline } from '../../../lambda/contract/group-baseline';
import { FakeGroup, HOUR, violations } from '../../support/fake-group';
import { predictiveEnv, runPredictive } from '../../support/handler-runs';
import { publishSkippedRun as publishCostSkipped, createMetrics as createCostMetrics } from '../../../lambda/cost-optimizer/telemetry';
import { createMetrics, publishSkippedRun } from '../../../lambda/predictive-scaler/telemetry';
import { captureOutput, dailyLoad } from './emulator-fixture';

const STAGING: GroupBaseline = {
  minSize: 2,
  maxSize: 6,
  schedules: [
    { name: 'weekday-morning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
    { name: 'weekday-evening', recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 2 },
  ],
};
const MON_0806_BERLIN = Date.parse('2026-11-30T07:06:00Z');

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function group(at: number, live?: { min: number; max: number; desired: number }, cap?: number): FakeGroup {
  const g = new FakeGroup('web', STAGING, at, live);
  g.load = (t) => dailyLoad(t) * 0.5;
  if (cap !== undefined) g.tags.set('cost-optimizer:state', g.signedState({ original: { minSize: 2, maxSize: 6, desiredCapacity: 3 }, cap }));
  restore = g.install();
  return g;
}

/** The schedule's MinSize 3 landed at 08:00 Berlin; the forecast wants less. */
test("bug 2: at 08:06 the scaler does not schedule the group's own floor of 3 back down", async () => {
  const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  g.load = () => 100; // one instance would do
  const { summary, error } = await runPredictive(g, predictiveEnv(g));
  expect(error).toBeUndefined();
  expect(summary!.plan).toMatchObject({ bounds: { baseMin: 3, minFrom: 'schedule:weekday-morning' } });
  for (const a of g.pending()) if (a.minSize !== undefined) expect(a.minSize).toBeGreaterThanOrEqual(3);
  g.advance(MON_0806_BERLIN + 3 * HOUR);
  expect(g.min).toBe(3);
  expect(violations(g)).toEqual([]);
});

test('the floor is set again after a schedule of the group lowers MinSize under it, and released to the MinSize in force', async () => {
  const evening = Date.parse('2026-11-30T17:30:00Z'); // 18:30 Berlin; the 19:00 schedule sets MinSize 2
  const g = group(evening, { min: 3, max: 6, desired: 3 });
  g.load = () => 1000; // five instances
  const { error } = await runPredictive(g, predictiveEnv(g));
  expect(error).toBeUndefined();
  g.advance(Date.parse('2026-11-30T18:05:00Z'));
  expect(g.min).toBe(5);
  expect(g.trace.map((s) => s.by)).toContain('schedule weekday-evening');
  g.advance(evening + 4 * HOUR);
  expect(g.min).toBe(2); // released to the evening's MinSize, not to the 3 in force when the plan was made
  expect(violations(g)).toEqual([]);
});

test('before a schedule of the group lowers MaxSize under the floor in force, the floor comes down', async () => {
  const baseline: GroupBaseline = {
    ...STAGING,
    schedules: [
      ...STAGING.schedules,
      { name: 'weekend-cap', recurrence: '0 0 * * 6', timeZone: 'Europe/Berlin', maxSize: 3 },
      { name: 'weekend-cap-end', recurrence: '0 0 * * 1', timeZone: 'Europe/Berlin', maxSize: 6 },
    ],
  };
  const friday = Date.parse('2026-12-04T22:10:00Z'); // 23:10 Berlin
  const g = new FakeGroup('web', baseline, friday, { min: 2, max: 6, desired: 2 });
  restore = g.install();
  g.load = () => 1000; // five instances
  expect((await runPredictive(g, predictiveEnv(g))).error).toBeUndefined();
  g.advance(friday + 2 * HOUR);
  expect(g.trace.some((s) => s.min === 5)).toBe(true);
  // The user's action ran (it would have failed against MinSize 5), then the plan's release.
  expect(g.trace.find((s) => s.by === 'schedule weekend-cap')).toMatchObject({ min: 3, max: 3 });
  expect(g.view()).toMatchObject({ min: 2, max: 3 });
  expect(violations(g)).toEqual([]);
});

test("bug 5: under the cost optimizer's budget cap every scheduled MinSize fits the MaxSize in force", async () => {
  const g = group(MON_0806_BERLIN, { min: 3, max: 4, desired: 3 }, 4);
  g.load = () => 1500;
  const { summary, error } = await runPredictive(g, predictiveEnv(g));
  expect(error).toBeUndefined();
  expect(summary!.plan).toMatchObject({ bounds: { maxSize: 4, budgetCap: 4 } });
  for (const a of g.pending()) expect(a.minSize ?? 0).toBeLessThanOrEqual(4);
  // The cost optimizer held MaxSize at 5 for a pending floor, its cap is 4: the scaler plans under 4.
  const held = group(MON_0806_BERLIN, { min: 3, max: 5, desired: 3 }, 4);
  held.load = () => 1500;
  await runPredictive(held, predictiveEnv(held));
  for (const a of held.pending()) expect(a.minSize ?? 0).toBeLessThanOrEqual(4);
  held.advance(MON_0806_BERLIN + 3 * HOUR);
  expect(violations(held)).toEqual([]);
});

test("the cost optimizer's state tag is read under the key the contract hands down (COST_STATE_TAG_KEY), and only that key", async () => {
  // The optimizer wrote MaxSize 5 (a pending floor) over its cap of 4: its state records the values it wrote.
  const custom = group(MON_0806_BERLIN, { min: 3, max: 5, desired: 3 });
  const state = custom.signedState({ original: { minSize: 2, maxSize: 6, desiredCapacity: 3 }, cap: 4, writtenMaxSizes: [6, 5] });
  custom.load = () => 1500;
  custom.tags.set('team:cost-state', state);
  const { summary } = await runPredictive(custom, predictiveEnv(custom, { COST_STATE_TAG_KEY: 'team:cost-state' }));
  expect(summary!.plan).toMatchObject({ bounds: { maxSize: 4, budgetCap: 4 } });
  // The same tag under another key than the configured one is not the optimizer's state.
  const other = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  other.load = () => 1500;
  other.tags.set('team:cost-state', state);
  const { summary: unheld } = await runPredictive(other, predictiveEnv(other));
  expect((unheld!.plan as { bounds: Record<string, unknown> }).bounds).not.toHaveProperty('budgetCap');
});

test("the cost optimizer's level floor (its signed state's floor) is never undercut by the scaler's floors", async () => {
  // The optimizer raised MinSize to its level floor of 5; the load alone would want 1 instance.
  const g = group(MON_0806_BERLIN, { min: 5, max: 6, desired: 5 });
  g.tags.set('cost-optimizer:state', g.signedState({ original: { minSize: 2, maxSize: 6, desiredCapacity: 3 }, floor: 5 }));
  g.load = () => 100;
  const { summary, error } = await runPredictive(g, predictiveEnv(g));
  expect(error).toBeUndefined();
  expect(summary!.plan).toMatchObject({ bounds: { budgetFloor: 5, baseMin: 5 } });
  for (const a of g.pending()) if (a.minSize !== undefined) expect(a.minSize).toBeGreaterThanOrEqual(5);
  g.advance(MON_0806_BERLIN + 6 * HOUR);
  expect(g.min).toBe(5);
  expect(violations(g)).toEqual([]);
});

test('warm pool instances do not count toward MinSize: the floors are those of a group without a pool, in-service counts InService only', async () => {
  const plain = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  plain.load = () => 1500;
  await runPredictive(plain, predictiveEnv(plain));
  const warm = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  warm.load = () => 1500;
  // In service: the desired 3. Beside them, pre-initialized instances of a warm pool: not in the
  // desired capacity, so not in MinSize (AWS lists them with DescribeWarmPool; counted here as
  // if listed too, in their Warmed:* states).
  warm.instances = [
    ...[1, 2, 3].map((i) => ({ InstanceId: `i-in${i}`, LifecycleState: 'InService' })),
    ...[1, 2].map((i) => ({ InstanceId: `i-warm${i}`, LifecycleState: 'Warmed:Stopped' })),
    { InstanceId: 'i-warm3', LifecycleState: 'Warmed:Running' },
  ];
  const { summary } = await runPredictive(warm, predictiveEnv(warm));
  expect(summary!.group).toMatchObject({ minSize: 3, desiredCapacity: 3, inService: 3 });
  const floors = (g: FakeGroup) => g.pending().map((a) => [a.startTime, a.minSize, a.desiredCapacity]);
  expect(floors(warm)).toEqual(floors(plain));
  expect(floors(warm).length).toBeGreaterThan(0);
});

test.each([
  ['empty', () => undefined],
  ['all NaN', () => NaN],
  ['negative', (t: number) => -dailyLoad(t)],
])('bug 6: a %s load metric skips the run and publishes SkippedRuns = 1 without dimensions', async (_name, load) => {
  const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  g.load = load;
  const { summary, rec } = await runPredictive(g, predictiveEnv(g));
  expect(summary!.decision).toBe('skipped');
  // Reads only (UpdateItem is the lease on the coordination table, not the group).
  expect(g.calls.filter((c) => !c.startsWith('Describe') && c !== 'GetMetricData' && c !== 'UpdateItem')).toEqual([]);
  expect(rec.published).toContainEqual({ dimensions: {}, values: { SkippedRuns: 1 } });
  const ok = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
  const { rec: okRec } = await runPredictive(ok, predictiveEnv(ok));
  expect(okRec.published).toContainEqual({ dimensions: {}, values: { SkippedRuns: 0 } });
});

test("SkippedRuns is an EMF metric without dimensions (Dimensions [[]]) in each handler's namespace", () => {
  const out = captureOutput();
  try {
    publishSkippedRun(createMetrics(), true);
    publishCostSkipped(createCostMetrics(), false);
  } finally {
    out.restore();
  }
  const blobs = out.lines().filter((l) => l._aws);
  expect(blobs.map((b) => [b._aws.CloudWatchMetrics[0].Namespace, b._aws.CloudWatchMetrics[0].Dimensions, b.SkippedRuns])).toEqual([
    ['CdkScalingArchitecture/PredictiveScaler', [[]], 1],
    ['CdkScalingArchitecture/CostOptimizer', [[]], 0],
  ]);
});

describe('fault harness: the run dies at its k-th AWS call', () => {
  const scenarios: Array<[string, number, { min: number; max: number; desired: number }, number | undefined, number]> = [
    ['08:06, schedule floor in force, forecast above it', MON_0806_BERLIN, { min: 3, max: 6, desired: 3 }, undefined, 1],
    ['under a budget cap of 4', MON_0806_BERLIN, { min: 3, max: 4, desired: 3 }, 4, 2],
    ['18:30, before the evening schedule', Date.parse('2026-11-30T17:30:00Z'), { min: 3, max: 6, desired: 3 }, undefined, 1.5],
  ];
  test.each(scenarios)('%s: a healthy run completes it, invariants hold at every step', async (_name, at, live, cap, loadScale) => {
    const reference = group(at, live, cap);
    reference.load = (t) => dailyLoad(t) * loadScale;
    reference.armFault(undefined);
    expect((await runPredictive(reference, predictiveEnv(reference))).error).toBeUndefined();
    const calls = reference.callCount;
    const expected = { view: reference.view(), pending: reference.pending() };
    restore!();
    expect(calls).toBeGreaterThanOrEqual(4);
    for (let k = 1; k <= calls; k++) {
      for (const mode of ['before', 'after'] as const) {
        const g = group(at, live, cap);
        g.load = (t) => dailyLoad(t) * loadScale;
        g.armFault({ k, mode });
        const dead = await runPredictive(g, predictiveEnv(g));
        expect(dead.error ?? dead.summary?.decision).toBeDefined();
        // Dead after k calls: the previous plan (none) or part of the new one, never a lowered or over-MaxSize group.
        expect(g.desired).toBeGreaterThanOrEqual(live.desired);
        g.armFault(undefined);
        const healthy = await runPredictive(g, predictiveEnv(g));
        expect({ k, mode, error: healthy.error }).toEqual({ k, mode, error: undefined });
        expect({ k, mode, view: g.view(), pending: g.pending() }).toEqual({ k, mode, ...expected });
        g.advance(at + 3 * HOUR);
        expect({ k, mode, violations: violations(g) }).toEqual({ k, mode, violations: [] });
        restore!();
        restore = undefined;
      }
    }
  });
});

describe('issue 22: the predictive scaler stays in its lane', () => {
  const published = (rec: Awaited<ReturnType<typeof runPredictive>>['rec'], name: string) =>
    rec.published.filter((p) => p.dimensions.AutoScalingGroupName === 'web' && name in p.values).map((p) => p.values[name]);

  test.each([
    ['raises MaxSize 6 -> 12 in an incident', { min: 3, max: 12, desired: 9 }],
    ['stops the group (0/0/0)', { min: 0, max: 0, desired: 0 }],
    ['sets MinSize 0', { min: 0, max: 6, desired: 2 }],
  ])('1: an operator who %s is not undone: no floor of the scaler lands, none fails', async (_what, live) => {
    const g = group(MON_0806_BERLIN, live);
    g.load = () => 1500; // the forecast wants five instances
    // The scaler's floors from an earlier run are pending: they are withdrawn.
    g.actions.set('predictive-scaler-0815', { name: 'predictive-scaler-0815', startTime: MON_0806_BERLIN + 9 * 60_000, minSize: 4 });
    const { summary, error, rec } = await runPredictive(g, predictiveEnv(g));
    expect(error).toBeUndefined();
    expect(g.pending()).toEqual([]);
    g.advance(MON_0806_BERLIN + 3 * HOUR);
    expect(g.view()).toEqual(live);
    expect(g.failedActions).toEqual([]);
    expect(summary!.decision).toBe('held');
    expect(published(rec, 'OperatorHold')).toEqual([1]);
  });

  test('1: the pause tag holds the scaler too (nothing put, its pending floors withdrawn); removing it resumes', async () => {
    const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
    g.load = () => 1500;
    g.tags.set('scaling:paused', 'INC-4711');
    const { summary, rec } = await runPredictive(g, predictiveEnv(g));
    expect(g.calls).not.toContain('BatchPutScheduledUpdateGroupAction');
    expect(g.calls).not.toContain('SetDesiredCapacity');
    expect(summary!.decision).toBe('held');
    expect(summary!.reason).toMatch(/INC-4711/);
    expect(published(rec, 'OperatorHold')).toEqual([1]);
    g.tags.delete('scaling:paused');
    const resumed = await runPredictive(g, predictiveEnv(g));
    expect(resumed.summary!.decision).toBe('applied');
    expect(published(resumed.rec, 'OperatorHold')).toEqual([0]);
  });

  test('7: a cost state tag the optimizer did not sign does not cap the plan', async () => {
    const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
    g.load = () => 1500;
    g.tags.set('cost-optimizer:state', '{"v":1,"o":{"mn":2,"mx":6,"d":3},"c":1}');
    const { summary } = await runPredictive(g, predictiveEnv(g));
    expect((summary!.plan as { bounds: Record<string, unknown> }).bounds).toMatchObject({ maxSize: 6 });
    expect(Math.max(...g.pending().map((a) => a.minSize ?? 0), g.desired)).toBeGreaterThan(3);
  });

  test('9: a load metric silent for 7 days is stale: the run is skipped and counted, nothing planned on the old pattern', async () => {
    const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
    const silentSince = MON_0806_BERLIN - 7 * 86_400_000;
    g.load = (t) => (t < silentSince ? dailyLoad(t) * 3 : undefined);
    const { summary, rec } = await runPredictive(g, predictiveEnv(g, { HISTORY_SECONDS: String(14 * 86_400) }));
    expect(g.calls).not.toContain('BatchPutScheduledUpdateGroupAction');
    expect(g.calls).not.toContain('SetDesiredCapacity');
    expect(summary!.decision).toBe('skipped');
    expect(summary!.reason).toMatch(/stale/);
    expect(rec.published).toContainEqual({ dimensions: {}, values: { SkippedRuns: 1 } });
  });

  test("9: the Lambda console's test event (1970) is not the run's clock", async () => {
    const g = group(MON_0806_BERLIN, { min: 3, max: 6, desired: 3 });
    const { runPredictiveScaler } = await import('../../../lambda/predictive-scaler');
    const { recorder } = await import('../../support/handler-runs');
    const { planCapacity } = await import('../../../lambda/core');
    const { AutoScalingClient } = await import('@aws-sdk/client-auto-scaling');
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const region = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 };
    const rec = recorder();
    const summary = await runPredictiveScaler(
      { source: 'aws.events', time: '1970-01-01T00:00:00Z' },
      {
        cloudWatch: new CloudWatchClient(region),
        autoScaling: new AutoScalingClient(region),
        dynamoDb: new DynamoDBClient(region),
        sleep: () => Promise.resolve(),
        logger: rec.logger,
        metrics: rec.metrics,
        planner: planCapacity,
        env: predictiveEnv(g),
        wallClock: () => MON_0806_BERLIN,
      },
    );
    expect(summary.now).toBe(new Date(MON_0806_BERLIN).toISOString());
    expect(summary.decision).toBe('applied');
    for (const a of g.pending()) expect(a.startTime).toBeGreaterThan(MON_0806_BERLIN);
  });
});
