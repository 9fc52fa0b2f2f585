/**
 * The predictive scaler's handler against moto_server (started here on a free loopback port) with
 * the real SDK v3 clients: 14 days of one-minute load history, groups created through the API,
 * scheduled actions and capacity read back from the emulator.
 *
 * moto_server runs with the project's one-pass GetMetricData patch (scripts/local/moto-patches,
 * the same results as moto's own, which takes ~7 s per 14-day read); the handler is unchanged.
 */
import * as path from 'node:path';
import { type AutoScalingClient, PutScheduledUpdateGroupActionCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createDependencies, type Dependencies, runPredictiveScaler, type RunSummary } from '../../../lambda/predictive-scaler';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';
import {
  captureOutput,
  createGroup,
  createLaunchTemplate,
  DAY,
  dailyLoad,
  groupState,
  MINUTE,
  scheduledActions,
  seedMetric,
} from './emulator-fixture';

const PREFIX = 'predictive-scaler-';
const LOAD = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/web/0123456789abcdef' } };
const SHORT = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/new/0123456789abcdef' } };
const EMPTY = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/idle/0123456789abcdef' } };

// 08:00 UTC of the latest day that has passed it by an hour (so a run is never taken for a late
// real one, see LATE_RUN_MS): load is rising through the morning.
const wall = Date.now();
const NOW = (() => {
  const today8 = Math.floor(wall / DAY) * DAY + 8 * 3_600_000;
  return today8 <= wall - 3_600_000 ? today8 : today8 - DAY;
})();

let moto: MotoServer;
let restoreEnv: () => void;
let asg: AutoScalingClient;
let deps: Omit<Dependencies, 'env'>;
const timings: number[] = [];

function env(group: string, metric: typeof LOAD, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTO_SCALING_GROUP_NAME: group,
    LOAD_METRIC_NAMESPACE: metric.namespace,
    LOAD_METRIC_NAME: metric.metricName,
    LOAD_METRIC_DIMENSIONS: JSON.stringify(metric.dimensions),
    LOAD_METRIC_STATISTIC: 'Sum',
    CAPACITY_PER_INSTANCE: '150',
    TARGET_UTILIZATION: '0.7',
    BASE_MIN_CAPACITY: '2',
    ...extra,
  };
}

const scale = { SCALING_MODE: 'forecast-and-scale' };

/** Runs the handler at `now`; returns its summary and the JSON lines it wrote. */
async function run(e: Record<string, string>, now = NOW): Promise<{ summary: RunSummary; lines: Record<string, any>[] }> {
  const out = captureOutput();
  try {
    const summary = await runPredictiveScaler(
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(now).toISOString() },
      { ...deps, env: e },
    );
    timings.push(summary.durationMs);
    return { summary, lines: out.lines() };
  } finally {
    out.restore();
  }
}

const decisionLines = (lines: Record<string, any>[]) => lines.filter((l) => typeof l.decision === 'string');
const emf = (lines: Record<string, any>[], name: string) => lines.filter((l) => l._aws && name in l).map((l) => l[name] as number);
const own = async (group: string) => (await scheduledActions(asg, group)).filter((a) => a.ScheduledActionName!.startsWith(PREFIX));

beforeAll(async () => {
  const patches = path.resolve(__dirname, '../../../scripts/local/moto-patches');
  moto = await startMoto({ env: { PYTHONPATH: [patches, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) } });
  restoreEnv = useEmulatorEnv(moto);
  const { cloudWatch, autoScaling, logger, metrics, planner, wallClock } = createDependencies();
  deps = { cloudWatch, autoScaling, logger, metrics, planner, wallClock, simulatedClock: true };
  asg = autoScaling;
  const ec2 = new EC2Client({});
  const cw = new CloudWatchClient({});
  await createLaunchTemplate(ec2);
  for (const [name, min, max] of [
    ['web', 2, 20],
    ['web-fo', 2, 20],
    ['web-dry', 2, 20],
    ['web-capped', 1, 3],
    ['web-high', 2, 20],
    ['web-short', 2, 20],
  ] as const) {
    await createGroup(asg, name, min, max);
  }
  const put = await seedMetric(cw, LOAD, NOW - 14 * DAY, NOW, dailyLoad);
  expect(put).toBe(14 * 1440);
  await seedMetric(cw, SHORT, NOW - 6 * 3_600_000, NOW, dailyLoad);
}, 120_000);

afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
  if (timings.length) {
    const sorted = [...timings].sort((a, b) => a - b);
    process.stderr.write(
      `predictive-scaler handler wall time per run against moto (14 days of 1-minute history): ` +
        `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms over ${sorted.length} runs\n`,
    );
  }
});

test('forecast-only (the default) publishes the forecast and changes nothing', async () => {
  const before = await groupState(asg, 'web-fo');
  const { summary, lines } = await run(env('web-fo', LOAD));
  expect(summary.decision).toBe('forecast-only');
  expect(summary.history).toMatchObject({ datapoints: 14 * 1440 });
  expect(await scheduledActions(asg, 'web-fo')).toEqual([]);
  expect(await groupState(asg, 'web-fo')).toEqual(before);
  // one decision line, saying what it would have done
  expect(decisionLines(lines)).toHaveLength(1);
  expect(decisionLines(lines)[0].actions.wouldApply.scheduled.length).toBeGreaterThan(0);
  // forecast and planned capacity for each minute until the next run, and no error
  expect(emf(lines, 'ForecastLoad')).toHaveLength(5);
  expect(emf(lines, 'PlannedCapacity')).toHaveLength(5);
  expect(emf(lines, 'RunErrors')).toEqual([0]);
  expect(emf(lines, 'DecisionForecastOnly')).toEqual([1]);
});

test("reads GroupInServiceInstances as capacity history: the last day's realized unserved share is published and logged, and steers the plan", async () => {
  await createGroup(asg, 'web-realized', 2, 20);
  const cw = new CloudWatchClient({});
  // the group ran a little short over the last two days (one instance per 160 of load, which carries 150)
  const inService = { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: 'web-realized' } };
  const instances = (t: number) => Math.ceil(dailyLoad(t) / 160);
  expect(await seedMetric(cw, inService, NOW - 2 * DAY, NOW, instances)).toBe(2 * 1440);
  let load = 0;
  let unserved = 0;
  for (let t = NOW - DAY; t < NOW; t += MINUTE) {
    load += dailyLoad(t);
    unserved += Math.max(0, dailyLoad(t) - instances(t) * 150);
  }
  const { summary, lines } = await run(env('web-realized', LOAD));
  expect(summary.decision).toBe('forecast-only');
  expect(summary.history).toMatchObject({ capacityDatapoints: 2 * 1440 });
  const realized = emf(lines, 'RealizedUnservedPercent');
  expect(realized).toHaveLength(1);
  expect(realized[0]).toBeCloseTo((100 * unserved) / load, 4);
  const plan = decisionLines(lines)[0].plan;
  expect(plan.realized).toMatchObject({ minutes: 1440, emptyMinutes: 0 });
  expect(plan.diagnostics.realizedUnservedShare).toBeGreaterThan(0.0003);
  expect(plan.diagnostics.notes.join(' ')).toMatch(/realized unserved .* exceeds the budget/);

  // without group metrics (web-fo has no GroupInServiceInstances): the replay alone, no realized metric
  const plain = await run(env('web-fo', LOAD));
  expect(plain.summary.history).toMatchObject({ capacityDatapoints: 0 });
  expect(emf(plain.lines, 'RealizedUnservedPercent')).toEqual([]);
  expect(decisionLines(plain.lines)[0].plan.realized).toBeUndefined();
}, 120_000);

test('dry run logs the actions it would take and changes nothing', async () => {
  const before = await groupState(asg, 'web-dry');
  const { summary, lines } = await run(env('web-dry', LOAD, { ...scale, DRY_RUN: 'true' }));
  expect(summary.decision).toBe('dry-run');
  expect(await scheduledActions(asg, 'web-dry')).toEqual([]);
  expect(await groupState(asg, 'web-dry')).toEqual(before);
  const line = decisionLines(lines)[0];
  expect(line.reason).toMatch(/^dry run: would raise desired 2 -> \d+ now; put \d+, remove 0 scheduled actions$/);
  expect(line.actions.wouldApply.put.length).toBeGreaterThan(0);
});

test('forecast-and-scale raises capacity now, schedules its plan, replaces its stale actions and leaves others alone', async () => {
  const other = { AutoScalingGroupName: 'web', ScheduledActionName: 'nightly-batch', Recurrence: '0 22 * * *', MinSize: 4 };
  await asg.send(new PutScheduledUpdateGroupActionCommand(other));
  await asg.send(
    new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: 'web',
      ScheduledActionName: `${PREFIX}19990101T0000Z`,
      StartTime: new Date(NOW + 30 * MINUTE),
      MinSize: 9,
    }),
  );

  const first = await run(env('web', LOAD, scale));
  expect(first.summary.decision).toBe('applied');
  const g1 = await groupState(asg, 'web');
  // the morning ramp needs more than the 2 instances running
  expect(g1.desired).toBeGreaterThan(2);
  expect(g1.desired).toBeLessThanOrEqual(20);
  expect(g1.desired).toBe(first.summary.plan!.neededNow);
  const actions1 = await own('web');
  expect(actions1.map((a) => a.ScheduledActionName).sort()).toEqual(
    (first.summary.actions!.scheduled as { name: string }[]).map((a) => a.name).sort(),
  );
  expect(actions1.length).toBeGreaterThan(1);
  for (const a of actions1) {
    expect(a.StartTime!.getTime()).toBeGreaterThanOrEqual(NOW + MINUTE);
    expect(a.MaxSize).toBeUndefined();
    expect(a.MinSize).toBeGreaterThanOrEqual(2);
    expect(a.MinSize).toBeLessThanOrEqual(20);
  }
  // the floor is released at the end of the plan to the MinSize in force: the other owner's
  // recurring action is one of the group's own schedules (read at run time, issue 22 item 4),
  // and its MinSize 4 has been in force since 22:00 last night, above the configured 2
  const last = [...actions1].sort((a, b) => a.StartTime!.getTime() - b.StartTime!.getTime()).pop()!;
  expect(last.MinSize).toBe(4);
  expect(first.summary.plan).toMatchObject({ bounds: { minFrom: 'schedule:nightly-batch' } });
  expect(last.StartTime!.getTime()).toBeGreaterThanOrEqual(NOW + 2 * 3_600_000);
  // the stale own action is gone, the other owner's action is untouched
  expect(actions1.find((a) => a.ScheduledActionName === `${PREFIX}19990101T0000Z`)).toBeUndefined();
  expect((await scheduledActions(asg, 'web')).find((a) => a.ScheduledActionName === 'nightly-batch')).toMatchObject({
    Recurrence: '0 22 * * *',
    MinSize: 4,
  });
  const line1 = decisionLines(first.lines)[0];
  expect(line1.actions.result).toMatchObject({ desiredSet: g1.desired, removed: 1, failed: [] });
  expect(emf(first.lines, 'ImmediateScaleOuts')).toEqual([1]);
  expect(emf(first.lines, 'RunErrors')).toEqual([0]);

  // ten minutes later: the plan moves on; actions of the first plan not in the second are removed
  const second = await run(env('web', LOAD, scale), NOW + 10 * MINUTE);
  expect(second.summary.decision).toBe('applied');
  const actions2 = await own('web');
  const wanted2 = (second.summary.actions!.scheduled as { name: string }[]).map((a) => a.name).sort();
  expect(actions2.map((a) => a.ScheduledActionName).sort()).toEqual(wanted2);
  const names1 = actions1.map((a) => a.ScheduledActionName!);
  const gone = names1.filter((n) => !wanted2.includes(n));
  expect(gone.length).toBeGreaterThan(0); // at least the first plan's release and held floor moved
  expect((second.summary.actions!.result as { removed: number }).removed).toBe(gone.length);
  for (const a of actions2) expect(a.StartTime!.getTime()).toBeGreaterThanOrEqual(NOW + 11 * MINUTE);
  expect((await scheduledActions(asg, 'web')).find((a) => a.ScheduledActionName === 'nightly-batch')).toMatchObject({
    Recurrence: '0 22 * * *',
    MinSize: 4,
  });
  // never lowered
  expect((await groupState(asg, 'web')).desired).toBeGreaterThanOrEqual(g1.desired);
});

test('a run that changes nothing in the plan puts nothing again', async () => {
  const again = await run(env('web', LOAD, scale), NOW + 10 * MINUTE);
  expect(again.summary.decision).toBe('applied');
  expect(again.summary.actions!.result).toMatchObject({ put: 0, removed: 0 });
});

test('never above the live MaxSize, even when the forecast needs more', async () => {
  const { summary } = await run(env('web-capped', LOAD, { ...scale, BASE_MIN_CAPACITY: '1', CAPACITY_PER_INSTANCE: '20' }));
  expect(summary.decision).toBe('applied');
  // the load needs ~50 instances of 20 at 70%: everything stops at MaxSize 3
  expect(summary.plan!.neededNow).toBe(3);
  expect((await groupState(asg, 'web-capped')).desired).toBe(3);
  for (const a of await own('web-capped')) {
    expect(a.MinSize).toBeLessThanOrEqual(3);
    expect(a.DesiredCapacity ?? 0).toBeLessThanOrEqual(3);
  }
});

test('never lowers capacity now when the group runs above what the plan needs', async () => {
  await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-high', DesiredCapacity: 18 }));
  const { summary } = await run(env('web-high', LOAD, scale));
  expect(summary.decision).toBe('applied');
  expect(summary.plan!.neededNow).toBeLessThan(18);
  expect((await groupState(asg, 'web-high')).desired).toBe(18);
  expect(summary.reason).toMatch(/^no immediate change/);
});

test.each([
  ['six hours of history', SHORT, /history spans 6 h, less than the 24 h needed/],
  ['no datapoints at all', EMPTY, /no datapoints of the load metric/],
])('short history (%s): skipped, capacity and scheduled actions untouched, one warning line, an error counted', async (_name, metric, reason) => {
  await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-short', DesiredCapacity: 5 }));
  await asg.send(
    new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: 'web-short',
      ScheduledActionName: `${PREFIX}20990101T0000Z`,
      StartTime: new Date(NOW + 20 * MINUTE),
      MinSize: 6,
    }),
  );
  const before = await scheduledActions(asg, 'web-short');
  const { summary, lines } = await run(env('web-short', metric, scale));
  expect(summary.decision).toBe('skipped');
  expect(summary.reason).toMatch(reason);
  expect((await groupState(asg, 'web-short')).desired).toBe(5);
  expect(await scheduledActions(asg, 'web-short')).toEqual(before);
  const logged = decisionLines(lines);
  expect(logged).toHaveLength(1);
  expect(logged[0].level).toBe('WARN');
  expect(emf(lines, 'RunErrors')).toEqual([1]);
  expect(emf(lines, 'DecisionSkipped')).toEqual([1]);
});
