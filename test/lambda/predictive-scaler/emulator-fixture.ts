/**
 * Emulator fixtures for the predictive scaler's tests: a launch template and groups, a seeded
 * one-minute load metric with a daily shape, and capture of the handler's log and EMF lines.
 */
import {
  type AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  type ScheduledUpdateGroupAction,
} from '@aws-sdk/client-auto-scaling';
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, type EC2Client } from '@aws-sdk/client-ec2';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A deterministic daily-shaped load (requests per minute) with noise and short bursts. */
export function dailyLoad(t: number): number {
  const phase = ((t % DAY) / DAY) * 2 * Math.PI;
  const base = 600 + 400 * Math.sin(phase - Math.PI / 2) + 120 * Math.sin(2 * phase);
  const k = Math.floor(t / MINUTE);
  const noise = (((k * 2654435761) >>> 0) % 1000) / 1000 - 0.5; // in [-0.5, 0.5)
  return Math.max(0, Math.round(base * (1 + 0.1 * noise)));
}

export async function createLaunchTemplate(ec2: EC2Client, name = 'web'): Promise<void> {
  await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' } }),
  );
}

export async function createGroup(asg: AutoScalingClient, name: string, minSize: number, maxSize: number, template = 'web'): Promise<void> {
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: minSize,
      MaxSize: maxSize,
      LaunchTemplate: { LaunchTemplateName: template },
      AvailabilityZones: ['us-east-1a'],
    }),
  );
}

export async function groupState(asg: AutoScalingClient, name: string): Promise<{ min: number; max: number; desired: number }> {
  const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
  return { min: g.MinSize!, max: g.MaxSize!, desired: g.DesiredCapacity! };
}

export async function scheduledActions(asg: AutoScalingClient, name: string): Promise<ScheduledUpdateGroupAction[]> {
  return (await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: name, MaxRecords: 100 }))).ScheduledUpdateGroupActions ?? [];
}

/** Puts one datapoint per minute in [from, to) with `value(t)` (undefined: no datapoint), 1,000 per call. */
export async function seedMetric(
  cw: CloudWatchClient,
  metric: { namespace: string; metricName: string; dimensions: Record<string, string> },
  from: number,
  to: number,
  value: (t: number) => number | undefined,
): Promise<number> {
  const dims = Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value }));
  let batch: { MetricName: string; Dimensions: typeof dims; Timestamp: Date; Value: number; Unit: 'Count' }[] = [];
  let put = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await cw.send(new PutMetricDataCommand({ Namespace: metric.namespace, MetricData: batch }));
    put += batch.length;
    batch = [];
  };
  for (let t = from; t < to; t += MINUTE) {
    const v = value(t);
    if (v === undefined) continue;
    batch.push({ MetricName: metric.metricName, Dimensions: dims, Timestamp: new Date(t), Value: v, Unit: 'Count' });
    if (batch.length === 1000) await flush();
  }
  await flush();
  return put;
}

/**
 * Captures what the process writes to stdout and stderr (the Powertools log lines, warnings and
 * errors go to stderr, and the EMF blobs) as JSON objects.
 */
export function captureOutput(): { lines: () => Record<string, any>[]; restore: () => void } {
  const chunks: string[] = [];
  const sink = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as never;
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(sink), jest.spyOn(process.stderr, 'write').mockImplementation(sink)];
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l)),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}
