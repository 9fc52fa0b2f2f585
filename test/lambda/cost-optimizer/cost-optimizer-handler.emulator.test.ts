/**
 * The cost optimizer handler against moto_server: seeded budgets, group, target tracking policy,
 * launch template and CloudWatch datapoints; the run's effect is read back from the emulator.
 * moto has no StartInstanceRefresh: the vertical test records that call with a middleware on the
 * real client (every other call goes to moto), and a second test shows what happens without it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-auto-scaling';
import { BudgetsClient, CreateBudgetCommand, DeleteBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { decodeCostState } from '../../../lambda/core/cost';
import { type CostDependencies, createDependencies, runCostOptimizer } from '../../../lambda/cost-optimizer';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';

const ACCOUNT = '123456789012';
const GROUP = 'web';
const BUDGET = 'web-monthly';
const HOUR = 3_600_000;

let moto: MotoServer;
let restoreEnv: () => void;
let deps: CostDependencies;
let asg: AutoScalingClient;
let ec2: EC2Client;
let logLines: Array<{ level: string; message: string; data: Record<string, unknown> }>;
let published: Array<Record<string, number>>;

function fakeLogger(): Logger {
  const at = (level: string) => (message: string, data: Record<string, unknown>) => {
    logLines.push({ level, message, data });
  };
  return { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
}
function fakeMetrics(): Metrics {
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
  logLines = [];
  published = [];
});

interface Seed {
  readonly now: number;
  readonly forecastPercent: number;
  readonly cpu: (hoursAgo: number) => number;
  readonly instanceType?: string;
  readonly hours?: number;
}

async function seed(s: Seed): Promise<void> {
  const budgets = new BudgetsClient({ region: 'us-east-1' });
  await setSpend(budgets, 400, s.forecastPercent * 10);
  ec2 = new EC2Client({});
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'web-lt',
      LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: (s.instanceType ?? 'm5.xlarge') as never },
    }),
  );
  asg = new AutoScalingClient({});
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      MinSize: 2,
      MaxSize: 20,
      DesiredCapacity: 4,
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
  const hours = s.hours ?? 24;
  const points = Array.from({ length: hours * 12 }, (_, i) => s.now - (i + 1) * 300_000);
  for (let i = 0; i < points.length; i += 500) {
    const chunk = points.slice(i, i + 500);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: chunk.map((t) => ({
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'AutoScalingGroupName', Value: GROUP }],
          Timestamp: new Date(t),
          Value: s.cpu((s.now - t) / HOUR),
          Unit: 'Percent',
        })),
      }),
    );
  }
}

async function setSpend(budgets: BudgetsClient, actual: number, forecast: number): Promise<void> {
  await budgets.send(new DeleteBudgetCommand({ AccountId: ACCOUNT, BudgetName: BUDGET })).catch(() => undefined);
  await budgets.send(
    new CreateBudgetCommand({
      AccountId: ACCOUNT,
      Budget: {
        BudgetName: BUDGET,
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '1000', Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: String(actual), Unit: 'USD' }, ForecastedSpend: { Amount: String(forecast), Unit: 'USD' } },
      },
    }),
  );
}

function makeDeps(env: Record<string, string>): CostDependencies {
  const base = createDependencies({ ...process.env, ...env });
  // The runs replay chosen instants: the event's time is the run's (a simulated clock).
  return { ...base, logger: fakeLogger(), metrics: fakeMetrics(), env: { ...process.env, ...env }, simulatedClock: true };
}

const BASE_ENV = {
  AUTO_SCALING_GROUP_NAME: GROUP,
  BUDGET_ACCOUNT_ID: ACCOUNT,
  BUDGET_NAME: BUDGET,
  FLOOR_CAPACITY: '2',
  TARGET_UTILIZATION_MAX_PERCENT: '70',
  TARGET_UTILIZATION_STEP_PERCENT: '5',
};

async function groupNow() {
  const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups![0];
  const p = (await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: GROUP }))).ScalingPolicies!.find(
    (x) => x.PolicyName === 'cpu-target',
  );
  const tag = g.Tags?.find((t) => t.Key === 'cost-optimizer:state')?.Value;
  return {
    min: g.MinSize,
    max: g.MaxSize,
    desired: g.DesiredCapacity,
    target: p?.TargetTrackingConfiguration?.TargetValue,
    state: tag ? decodeCostState(tag) : undefined,
    lt: g.LaunchTemplate,
  };
}

const event = (t: number) => ({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(t).toISOString() });

test('forecast at 130% of the budget caps MaxSize with a reason; back at 70% it is restored', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 130, cpu: () => 30 });
  deps = makeDeps(BASE_ENV);

  const r1 = await runCostOptimizer(event(now), deps);
  expect(r1.outcome).toBe('applied');
  expect(r1.decision!.pressure).toBe('over');
  const cap = r1.decision!.actions.find((a) => a.kind === 'set-capacity')!;
  expect(cap.reason).toMatch(/expected month-end cost 1300 is 130% of the 1000 limit \(budgets\): capping MaxSize 20 -> 18/);
  expect(await groupNow()).toMatchObject({
    min: 2,
    max: 18,
    desired: 4,
    target: 55,
    state: { cap: 18, targetUtilization: 55, lastBudgetStepAt: now, original: { minSize: 2, maxSize: 20, targetUtilization: 50 } },
  });
  expect(published[0]).toMatchObject({
    ExpectedMonthEndCost: 1300,
    BudgetLimit: 1000,
    ActualSpend: 400,
    CapacityCap: 18,
    RunErrors: 0,
    ActionsApplied: 2,
  });
  // 30% CPU of 4 instances = 1.2 busy instances: 3 needed at the 50% target
  expect(published[0].PeakCapacityNeeded).toBe(3);
  expect(logLines[0].message).toMatch(/cost optimizer: applied \(.*capping MaxSize 20 -> 18/);

  await setSpend(new BudgetsClient({ region: 'us-east-1' }), 400, 700);
  // Within the 12 h budget step interval the forecast is given time to reflect the cap.
  const settling = await runCostOptimizer(event(now + HOUR), deps);
  expect(settling.outcome).toBe('no-change');
  expect(settling.decision!.notes.join('\n')).toMatch(/last budget step 1 h ago, the next one after 12 h/);
  const r2 = await runCostOptimizer(event(now + 13 * HOUR), deps);
  expect(r2.decision!.pressure).toBe('under');
  expect(r2.decision!.actions.map((a) => a.reason).join('\n')).toMatch(/70% of the 1000 limit.*restoring MaxSize 18 -> 20/);
  expect(await groupNow()).toMatchObject({ min: 2, max: 20, target: 50, state: { lastBudgetStepAt: now + 13 * HOUR } });

  const r3 = await runCostOptimizer(event(now + 14 * HOUR), deps);
  expect(r3.outcome).toBe('no-change');
});

test('a dev environment at night goes to the floor and is restored before working hours', async () => {
  const night = Date.parse('2026-11-11T02:00:00Z'); // Wednesday, 02:00 UTC
  await seed({ now: night, forecastPercent: 50, cpu: () => 20 });
  deps = makeDeps({
    ...BASE_ENV,
    FLOOR_CAPACITY: '0',
    WORKING_HOURS: JSON.stringify({ days: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1140 }),
    RESTORE_LEAD_MINUTES: '60',
  });

  const r1 = await runCostOptimizer(event(night), deps);
  expect(r1.decision!.actions[0].reason).toMatch(/off-hours \(local time 02:00 day 3/);
  expect(await groupNow()).toMatchObject({
    min: 0,
    max: 0,
    desired: 0,
    state: { offHoursCapacity: 0, original: { minSize: 2, maxSize: 20, desiredCapacity: 4 } },
  });

  const r2 = await runCostOptimizer(event(night + HOUR), deps);
  expect(r2.outcome).toBe('no-change');

  const r3 = await runCostOptimizer(event(Date.parse('2026-11-11T07:05:00Z')), deps);
  expect(r3.decision!.actions[0].reason).toMatch(/working hours begin within 60 min/);
  expect(await groupNow()).toMatchObject({ min: 2, max: 20, desired: 4, state: {} });
});

const VERTICAL_ENV = {
  ...BASE_ENV,
  VERTICAL_SCALING: JSON.stringify({
    instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
    lowerUtilizationPercent: 20,
    upperUtilizationPercent: 70,
    evaluationWindowHours: 24,
    minIntervalHours: 168,
  }),
};

test('low CPU over the window: next smaller instance type in a new launch template version, instance refresh requested', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 95, cpu: () => 8 });
  deps = makeDeps(VERTICAL_ENV);
  // moto has no StartInstanceRefresh: record it here, send everything else to moto.
  const refreshes: unknown[] = [];
  deps.autoScaling.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartInstanceRefreshCommand') {
        refreshes.push(args.input);
        return { output: { InstanceRefreshId: 'refresh-1', $metadata: {} }, response: {} };
      }
      // Nor DescribeInstanceRefreshes: the recorded refresh has succeeded.
      if (context.commandName === 'DescribeInstanceRefreshesCommand') {
        const done = refreshes.map((_, i) => ({ InstanceRefreshId: `refresh-${i + 1}`, Status: 'Successful' }));
        return { output: { InstanceRefreshes: done, $metadata: {} }, response: {} };
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordInstanceRefresh' },
  );

  const created: unknown[] = [];
  deps.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'CreateLaunchTemplateVersionCommand') created.push(args.input);
      return next(args);
    },
    { step: 'initialize', name: 'recordCreateVersion' },
  );

  const r = await runCostOptimizer(event(now), deps);
  expect(r.outcome).toBe('applied');
  const change = r.decision!.actions.find((a) => a.kind === 'change-instance-type')!;
  expect(change).toMatchObject({ from: 'm5.xlarge', to: 'm5.large', direction: 'down' });
  expect(change.reason).toMatch(/CPU p95 8% < 20% over 24 h/);
  const g = await groupNow();
  // The group stays on its numbered version: the refresh moves it to v2 when it succeeds (and a rollback leaves it).
  expect(g.lt?.Version).toBe('1');
  const v2 = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: g.lt!.LaunchTemplateId, Versions: ['2'] }));
  expect(v2.LaunchTemplateVersions![0].LaunchTemplateData!.InstanceType).toBe('m5.large');
  // moto does not copy the source version's data into the new version (AWS does): the request is checked instead.
  expect(created).toEqual([
    {
      LaunchTemplateId: g.lt!.LaunchTemplateId,
      SourceVersion: '1',
      VersionDescription: 'cost-optimizer: m5.xlarge -> m5.large',
      LaunchTemplateData: { InstanceType: 'm5.large' },
    },
  ]);
  // moto has no StartInstanceRefresh (the middleware above records the request): AutoRollback and the desired configuration are checked here.
  expect(refreshes).toEqual([
    {
      AutoScalingGroupName: GROUP,
      Strategy: 'Rolling',
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: g.lt!.LaunchTemplateId, Version: '2' } },
      Preferences: { MinHealthyPercentage: 90, SkipMatching: true, CheckpointPercentages: [50, 100], CheckpointDelay: 600, AutoRollback: true },
    },
  ]);
  expect(g.state).toEqual({ lastVerticalAt: now });

  // Within minInterval nothing more happens, even with low CPU.
  const again = await runCostOptimizer(event(now + 2 * HOUR), deps);
  expect(again.decision!.actions.find((a) => a.kind === 'change-instance-type')).toBeUndefined();
  expect(refreshes).toHaveLength(1);
});

test('where the instance refresh cannot start (moto lacks the API), the error is counted and the next run decides the change again', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 95, cpu: () => 8 });
  deps = makeDeps(VERTICAL_ENV);
  // moto has no DescribeInstanceRefreshes either: no refresh has run (StartInstanceRefresh goes to moto and fails).
  deps.autoScaling.middlewareStack.add(
    (next, context) => async (args) =>
      context.commandName === 'DescribeInstanceRefreshesCommand' ? { output: { InstanceRefreshes: [], $metadata: {} }, response: {} } : next(args),
    { step: 'initialize', name: 'noInstanceRefreshes' },
  );
  await expect(runCostOptimizer(event(now), deps)).rejects.toThrow();
  const g = await groupNow();
  expect(g.lt?.Version).toBe('1');
  expect(g.state).toEqual({ lastVerticalAt: now, pendingRefresh: true, pendingInstanceType: 'm5.large' });
  expect(published[0]).toMatchObject({ RunErrors: 1 });
  expect(logLines[0]).toMatchObject({ level: 'error' });
  expect(logLines[0].data.error).toMatchObject({ stage: 'apply instance-refresh' });
  // The new version never reached the group (its refresh did not start): the next run decides again.
  await expect(runCostOptimizer(event(now + HOUR), deps)).rejects.toThrow();
  expect(logLines[1].data.decision).toMatchObject({ actions: [expect.objectContaining({ kind: 'change-instance-type', to: 'm5.large' })] });
  expect(JSON.stringify(logLines[1].data.decision)).toMatch(/never reached the group/);
  expect((await groupNow()).lt?.Version).toBe('1');
});

test('dry-run and forecast-only change nothing', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 150, cpu: () => 30 });
  const dry = await runCostOptimizer(event(now), makeDeps({ ...BASE_ENV, MODE: 'dry-run' }));
  expect(dry.outcome).toBe('dry-run');
  expect(dry.decision!.actions.length).toBeGreaterThan(0);
  const fo = await runCostOptimizer(event(now), makeDeps({ ...BASE_ENV, MODE: 'forecast-only' }));
  expect(fo.outcome).toBe('forecast-only');
  expect(fo.decision!.actions).toEqual([]);
  expect(published[2]).toMatchObject({ ExpectedMonthEndCost: 1500, ActionsApplied: 0 });
  expect(published[3]).toEqual({ SkippedRuns: 0 });
  expect(await groupNow()).toMatchObject({ min: 2, max: 20, target: 50, state: undefined });
});

test('Cost Explorer as the spend source, filtered by the cost allocation tag', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 0, cpu: () => 30 });
  const res = await fetch(`${moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      results: [
        {
          ResultsByTime: [
            {
              TimePeriod: { Start: '2026-11-01', End: '2026-11-12' },
              Total: { UnblendedCost: { Amount: '520.5', Unit: 'USD' } },
              Groups: [],
              Estimated: true,
            },
          ],
        },
      ],
    }),
  });
  expect(res.status).toBe(201);
  const r = await runCostOptimizer(event(now), makeDeps({ ...BASE_ENV, SPEND_SOURCE: 'cost-explorer', COST_TAG_KEY: 'app', COST_TAG_VALUE: 'web' }));
  // 520.5 after 10.5 of 30 days, extrapolated: 1487.1 -> over the limit
  expect(r.spend).toMatchObject({ source: 'cost-explorer (tag app=web)', actual: 520.5 });
  expect(r.decision!.plan.forecastSource).toBe('extrapolated');
  expect(r.decision!.plan.expectedMonthEndCost).toBeCloseTo((520.5 * 30) / 10.5, 3);
  expect((await groupNow()).max).toBe(18);
});

test('an unreadable state tag is left as it is and nothing changes', async () => {
  const now = Date.parse('2026-11-11T12:00:00Z');
  await seed({ now, forecastPercent: 150, cpu: () => 30 });
  const { CreateOrUpdateTagsCommand } = await import('@aws-sdk/client-auto-scaling');
  await asg.send(
    new CreateOrUpdateTagsCommand({
      Tags: [
        { ResourceId: GROUP, ResourceType: 'auto-scaling-group', Key: 'cost-optimizer:state', Value: '{"v":1,"c":3}', PropagateAtLaunch: false },
      ],
    }),
  );
  await expect(runCostOptimizer(event(now), makeDeps(BASE_ENV))).rejects.toThrow(/no original settings/);
  const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups![0];
  expect(g.MaxSize).toBe(20);
  expect(g.Tags?.find((t) => t.Key === 'cost-optimizer:state')?.Value).toBe('{"v":1,"c":3}');
  expect(published[0]).toMatchObject({ RunErrors: 1 });
});
