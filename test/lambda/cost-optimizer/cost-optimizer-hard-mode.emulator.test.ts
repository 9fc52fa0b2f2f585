/**
 * Hard mode holds the limit, and the published overrun says what the group will spend (issue 21):
 * the handler against moto_server, with the construct's baseline and two days of usage history.
 * - hard: the load's emergency floor no longer holds MaxSize above the plan's cap (it did: planned
 *   cap 3, written 8, ForecastOverrunPercent 0);
 * - a bound the decision does not set (here a pending scheduled MinSize) holding MaxSize above the
 *   cap is published as the overrun at that MaxSize, with a note;
 * - availability-first keeps the emergency floor and reports its overrun.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import { encodeCostState } from '../../../lambda/core/cost';
import { type CostDependencies, createDependencies, runCostOptimizer } from '../../../lambda/cost-optimizer';
import { writeState } from '../../../lambda/cost-optimizer/state-tag';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';

const ACCOUNT = '123456789012';
const GROUP = 'web';
const BUDGET = 'web-monthly';
const NOW = Date.parse('2026-11-11T12:00:00Z');

let moto: MotoServer;
let restoreEnv: () => void;
let published: Array<Record<string, number>>;

function quietLogger(): Logger {
  const none = () => undefined;
  return { info: none, warn: none, error: none } as unknown as Logger;
}
function recordingMetrics(): Metrics {
  let current: Record<string, number> = {};
  return {
    addDimension: () => undefined,
    addDimensions: () => undefined,
    addMetric: (name: string, _unit: string, value: number) => {
      current[name] = value;
    },
    publishStoredMetrics: () => {
      published.push(current);
      current = {};
    },
  } as unknown as Metrics;
}

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useEmulatorEnv(moto);
});
afterAll(async () => {
  restoreEnv();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  published = [];
});

/** A group of 8 instances at 85% CPU for two days (6.8 busy instances: 8 needed at 90%), $200 spent of $1000. */
async function seed(actualSpend = '200'): Promise<AutoScalingClient> {
  const budgets = new BudgetsClient({ region: 'us-east-1' });
  await budgets.send(
    new CreateBudgetCommand({
      AccountId: ACCOUNT,
      Budget: {
        BudgetName: BUDGET,
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '1000', Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: actualSpend, Unit: 'USD' }, ForecastedSpend: { Amount: '1400', Unit: 'USD' } },
      },
    }),
  );
  const ec2 = new EC2Client({});
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'm5.xlarge' } }),
  );
  const asg = new AutoScalingClient({});
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      MinSize: 2,
      MaxSize: 20,
      DesiredCapacity: 8,
      AvailabilityZones: ['us-east-1a'],
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId!, Version: '1' },
    }),
  );
  await asg.send(
    new PutScalingPolicyCommand({
      AutoScalingGroupName: GROUP,
      PolicyName: 'cpu-target',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    }),
  );
  const cw = new CloudWatchClient({});
  const points = Array.from({ length: 48 * 12 }, (_, i) => NOW - (i + 1) * 300_000);
  for (let i = 0; i < points.length; i += 500) {
    const chunk = points.slice(i, i + 500);
    const dims = [{ Name: 'AutoScalingGroupName', Value: GROUP }];
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: chunk.map((t) => ({ MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(t), Value: 85, Unit: 'Percent' })),
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/AutoScaling',
        MetricData: chunk.map((t) => ({ MetricName: 'GroupInServiceInstances', Dimensions: dims, Timestamp: new Date(t), Value: 8, Unit: 'Count' })),
      }),
    );
  }
  return asg;
}

function deps(mode: 'hard' | 'availability-first', extra: Record<string, string> = {}): CostDependencies {
  const env = {
    AUTO_SCALING_GROUP_NAME: GROUP,
    BUDGET_ACCOUNT_ID: ACCOUNT,
    BUDGET_NAME: BUDGET,
    FLOOR_CAPACITY: '2',
    TARGET_UTILIZATION_MAX_PERCENT: '70',
    TARGET_UTILIZATION_STEP_PERCENT: '5',
    BUDGET_MODE: mode,
    GROUP_BASELINE: JSON.stringify({ minSize: 2, maxSize: 20, schedules: [] }),
    ...extra,
  };
  const base = createDependencies({ ...process.env, ...env });
  // A replay at a fixed instant: the event's time is the run's (a simulated clock).
  return { ...base, logger: quietLogger(), metrics: recordingMetrics(), env: { ...process.env, ...env }, simulatedClock: true };
}

const event = (t: number) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(t).toISOString() });

async function maxSize(asg: AutoScalingClient): Promise<number> {
  return (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups![0].MaxSize!;
}

test("hard mode: MaxSize goes to the plan's cap below the load's emergency floor, and the overrun published is the plan's", async () => {
  const asg = await seed();
  const r = await runCostOptimizer(event(NOW), deps('hard'));
  const plan = r.decision!.plan;
  expect(plan.forecastSource).toBe('usage-history');
  expect(plan.minimumCapForLoad).toBe(8);
  expect(plan.plannedCap).toBeDefined();
  expect(plan.plannedCap!).toBeLessThan(8);
  // Written: the plan's cap, not the emergency floor.
  expect(await maxSize(asg)).toBe(plan.plannedCap);
  expect(published[0].ForecastOverrunPercent).toBe(plan.forecastOverrunPercent);
});

test('hard mode: a pending scheduled MinSize holding MaxSize above the cap is published as the overrun at that MaxSize', async () => {
  const asg = await seed();
  await asg.send(
    new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: GROUP,
      ScheduledActionName: 'someone-elses-floor',
      StartTime: new Date(NOW + 30 * 60_000),
      MinSize: 12,
    }),
  );
  const r = await runCostOptimizer(event(NOW), deps('hard'));
  const plan = r.decision!.plan;
  expect(plan.plannedCap!).toBeLessThan(12);
  expect(await maxSize(asg)).toBe(12);
  const overrun = published[0].ForecastOverrunPercent;
  expect(overrun).toBeGreaterThan(plan.forecastOverrunPercent! + 1);
  const note = /MaxSize 12 is in force above the plan's cap \d+ \(hard\): forecast overrun ([\d.]+)% of the limit/.exec(r.decision!.notes.join('\n'));
  expect(note).not.toBeNull();
  expect(Number(note![1])).toBeCloseTo(overrun, 1);
});

test('availability first: the emergency floor holds MaxSize up, and its overrun is reported', async () => {
  const asg = await seed();
  const r = await runCostOptimizer(event(NOW), deps('availability-first'));
  const plan = r.decision!.plan;
  expect(await maxSize(asg)).toBeGreaterThanOrEqual(8);
  expect(plan.forecastOverrunPercent!).toBeGreaterThan(0);
  expect(published[0].ForecastOverrunPercent).toBeGreaterThan(0);
});

test('a service-scoped budget that reports no spend yet is unknown spend, not zero: the budget levers hold and the run says why', async () => {
  const asg = await seed('0');
  const r = await runCostOptimizer(event(NOW), deps('hard', { BUDGET_SCOPE: 'service' }));
  expect(r.spend).toMatchObject({ actual: 0, reported: false });
  expect(r.decision!.notes.join('\n')).toMatch(/scoped to the service but reports no spend yet: its cost allocation tag may not be active/);
  expect(r.decision!.plan.forecastSource).toBeUndefined();
  expect(await maxSize(asg)).toBe(20);
  // The same budget declared account-wide is read as it is (zero spend so far).
  const a = await runCostOptimizer(event(NOW), deps('hard', { BUDGET_SCOPE: 'account' }));
  expect(a.spend).not.toHaveProperty('reported');
});

async function minSize(asg: AutoScalingClient): Promise<number> {
  return (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups![0].MinSize!;
}

describe("the level's floor through the capacity model (issue 21): its own layer, released only while MinSize is the optimizer's", () => {
  // A flat load: the recent samples show no loss a floor saves, so the plan holds no floor; $50
  // spent of $1000: the plan needs no cap either.
  test('a MinSize the optimizer set as the level floor (state fl) is released to the baseline when the plan drops it', async () => {
    const asg = await seed('50');
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 5 }));
    expect(encodeCostState({ floor: 5 }, { boundsDerivable: true })).toContain('"fl":5');
    await writeState(asg, GROUP, 'cost-optimizer:state', { floor: 5 }, { boundsDerivable: true });
    const r = await runCostOptimizer(event(NOW), deps('hard'));
    expect(r.decision!.plan.forecastSource).toBe('usage-history');
    expect(await minSize(asg)).toBe(2);
    expect(r.decision!.plan.plannedCap).toBeUndefined();
  });

  test("a MinSize another writer set (no fl in the state) is kept: it is the predictive floor's layer", async () => {
    const asg = await seed('50');
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 5 }));
    const r = await runCostOptimizer(event(NOW), deps('hard'));
    expect(r.decision!.plan.forecastSource).toBe('usage-history');
    expect(r.decision!.plan.plannedCap).toBeUndefined();
    expect(await minSize(asg)).toBe(5);
  });
});
