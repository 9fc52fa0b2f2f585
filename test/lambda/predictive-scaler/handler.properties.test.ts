/**
 * Property: for any load history (gaps, zeros, negatives, huge spikes, level shifts) and any live
 * group, a forecast-and-scale run with the real planner never lowers the desired capacity, never
 * asks for more than MaxSize, schedules only in the future under its own prefix, touches no other
 * action, and never throws for data problems.
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
import fc from 'fast-check';
import { createDependencies, type Dependencies, runPredictiveScaler } from '../../../lambda/predictive-scaler';
import { captureOutput, MINUTE } from './emulator-fixture';

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0);
const cw = mockClient(CloudWatchClient);
const asg = mockClient(AutoScalingClient);
afterAll(() => {
  cw.restore();
  asg.restore();
});

const value = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2000 }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, 0, -50, 1e9) });
/** A series of segments (level shifts, outages, bursts), up to three days at one minute. */
const series = fc
  .array(fc.record({ length: fc.integer({ min: 1, max: 1500 }), level: value, noise: fc.double({ min: 0, max: 0.5, noNaN: true }) }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((segs) =>
    segs.flatMap((s) => Array.from({ length: s.length }, (_, i) => (Number.isFinite(s.level) ? s.level * (1 + s.noise * Math.sin(i)) : s.level))),
  );

test('any history, any group: never lower, never above MaxSize, only future actions under its own prefix', async () => {
  const { logger, metrics, planner, wallClock } = createDependencies({});
  const seen = { applied: 0, skipped: 0, raised: 0, scheduled: 0 };
  const base: Omit<Dependencies, 'env'> = {
    cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
    autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
    logger,
    metrics,
    planner,
    wallClock,
    // Replays on a fixed simulated clock: the event's time is the run's.
    simulatedClock: true,
  };
  await fc.assert(
    fc.asyncProperty(
      series,
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 40 }),
      fc.double({ min: 0.5, max: 500, noNaN: true }),
      async (values, minSize, extra, desiredRaw, perInstance) => {
        const maxSize = minSize + extra;
        const desired = Math.min(maxSize, Math.max(minSize, desiredRaw));
        cw.reset();
        asg.reset();
        const start = NOW - values.length * MINUTE;
        const points = values.map((v, i) => [new Date(start + i * MINUTE), v] as const).filter(([, v]) => !Number.isNaN(v));
        cw.on(GetMetricDataCommand).resolves({
          MetricDataResults: [{ Id: 'load', Timestamps: points.map(([t]) => t), Values: points.map(([, v]) => v) }],
        });
        asg
          .on(DescribeAutoScalingGroupsCommand)
          .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'web', MinSize: minSize, MaxSize: maxSize, DesiredCapacity: desired } as never] });
        asg.on(DescribeScheduledActionsCommand).resolves({
          ScheduledUpdateGroupActions: [
            { ScheduledActionName: 'predictive-scaler-20260101T0000Z', StartTime: new Date(NOW + 30 * MINUTE), MinSize: maxSize },
            { ScheduledActionName: 'someone-else', StartTime: new Date(NOW + 40 * MINUTE), MinSize: minSize },
          ],
        });
        asg.on(SetDesiredCapacityCommand).resolves({});
        asg.on(BatchPutScheduledUpdateGroupActionCommand).resolves({ FailedScheduledUpdateGroupActions: [] });
        asg.on(BatchDeleteScheduledActionCommand).resolves({ FailedScheduledActions: [] });

        const out = captureOutput();
        let summary;
        try {
          summary = await runPredictiveScaler(
            { time: new Date(NOW).toISOString() },
            {
              ...base,
              env: {
                AUTO_SCALING_GROUP_NAME: 'web',
                LOAD_METRIC_NAMESPACE: 'N',
                LOAD_METRIC_NAME: 'M',
                CAPACITY_PER_INSTANCE: String(perInstance),
                SCALING_MODE: 'forecast-and-scale',
                MIN_HISTORY_SECONDS: '3600',
                BASE_MIN_CAPACITY: String(minSize),
              },
            },
          );
        } finally {
          out.restore();
        }
        expect(['applied', 'skipped']).toContain(summary.decision);
        seen[summary.decision as 'applied' | 'skipped']++;
        if (asg.commandCalls(SetDesiredCapacityCommand).length > 0) seen.raised++;
        if (asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand).length > 0) seen.scheduled++;
        for (const c of asg.commandCalls(SetDesiredCapacityCommand)) {
          expect(c.args[0].input.DesiredCapacity).toBeGreaterThan(desired);
          expect(c.args[0].input.DesiredCapacity).toBeLessThanOrEqual(maxSize);
        }
        for (const c of asg.commandCalls(BatchPutScheduledUpdateGroupActionCommand)) {
          for (const a of c.args[0].input.ScheduledUpdateGroupActions!) {
            expect(a.ScheduledActionName!.startsWith('predictive-scaler-')).toBe(true);
            expect(a.StartTime!.getTime()).toBeGreaterThanOrEqual(NOW + MINUTE);
            expect(a.MaxSize).toBeUndefined();
            expect(a.MinSize ?? minSize).toBeGreaterThanOrEqual(minSize);
            expect(a.MinSize ?? 0).toBeLessThanOrEqual(maxSize);
            expect(a.DesiredCapacity ?? 0).toBeLessThanOrEqual(maxSize);
            expect(a.StartTime!.getTime()).not.toBe(NOW + 40 * MINUTE);
          }
        }
        for (const c of asg.commandCalls(BatchDeleteScheduledActionCommand)) {
          expect(c.args[0].input.ScheduledActionNames!.every((n) => n.startsWith('predictive-scaler-'))).toBe(true);
        }
      },
    ),
    { numRuns: 60 },
  );
  // not vacuous: most runs plan and act
  expect(seen.applied).toBeGreaterThan(30);
  expect(seen.raised).toBeGreaterThan(0);
  expect(seen.scheduled).toBeGreaterThan(10);
}, 300_000);
