/**
 * The predictive scaler sharing a group with the cost optimizer (and with its own earlier plans):
 * - the cost optimizer lowers MaxSize (a budget cap, or non-production off-hours MinSize = MaxSize
 *   = floor) while the scaler's pending actions raise MinSize above it: on AWS such an action fails
 *   when it runs; the scaler's next run clamps everything to the live MaxSize and replaces them;
 * - without BASE_MIN_CAPACITY the live MinSize may be a floor the scaler raised itself: the base
 *   it restores to must not ratchet up to it.
 */
import {
  AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { createDependencies, type Dependencies, runPredictiveScaler } from '../../../lambda/predictive-scaler';
import { captureOutput, DAY, dailyLoad, MINUTE } from './emulator-fixture';

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0);
const GROUP = 'web';
const ENV: Record<string, string> = {
  AUTO_SCALING_GROUP_NAME: GROUP,
  LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB',
  LOAD_METRIC_NAME: 'RequestCount',
  LOAD_METRIC_DIMENSIONS: JSON.stringify({ LoadBalancer: 'app/web/1' }),
  CAPACITY_PER_INSTANCE: '150',
  SCALING_MODE: 'forecast-and-scale',
};

const HISTORY = (() => {
  const Timestamps: Date[] = [];
  const Values: number[] = [];
  for (let t = NOW - 14 * DAY; t < NOW; t += MINUTE) {
    Timestamps.push(new Date(t));
    Values.push(dailyLoad(t));
  }
  return { MetricDataResults: [{ Id: 'load', Timestamps, Values, StatusCode: 'Complete' as const }] };
})();

const cw = mockClient(CloudWatchClient);
const asg = mockClient(AutoScalingClient);
let base: Omit<Dependencies, 'env'>;

beforeAll(() => {
  const { logger, metrics, planner, wallClock } = createDependencies({});
  base = {
    cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
    autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
    logger,
    metrics,
    planner,
    wallClock,
    // Replays on a fixed simulated clock: the event's time is the run's.
    simulatedClock: true,
  };
});

afterAll(() => {
  cw.restore();
  asg.restore();
});

function given(live: { MinSize: number; MaxSize: number; DesiredCapacity: number }, own: Array<{ at: number; minSize: number }>) {
  cw.reset();
  asg.reset();
  cw.on(GetMetricDataCommand).resolves(HISTORY);
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, ...live } as never] });
  asg.on(DescribeScheduledActionsCommand).resolves({
    ScheduledUpdateGroupActions: own.map((a) => ({
      ScheduledActionName: `predictive-scaler-${new Date(a.at).toISOString().replace(/[-:]/g, '').slice(0, 13)}Z`,
      StartTime: new Date(a.at),
      MinSize: a.minSize,
    })),
  });
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(BatchPutScheduledUpdateGroupActionCommand).resolves({ FailedScheduledUpdateGroupActions: [] });
  asg.on(BatchDeleteScheduledActionCommand).resolves({ FailedScheduledActions: [] });
}

async function run(env: Record<string, string> = ENV) {
  const out = captureOutput();
  try {
    const summary = await runPredictiveScaler({ time: new Date(NOW).toISOString() }, { ...base, env });
    return { summary, lines: out.lines() };
  } finally {
    out.restore();
  }
}

const puts = () => asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand).flatMap((c) => c.args[0].input.ScheduledUpdateGroupActions ?? []);
const deleted = () => asg.commandCalls(BatchDeleteScheduledActionCommand).flatMap((c) => c.args[0].input.ScheduledActionNames ?? []);

test('the cost optimizer holds the off-hours floor (MinSize = MaxSize = 1): the next run clamps to MaxSize and replaces its raised actions', async () => {
  given({ MinSize: 1, MaxSize: 1, DesiredCapacity: 1 }, [
    { at: NOW + 30 * MINUTE, minSize: 9 },
    { at: NOW + 2 * 60 * MINUTE, minSize: 2 },
  ]);
  const { summary, lines } = await run({ ...ENV, BASE_MIN_CAPACITY: '2' });
  expect(summary.decision).toBe('applied');
  // Nothing above the live MaxSize is asked for, and capacity is not lowered.
  for (const a of puts()) {
    expect(a.MinSize ?? 0).toBeLessThanOrEqual(1);
    expect(a.DesiredCapacity ?? 0).toBeLessThanOrEqual(1);
  }
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  // The actions that would fail on AWS (MinSize 9 > MaxSize 1) are removed.
  expect(deleted()).toEqual(expect.arrayContaining(['predictive-scaler-20261126T0830Z', 'predictive-scaler-20261126T1000Z']));
  expect(lines.filter((l) => typeof l.decision === 'string')).toHaveLength(1);
  expect(summary.plan).toMatchObject({ baseMin: 1, peak: 1 });
});

test('a budget cap (MaxSize 20 -> 5) below the planned floor: every MinSize and desired capacity is clamped to 5', async () => {
  given({ MinSize: 2, MaxSize: 5, DesiredCapacity: 3 }, [{ at: NOW + 30 * MINUTE, minSize: 9 }]);
  const { summary } = await run({ ...ENV, BASE_MIN_CAPACITY: '2' });
  expect(summary.decision).toBe('applied');
  expect(puts().length).toBeGreaterThan(0);
  for (const a of puts()) {
    expect(a.MinSize ?? 0).toBeLessThanOrEqual(5);
    expect(a.DesiredCapacity ?? 0).toBeLessThanOrEqual(5);
  }
  for (const c of asg.commandCalls(SetDesiredCapacityCommand)) expect(c.args[0].input.DesiredCapacity).toBeLessThanOrEqual(5);
  expect(deleted()).toContain('predictive-scaler-20261126T0830Z');
});

test('without BASE_MIN_CAPACITY, a floor the scaler raised itself is not taken as the base (no ratchet)', async () => {
  // The previous plan raised MinSize 2 -> 9 (in effect now) and releases it to 2 at 10:00.
  given({ MinSize: 9, MaxSize: 20, DesiredCapacity: 9 }, [
    { at: NOW + 30 * MINUTE, minSize: 9 },
    { at: NOW + 2 * 60 * MINUTE, minSize: 2 },
  ]);
  const { summary } = await run();
  expect(summary.decision).toBe('applied');
  expect(summary.plan).toMatchObject({ baseMin: 2 });
  const wanted = (summary.actions as { scheduled: Array<{ minSize?: number }> }).scheduled;
  const lastFloor = [...wanted].reverse().find((a) => a.minSize !== undefined)?.minSize;
  // The plan's floor is released to the base, not to the raised 9.
  expect(lastFloor).toBe(2);
  // Capacity in service is never lowered by the scaler itself.
  expect(asg.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
});

test('without BASE_MIN_CAPACITY and no pending plan of its own, the live MinSize is the base', async () => {
  given({ MinSize: 3, MaxSize: 20, DesiredCapacity: 3 }, []);
  const { summary } = await run();
  expect(summary.plan).toMatchObject({ baseMin: 3 });
});
