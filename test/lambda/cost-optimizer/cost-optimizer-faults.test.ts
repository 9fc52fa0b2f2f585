/**
 * Fault tests through aws-sdk-client-mock: throttling and 500s after the SDK's retries change
 * nothing, count an error and rethrow; a failed apply step keeps the state of what was applied.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { type CostState, decodeCostState, encodeCostState } from '../../../lambda/core/cost';
import { type CostDependencies, runCostOptimizer, stateAfterApply } from '../../../lambda/cost-optimizer';
import { stateWrittenAhead } from '../../../lambda/cost-optimizer/state-after-apply';

const NOW = Date.parse('2026-11-11T12:00:00Z');
const asgMock = mockClient(AutoScalingClient);
const budgetsMock = mockClient(BudgetsClient);
const cwMock = mockClient(CloudWatchClient);
const ceMock = mockClient(CostExplorerClient);
const ec2Mock = mockClient(EC2Client);
let published: Array<Record<string, number>>;
let logLines: Array<{ level: string; data: Record<string, unknown> }>;

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (simulated)`), {
    name,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? 'server' : 'client',
  });
}

function deps(env: Record<string, string> = {}): CostDependencies {
  let current: Record<string, number> = {};
  return {
    autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
    budgets: new BudgetsClient({ region: 'us-east-1' }),
    costExplorer: new CostExplorerClient({ region: 'us-east-1' }),
    cloudWatch: new CloudWatchClient({ region: 'us-east-1' }),
    ec2: new EC2Client({ region: 'us-east-1' }),
    logger: {
      info: (_m: string, data: Record<string, unknown>) => logLines.push({ level: 'info', data }),
      error: (_m: string, data: Record<string, unknown>) => logLines.push({ level: 'error', data }),
    } as unknown as Logger,
    metrics: {
      addDimension: () => undefined,
      addDimensions: () => undefined,
      addMetric: (n: string, _u: string, v: number) => {
        current[n] = v;
      },
      publishStoredMetrics: () => {
        published.push(current);
        current = {};
      },
    } as unknown as Metrics,
    env: {
      AUTO_SCALING_GROUP_NAME: 'web',
      BUDGET_ACCOUNT_ID: '123456789012',
      BUDGET_NAME: 'b',
      FLOOR_CAPACITY: '2',
      TARGET_UTILIZATION_MAX_PERCENT: '70',
      ...env,
    },
    wallClock: () => NOW,
  };
}

const event = { time: new Date(NOW).toISOString() };
const writes = () => [
  ...asgMock.commandCalls(UpdateAutoScalingGroupCommand),
  ...asgMock.commandCalls(PutScalingPolicyCommand),
  ...asgMock.commandCalls(CreateOrUpdateTagsCommand),
];

beforeEach(() => {
  [asgMock, budgetsMock, cwMock, ceMock, ec2Mock].forEach((m) => m.reset());
  published = [];
  logLines = [];
  asgMock
    .on(DescribeAutoScalingGroupsCommand)
    .resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'web', MinSize: 2, MaxSize: 20, DesiredCapacity: 4, Tags: [] } as never] });
  asgMock.on(DescribePoliciesCommand).resolves({
    ScalingPolicies: [
      {
        PolicyName: 'cpu',
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
      },
    ],
  });
  budgetsMock.on(DescribeBudgetCommand).resolves({
    Budget: {
      BudgetName: 'b',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: '1000', Unit: 'USD' },
      CalculatedSpend: { ActualSpend: { Amount: '400', Unit: 'USD' }, ForecastedSpend: { Amount: '1300', Unit: 'USD' } },
    },
  });
  const ts = Array.from({ length: 24 }, (_, i) => new Date(NOW - (24 - i) * 3_600_000));
  // The hourly usage history (the month-end forecast's input) is empty here: these faults are
  // judged on the threshold steps; the spend plan has its own tests in cost-core-forecast.
  cwMock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: Array<{ MetricStat?: { Period?: number } }> }) =>
    input.MetricDataQueries?.[0]?.MetricStat?.Period === 3600
      ? { MetricDataResults: [] }
      : {
          MetricDataResults: [
            { Id: 'cpu', Timestamps: ts, Values: ts.map(() => 30) },
            { Id: 'inservice', Timestamps: ts, Values: ts.map(() => 4) },
          ],
        },
  );
});

test.each([
  ['Budgets throttling', () => budgetsMock.on(DescribeBudgetCommand).rejects(serviceError('ThrottlingException', 400)), 'read spend'],
  ['Budgets 500', () => budgetsMock.on(DescribeBudgetCommand).rejects(serviceError('InternalErrorException', 500)), 'read spend'],
  ['Auto Scaling throttling', () => asgMock.on(DescribeAutoScalingGroupsCommand).rejects(serviceError('Throttling', 400)), 'read group'],
  ['CloudWatch 500', () => cwMock.on(GetMetricDataCommand).rejects(serviceError('InternalServiceFault', 500)), 'read utilization'],
  ['policy read throttling', () => asgMock.on(DescribePoliciesCommand).rejects(serviceError('Throttling', 400)), 'read target tracking policy'],
])('%s: nothing changed, error counted and rethrown', async (_name, fault, stage) => {
  fault();
  await expect(runCostOptimizer(event, deps())).rejects.toThrow(/simulated/);
  expect(writes()).toEqual([]);
  expect(published).toEqual([expect.objectContaining({ RunErrors: 1 }), { SkippedRuns: 0 }]);
  expect(logLines[0]).toMatchObject({ level: 'error', data: { outcome: 'failed', error: { stage } } });
});

test.each([
  [
    'Cost Explorer',
    () =>
      ceMock
        .on(GetCostAndUsageCommand)
        .resolves({ ResultsByTime: [{ Total: { UnblendedCost: { Amount: '10', Unit: 'USD' } } }], NextPageToken: 'again' }),
    'read spend',
    'cost-explorer',
  ],
  [
    'DescribePolicies',
    () => asgMock.on(DescribePoliciesCommand).resolves({ ScalingPolicies: [], NextToken: 'again' }),
    'read target tracking policy',
    'budgets',
  ],
])('%s returning a next page token forever: missing data after 50 pages, nothing changed', async (_name, fault, stage, source) => {
  fault();
  await expect(runCostOptimizer(event, deps({ SPEND_SOURCE: source }))).rejects.toThrow(/still had pages after 50/);
  expect(writes()).toEqual([]);
  expect(logLines[0]).toMatchObject({ level: 'error', data: { outcome: 'failed', error: { stage, name: 'MissingDataError' } } });
  expect(published).toEqual([expect.objectContaining({ RunErrors: 1 }), { SkippedRuns: 0 }]);
});

test('a missing budget is an error and changes nothing', async () => {
  budgetsMock.on(DescribeBudgetCommand).rejects(serviceError('NotFoundException', 400));
  await expect(runCostOptimizer(event, deps())).rejects.toThrow();
  expect(writes()).toEqual([]);
});

test('a bad configuration changes nothing and names the variable', async () => {
  await expect(runCostOptimizer(event, deps({ RESTORE_BELOW_PERCENT: '120' }))).rejects.toThrow(
    /RESTORE_BELOW_PERCENT \(restoreBelowPercent\) \(120\) must be < tightenAbovePercent \(100\)/,
  );
  expect(asgMock.calls()).toEqual([]);
  expect(published[0]).toMatchObject({ RunErrors: 1 });
});

const tagValues = () => asgMock.commandCalls(CreateOrUpdateTagsCommand).map((c) => JSON.parse(c.args[0].input.Tags![0].Value!));

test('UpdateAutoScalingGroup 500 while capping: the target is not touched and the state is back to none', async () => {
  asgMock.on(UpdateAutoScalingGroupCommand).rejects(serviceError('InternalFailure', 500));
  asgMock.on(CreateOrUpdateTagsCommand).resolves({});
  await expect(runCostOptimizer(event, deps())).rejects.toThrow(/InternalFailure/);
  expect(asgMock.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(1);
  expect(asgMock.commandCalls(PutScalingPolicyCommand)).toEqual([]);
  // Written ahead with the intended cap, then corrected to what the group has: no state.
  expect(tagValues()).toEqual([expect.objectContaining({ c: 18 }), { v: 1 }]);
  expect(logLines[0].data.error).toMatchObject({ stage: 'apply capacity', httpStatusCode: 500 });
  expect(published[0]).toMatchObject({ RunErrors: 1 });
});

test('PutScalingPolicy throttled after the cap was applied: the state keeps the cap and not the target', async () => {
  asgMock.on(UpdateAutoScalingGroupCommand).resolves({});
  asgMock.on(PutScalingPolicyCommand).rejects(serviceError('Throttling', 400));
  asgMock.on(CreateOrUpdateTagsCommand).resolves({});
  await expect(runCostOptimizer(event, deps())).rejects.toThrow();
  // Written ahead with the cap and the target pending (the group keeps the original 50 until the
  // call lands); the failed call may have landed all the same, so the state after it is the same:
  // no second write, and the next run takes 50 or 55, whichever it finds, as the controller's.
  expect(tagValues()).toEqual([{ v: 1, o: { mn: 2, mx: 20, d: 4, tu: 50 }, c: 18, ptu: 55, bt: NOW / 1000 }]);
});

test('the state tag cannot be written: nothing is applied (write-ahead), so the original settings are never lost', async () => {
  asgMock.on(CreateOrUpdateTagsCommand).rejects(serviceError('Throttling', 400));
  asgMock.on(UpdateAutoScalingGroupCommand).resolves({});
  asgMock.on(PutScalingPolicyCommand).resolves({});
  await expect(runCostOptimizer(event, deps())).rejects.toThrow(/Throttling/);
  // Applied before the write, the cap 20 -> 18 would be on the group with no record of the
  // original 20: the next run would adopt 18 as the original MaxSize.
  expect(asgMock.commandCalls(UpdateAutoScalingGroupCommand)).toEqual([]);
  expect(asgMock.commandCalls(PutScalingPolicyCommand)).toEqual([]);
  expect(logLines).toEqual([
    expect.objectContaining({
      level: 'error',
      data: expect.objectContaining({ outcome: 'failed', error: expect.objectContaining({ stage: 'write state' }) }),
    }),
  ]);
  expect(published).toEqual([expect.objectContaining({ RunErrors: 1 }), { SkippedRuns: 0 }]);
});

test('the state tag cannot be corrected after a failed apply: the error is reported', async () => {
  let n = 0;
  asgMock.on(CreateOrUpdateTagsCommand).callsFake(() => {
    if (n++ > 0) throw serviceError('Throttling', 400);
    return {};
  });
  asgMock.on(UpdateAutoScalingGroupCommand).rejects(serviceError('InternalFailure', 500));
  await expect(runCostOptimizer(event, deps())).rejects.toThrow(/Throttling/);
  expect(logLines).toHaveLength(1);
  expect(logLines[0].data).toMatchObject({ outcome: 'failed', applied: { succeeded: [] }, error: { stage: 'write state' } });
  expect(published).toEqual([expect.objectContaining({ RunErrors: 1 }), { SkippedRuns: 0 }]);
});

test('Spot shift on a mixed instances group is one UpdateAutoScalingGroup with the new on-demand share', async () => {
  asgMock.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: 'web',
        MinSize: 2,
        MaxSize: 20,
        DesiredCapacity: 4,
        MixedInstancesPolicy: { InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 100 } },
      } as never,
    ],
  });
  await runCostOptimizer(event, deps({ SPOT_MIN_ON_DEMAND_PERCENT: '25', SPOT_STEP_PERCENT: '50', TARGET_UTILIZATION_MAX_PERCENT: '' }));
  expect(asgMock.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toEqual({
    AutoScalingGroupName: 'web',
    MinSize: 2,
    MaxSize: 18,
    MixedInstancesPolicy: { InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 50 } },
  });
});

test.each(['before', 'after'] as const)(
  'a restore of the on-demand share whose UpdateAutoScalingGroup times out (%s it took effect) and whose state correction fails too: the next run finishes it from the original share',
  async (mode) => {
    const original = { minSize: 2, maxSize: 20, desiredCapacity: 4, onDemandPercent: 100 };
    const group = { od: 50, tag: encodeCostState({ original, onDemandPercent: 50 }) };
    let dying = true;
    asgMock.on(DescribeAutoScalingGroupsCommand).callsFake(() => ({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'web',
          MinSize: 2,
          MaxSize: 20,
          DesiredCapacity: 4,
          MixedInstancesPolicy: { InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: group.od } },
          Tags: [{ Key: 'cost-optimizer:state', Value: group.tag }],
        },
      ],
    }));
    let tagWrites = 0;
    asgMock.on(CreateOrUpdateTagsCommand).callsFake((input: { Tags: Array<{ Value: string }> }) => {
      if (dying && tagWrites++ > 0) throw serviceError('Throttling', 400);
      group.tag = input.Tags[0].Value;
      return {};
    });
    asgMock
      .on(UpdateAutoScalingGroupCommand)
      .callsFake((input: { MixedInstancesPolicy?: { InstancesDistribution?: { OnDemandPercentageAboveBaseCapacity?: number } } }) => {
        const od = input.MixedInstancesPolicy?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity;
        if (dying && mode === 'before') throw serviceError('RequestTimeout', 500);
        if (od !== undefined) group.od = od;
        if (dying) throw serviceError('RequestTimeout', 500);
        return {};
      });
    budgetsMock.on(DescribeBudgetCommand).resolves({
      Budget: {
        BudgetName: 'b',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '1000', Unit: 'USD' },
        CalculatedSpend: { ActualSpend: { Amount: '300', Unit: 'USD' }, ForecastedSpend: { Amount: '500', Unit: 'USD' } },
      },
    });
    const env = { SPOT_MIN_ON_DEMAND_PERCENT: '25', SPOT_STEP_PERCENT: '50', TARGET_UTILIZATION_MAX_PERCENT: '', BUDGET_STEP_INTERVAL_HOURS: '0' };
    await expect(runCostOptimizer(event, deps(env))).rejects.toThrow();
    expect(group.od).toBe(mode === 'before' ? 50 : 100);
    // The state written ahead still holds the original share and the restore's step as pending.
    expect(decodeCostState(group.tag)).toMatchObject({ original: { onDemandPercent: 100 }, onDemandPercent: 50, pendingOnDemandPercent: 100 });
    dying = false;
    const summary = await runCostOptimizer(event, deps(env));
    expect(group.od).toBe(100);
    expect(decodeCostState(group.tag)).toEqual({});
    expect(summary.decision!.notes.join('\n')).not.toMatch(/adopted as the original/);
  },
);

test('stateWrittenAhead / stateAfterApply: a CPU target change keeps the target found beside the pending one until its call is confirmed', () => {
  const original = { minSize: 2, maxSize: 20, desiredCapacity: 4, targetUtilization: 50 };
  // The last run's raise to 60 landed unconfirmed; this run raises to 70.
  const prev: CostState = { original, pendingTargetUtilization: 60 };
  const next: CostState = { original, targetUtilization: 70 };
  const actions = [{ kind: 'set-target-utilization' as const, percent: 70, reason: 'raise' }];
  const found = { targetUtilization: 60 };
  const pending = { original, targetUtilization: 60, pendingTargetUtilization: 70 };
  expect(stateWrittenAhead(prev, next, actions, found)).toEqual(pending);
  const failed = { succeeded: [], calls: [], failed: { step: 'target-utilization' as const, error: new Error('timeout') } };
  expect(stateAfterApply(prev, next, actions, failed, found)).toEqual(pending);
  expect(stateAfterApply(prev, next, actions, { succeeded: ['target-utilization'], calls: [] }, found)).toEqual(next);
  // A restore to the original: the original is kept with the raised target until the call is confirmed.
  const restoring = stateWrittenAhead({ original, targetUtilization: 70 }, {}, [{ ...actions[0], percent: 50 }], { targetUtilization: 70 });
  expect(decodeCostState(encodeCostState(restoring))).toEqual({ original, targetUtilization: 70, pendingTargetUtilization: 50 });
});

test('stateAfterApply: a failed restore keeps the previous cap, so the original is not lost', () => {
  const prev: CostState = { original: { minSize: 2, maxSize: 20, desiredCapacity: 4 }, cap: 18 };
  const kept = stateAfterApply(
    prev,
    {},
    [{ kind: 'set-capacity', minSize: 2, maxSize: 20, reason: 'restore' }],
    {
      succeeded: [],
      calls: [],
      failed: { step: 'capacity', error: new Error('x') },
    },
    {},
  );
  expect(encodeCostState(kept)).toBe(encodeCostState(prev));
});

test('the hourly usage history (GetMetricData, 1-hour period, from the start of the year) reaches the decision: the forecast comes from it', async () => {
  const hours = Array.from({ length: 10 * 24 }, (_, i) => new Date(Math.floor(NOW / 3_600_000) * 3_600_000 - (10 * 24 - i) * 3_600_000));
  cwMock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: Array<{ MetricStat?: { Period?: number } }>; StartTime?: Date }) =>
    input.MetricDataQueries?.[0]?.MetricStat?.Period === 3600
      ? {
          MetricDataResults: [
            { Id: 'cpu', Timestamps: hours, Values: hours.map(() => 30) },
            { Id: 'inservice', Timestamps: hours, Values: hours.map(() => 4) },
          ],
        }
      : { MetricDataResults: [] },
  );
  const summary = await runCostOptimizer(event, deps({ MODE: 'dry-run' }));
  const hourly = cwMock
    .commandCalls(GetMetricDataCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.MetricDataQueries?.[0]?.MetricStat?.Period === 3600);
  expect(hourly).toHaveLength(1);
  // From the start of the UTC year (35 days back when that is earlier): every calendar budget period's start.
  expect(hourly[0].StartTime!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  expect(summary.usageHistoryHours).toBe(240);
  expect(summary.decision?.plan).toMatchObject({ forecastSource: 'usage-history', budgetMode: 'hard' });
  expect(summary.decision?.plan.forecastOverrunPercent).toEqual(expect.any(Number));
});
