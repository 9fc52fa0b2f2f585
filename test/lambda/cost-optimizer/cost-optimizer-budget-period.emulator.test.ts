/**
 * A quarterly (or CUSTOM) budget through the handler against moto_server: the usage history is
 * read from the start of the year, so the price per instance-hour is the quarter's spend over the
 * quarter's instance-hours (it was over 35 days of them: 1.4x the true price here, and hard mode
 * capped a budget on pace). A CUSTOM budget's TimePeriod is its period; without a usable one the
 * period is the calendar month, and the run's log line says so.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-auto-scaling';
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import { type CostDependencies, createDependencies, runCostOptimizer } from '../../../lambda/cost-optimizer';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';

const ACCOUNT = '123456789012';
const GROUP = 'web';
const BUDGET = 'web-quarterly';
const HOUR = 3_600_000;
const NOW = Date.parse('2026-05-20T12:00:00Z');
const QUARTER_START = Date.parse('2026-04-01T00:00:00Z');
const QUARTER_END = Date.parse('2026-07-01T00:00:00Z');
const INSTANCES = 8;
const PRICE = 0.1;
/** The quarter so far, at PRICE: 1,188 hours x 8 instances. */
const SPENT = ((NOW - QUARTER_START) / HOUR) * INSTANCES * PRICE;
/** The whole quarter at this pace is 90% of the limit. */
const LIMIT = (((QUARTER_END - QUARTER_START) / HOUR) * INSTANCES * PRICE) / 0.9;

let moto: MotoServer;
let restoreEnv: () => void;

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
});

const quietLogger = () => ({ info: () => undefined, warn: () => undefined, error: () => undefined }) as unknown as Logger;
const noMetrics = () =>
  ({
    addDimension: () => undefined,
    addDimensions: () => undefined,
    addMetric: () => undefined,
    publishStoredMetrics: () => undefined,
  }) as unknown as Metrics;

/** A steady group of 8 instances at 50% CPU (its target) every hour since the quarter began. */
async function seed(budget: { TimeUnit: string; TimePeriod?: { Start: Date; End: Date } }): Promise<AutoScalingClient> {
  await new BudgetsClient({ region: 'us-east-1' }).send(
    new CreateBudgetCommand({
      AccountId: ACCOUNT,
      Budget: {
        BudgetName: BUDGET,
        BudgetType: 'COST',
        TimeUnit: budget.TimeUnit as never,
        ...(budget.TimePeriod ? { TimePeriod: budget.TimePeriod } : {}),
        BudgetLimit: { Amount: LIMIT.toFixed(2), Unit: 'USD' },
        CalculatedSpend: {
          ActualSpend: { Amount: SPENT.toFixed(2), Unit: 'USD' },
          ForecastedSpend: { Amount: (LIMIT * 0.9).toFixed(2), Unit: 'USD' },
        },
      },
    }),
  );
  const lt = await new EC2Client({}).send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'm5.xlarge' } }),
  );
  const asg = new AutoScalingClient({});
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      MinSize: 2,
      MaxSize: 20,
      DesiredCapacity: INSTANCES,
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
  const dims = [{ Name: 'AutoScalingGroupName', Value: GROUP }];
  const hours: number[] = [];
  for (let t = QUARTER_START; t < NOW; t += HOUR) hours.push(t);
  for (let i = 0; i < hours.length; i += 500) {
    const chunk = hours.slice(i, i + 500);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: chunk.map((t) => ({ MetricName: 'CPUUtilization', Dimensions: dims, Timestamp: new Date(t), Value: 50, Unit: 'Percent' })),
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/AutoScaling',
        MetricData: chunk.map((t) => ({
          MetricName: 'GroupInServiceInstances',
          Dimensions: dims,
          Timestamp: new Date(t),
          Value: INSTANCES,
          Unit: 'Count',
        })),
      }),
    );
  }
  return asg;
}

function deps(): CostDependencies {
  const env = {
    AUTO_SCALING_GROUP_NAME: GROUP,
    BUDGET_ACCOUNT_ID: ACCOUNT,
    BUDGET_NAME: BUDGET,
    FLOOR_CAPACITY: '2',
    BUDGET_MODE: 'hard',
    GROUP_BASELINE: JSON.stringify({ minSize: 2, maxSize: 20, schedules: [] }),
  };
  const base = createDependencies({ ...process.env, ...env });
  return { ...base, logger: quietLogger(), metrics: noMetrics(), env: { ...process.env, ...env }, simulatedClock: true };
}

const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(NOW).toISOString() };

async function maxSize(asg: AutoScalingClient): Promise<number> {
  return (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups![0].MaxSize!;
}

test('a quarterly budget on pace, hard mode: the quarter is priced over its own instance-hours, no overrun, MaxSize kept', async () => {
  const asg = await seed({ TimeUnit: 'QUARTERLY' });
  const r = await runCostOptimizer(event, deps());
  expect(r.outcome).not.toBe('failed');
  const plan = r.decision!.plan;
  expect(plan.forecastSource).toBe('usage-history');
  expect(plan.pricePerInstanceHour).toBeCloseTo(PRICE, 3);
  expect(plan.forecastOverrunPercent).toBe(0);
  expect(plan.plannedCap).toBeUndefined();
  expect(await maxSize(asg)).toBe(20);
  // The history read reaches back past the quarter's start (to the start of the year).
  expect(r.usageHistoryHours).toBe((NOW - QUARTER_START) / HOUR);
});

test("a CUSTOM budget's TimePeriod is its period", async () => {
  const asg = await seed({ TimeUnit: 'CUSTOM', TimePeriod: { Start: new Date(QUARTER_START), End: new Date(QUARTER_END) } });
  const r = await runCostOptimizer(event, deps());
  expect(r.spend).toMatchObject({ source: 'budgets' });
  expect(r.decision!.plan.pricePerInstanceHour).toBeCloseTo(PRICE, 3);
  expect(r.decision!.plan.forecastOverrunPercent).toBe(0);
  expect(await maxSize(asg)).toBe(20);
});

test('a CUSTOM budget without a usable TimePeriod (AWS sets an end in 2087) is read as the calendar month, and the log line says so', async () => {
  await seed({ TimeUnit: 'CUSTOM' });
  const r = await runCostOptimizer(event, deps());
  expect(String(r.spend!.source)).toMatch(/^budgets; CUSTOM budget with TimePeriod \S+ to 2087-06-15 .*: the period is taken as the calendar month$/);
});
