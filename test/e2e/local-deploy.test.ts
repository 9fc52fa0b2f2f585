/**
 * End to end, as `npm start` does it but shortened: the dev stack deployed to moto_server with the
 * real CDK CLI, the resources its CloudFormation skips created through the service APIs, a short
 * trace window replayed, the predictive-scaler handler run in-process on the simulated clock, and
 * one update deploy. Needs moto_server (in the machine image; see LOCAL-AWS.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { cdkJsonEnvironments } from '../../bin/environments';
import { DEFAULT_ACTION_PREFIX } from '../../lambda/predictive-scaler/config';
import { METRIC } from '../../lambda/predictive-scaler/telemetry';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { captureOutput } from '../../scripts/local/capture';
import { startLocalEmulator } from '../../scripts/local/emulator';
import {
  DEV_STACK,
  deployLocal,
  findDeployedFunctions,
  type LocalDeployment,
  loadHandler,
  loadMetricOf,
  placeTrace,
} from '../../scripts/local/pipeline';
import { putTraceRange } from '../../scripts/local/replay';
import { listScheduledActions, readGroup, scheduledEvent, simulate } from '../../scripts/local/simulate';
import { readTrace } from '../../scripts/local/trace';
import type { MotoServer } from '../../scripts/moto-server';

const ROOT = path.resolve(__dirname, '..', '..');
const DEV = cdkJsonEnvironments().dev;

jest.setTimeout(900_000);

let moto: MotoServer;
let workDir: string;
let d: LocalDeployment;
const started = Date.now();

beforeAll(async () => {
  moto = await startLocalEmulator();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-deploy-e2e-'));
  d = await deployLocal({ projectDir: ROOT, workDir, env: moto.env, stackName: DEV_STACK });
});

afterAll(async () => {
  await moto?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  console.log(`local-deploy e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const logicalIdsOf = (type: string) =>
  Object.entries(d.template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);

test('the group exists with the configured sizes, ELB health checks and no desired capacity from the template', async () => {
  const [asgId] = logicalIdsOf('AWS::AutoScaling::AutoScalingGroup');
  const name = d.stack.physicalIds[asgId];
  const g = (await d.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
  expect(g.MinSize).toBe(DEV.capacity!.minCapacity);
  expect(g.MaxSize).toBe(DEV.capacity!.maxCapacity);
  expect(g.HealthCheckType).toBe('ELB');
  expect(g.HealthCheckGracePeriod).toBeGreaterThan(0);
  const [tgId] = logicalIdsOf('AWS::ElasticLoadBalancingV2::TargetGroup');
  expect(g.TargetGroupARNs).toEqual([d.stack.physicalIds[tgId]]);
  expect(d.template.Resources[asgId].Properties).not.toHaveProperty('DesiredCapacity');
});

test('the target group has the health check of the template', async () => {
  const [tgId] = logicalIdsOf('AWS::ElasticLoadBalancingV2::TargetGroup');
  const props = d.template.Resources[tgId].Properties as Record<string, any>;
  const res = await d.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [d.stack.physicalIds[tgId]] }));
  const tg = res.TargetGroups![0];
  expect(tg.HealthCheckPath).toBe(props.HealthCheckPath);
  expect(tg.HealthCheckIntervalSeconds).toBe(props.HealthCheckIntervalSeconds);
  expect(tg.HealthCheckTimeoutSeconds).toBe(props.HealthCheckTimeoutSeconds);
  expect(tg.HealthyThresholdCount).toBe(props.HealthyThresholdCount);
  expect(tg.UnhealthyThresholdCount).toBe(props.UnhealthyThresholdCount);
  expect(tg.HealthCheckTimeoutSeconds).toBeLessThan(tg.HealthCheckIntervalSeconds!);
});

test('the predictive scaler function is deployed with its environment resolved to the deployed group', async () => {
  const [fn] = await findDeployedFunctions(d, ['AUTO_SCALING_GROUP_NAME', 'LOAD_METRIC_NAME']);
  expect(fn).toBeDefined();
  const [asgId] = logicalIdsOf('AWS::AutoScaling::AutoScalingGroup');
  expect(fn.environment.AUTO_SCALING_GROUP_NAME).toBe(d.stack.physicalIds[asgId]);
  const conf = await d.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.functionName }));
  expect(conf.Runtime).toBe('nodejs22.x');
  const dims = loadMetricOf(fn.environment).dimensions;
  const [tgId] = logicalIdsOf('AWS::ElasticLoadBalancingV2::TargetGroup');
  expect(Object.values(dims)).toContain(d.stack.physicalIds[tgId].split(':').pop());
});

test('every alarm of the template exists with its threshold, and the budget with its limit', async () => {
  const alarmIds = logicalIdsOf('AWS::CloudWatch::Alarm');
  expect(alarmIds.length).toBeGreaterThanOrEqual(5);
  const created = new Map(d.created.filter((r) => r.type === 'AWS::CloudWatch::Alarm').map((r) => [r.logicalId, r]));
  const names = alarmIds.map((id) => created.get(id)?.created);
  expect(names.every((n) => typeof n === 'string')).toBe(true);
  const res = await d.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names as string[] }));
  expect(res.MetricAlarms!.length).toBe(alarmIds.length);
  for (const id of alarmIds) {
    const alarm = res.MetricAlarms!.find((a) => a.AlarmName === created.get(id)!.created)!;
    const props = d.template.Resources[id].Properties as Record<string, any>;
    if (props.Threshold !== undefined) expect(alarm.Threshold).toBe(props.Threshold);
    expect(alarm.ComparisonOperator).toBe(props.ComparisonOperator);
    expect(alarm.AlarmActions!.length).toBeGreaterThan(0);
  }
  const budget = await d.clients.budgets.send(new DescribeBudgetCommand({ AccountId: d.stack.account, BudgetName: `scaling-architecture-dev` }));
  expect(Number(budget.Budget!.BudgetLimit!.Amount)).toBe(DEV.budget!.limit);
  expect(budget.Budget!.TimeUnit).toBe('MONTHLY');
});

test('a handler run on the replayed trace changes the group as its plan says, then an hour of runs on the simulated clock', async () => {
  const [fn] = await findDeployedFunctions(d, ['AUTO_SCALING_GROUP_NAME', 'LOAD_METRIC_NAME', 'CAPACITY_PER_INSTANCE']);
  const fnEnv: Record<string, string> = { ...fn.environment, SCALING_MODE: 'forecast-and-scale' };
  const groupName = fnEnv.AUTO_SCALING_GROUP_NAME;
  const metric = loadMetricOf(fnEnv);
  const group = await readGroup(d.clients.autoScaling, groupName);
  const cpi = Number(fnEnv.CAPACITY_PER_INSTANCE);
  // two days of history, then one simulated hour; the load scaled so that it needs the group's MaxSize
  const trace = readTrace(path.join(ROOT, 'data', 'nasa-http-1995-10d.csv'));
  const placed = placeTrace(trace, { days: 1 / 24, historyDays: 2, scale: (group.max * cpi) / 100, now: Date.now() });
  await putTraceRange(d.clients.cloudWatch, metric, placed.trace, 0, placed.firstMinute);

  const invoke = await loadHandler(path.join(ROOT, 'lambda', 'predictive-scaler', 'index.ts'), fnEnv, d.env);
  const at = placed.trace.start + placed.firstMinute * 60_000;
  const run = await captureOutput(() => invoke(scheduledEvent(at, d.stack.account, d.stack.region)));
  expect(run.error).toBeUndefined();
  const summary = run.result as {
    decision: string;
    actions?: { immediateDesired?: number; scheduled?: Array<{ name: string; minSize?: number; desiredCapacity?: number }> };
  };
  expect(summary.decision).toBe('applied');
  const after = await readGroup(d.clients.autoScaling, groupName);
  const actions = await listScheduledActions(d.clients.autoScaling, groupName);
  const own = actions.filter((a) => a.ScheduledActionName!.startsWith(fnEnv.SCHEDULED_ACTION_PREFIX ?? DEFAULT_ACTION_PREFIX));
  // the group has exactly the plan's scheduled actions, and the immediate raise when there was one
  expect(own.map((a) => a.ScheduledActionName).sort()).toEqual((summary.actions?.scheduled ?? []).map((a) => a.name).sort());
  for (const a of summary.actions?.scheduled ?? []) {
    const live = own.find((x) => x.ScheduledActionName === a.name)!;
    expect(live.MinSize).toBe(a.minSize);
    expect(live.DesiredCapacity).toBe(a.desiredCapacity);
  }
  if (summary.actions?.immediateDesired !== undefined) expect(after.desired).toBe(summary.actions.immediateDesired);
  expect(after.desired !== group.desired || own.length > 0).toBe(true);
  expect(after.desired).toBeLessThanOrEqual(group.max);
  // the forecast and the planned capacity are published as EMF for the dashboard
  expect(run.output.metrics.some((m) => m.metricName === METRIC.FORECAST_LOAD)).toBe(true);

  const result = await simulate({
    cloudWatch: d.clients.cloudWatch,
    autoScaling: d.clients.autoScaling,
    groupName,
    loadMetric: metric,
    trace: placed.trace,
    firstMinute: placed.firstMinute + 1,
    minutes: placed.minutes - 1,
    account: d.stack.account,
    region: d.stack.region,
    scalers: [{ name: 'predictive', everyMinutes: 5, invoke, forecastMetric: METRIC.FORECAST_LOAD, plannedMetric: METRIC.PLANNED_CAPACITY }],
  });
  expect(result.rows.length).toBe(11);
  expect(result.rows.filter((r) => r.error)).toEqual([]);
  expect(result.points.every((p) => p.group.desired >= p.group.min && p.group.desired <= p.group.max)).toBe(true);
  expect(result.rows.every((r) => r.forecast !== undefined)).toBe(true);
});

test('an update deploy with a changed size reaches the group', async () => {
  const newMax = DEV.capacity!.maxCapacity! + 1;
  const updated = await deployLocal({
    projectDir: ROOT,
    workDir,
    env: moto.env,
    stackName: DEV_STACK,
    skipBootstrap: true,
    overrides: { dev: { capacity: { maxCapacity: newMax } } },
  });
  const [asgId] = Object.entries(updated.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')
    .map(([id]) => id);
  expect(updated.template.Resources[asgId].Properties!.MaxSize).toBe(String(newMax));
  const g = await readGroup(updated.clients.autoScaling, updated.stack.physicalIds[asgId]);
  expect(g.max).toBe(newMax);
  expect(g.min).toBe(DEV.capacity!.minCapacity);
  expect(updated.created.filter((r) => r.type === 'AWS::CloudWatch::Alarm' && r.error)).toEqual([]);
});
