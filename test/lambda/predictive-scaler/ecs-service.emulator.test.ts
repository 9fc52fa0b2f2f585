/**
 * The predictive scaler on an ECS service, against moto_server with the real SDK v3 clients: the
 * service (ECS CreateCluster / RegisterTaskDefinition / CreateService) and its scalable target
 * (Application Auto Scaling RegisterScalableTarget) are created through the APIs moto serves, the
 * handler plans tasks and writes only that target: Application Auto Scaling scheduled actions and,
 * for a raise needed now, the target's MinCapacity. The group is never touched. moto runs no tasks
 * and executes no scheduled action, so what the tasks and instances then do is not tested here.
 */
import * as path from 'node:path';
import {
  ApplicationAutoScalingClient,
  DeleteScheduledActionCommand,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateOrUpdateTagsCommand, DeleteTagsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createDependencies, type Dependencies, runPredictiveScaler } from '../../../lambda/predictive-scaler';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';
import { captureOutput, createGroup, createLaunchTemplate, DAY, dailyLoad, groupState, scheduledActions, seedMetric } from './emulator-fixture';

const LOAD = { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { TargetGroup: 'targetgroup/tasks/0123456789abcdef' } };
const wall = Date.now();
const NOW = (() => {
  const today8 = Math.floor(wall / DAY) * DAY + 8 * 3_600_000;
  return today8 <= wall - 3_600_000 ? today8 : today8 - DAY;
})();

const SHIFT_HOUR = (new Date(wall).getUTCHours() + 23) % 24;

let moto: MotoServer;
let restoreEnv: () => void;
let deps: Omit<Dependencies, 'env'>;
let aas: ApplicationAutoScalingClient;

function env(service: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUTO_SCALING_GROUP_NAME: 'ecs-hosts',
    LOAD_METRIC_NAMESPACE: LOAD.namespace,
    LOAD_METRIC_NAME: LOAD.metricName,
    LOAD_METRIC_DIMENSIONS: JSON.stringify(LOAD.dimensions),
    LOAD_METRIC_STATISTIC: 'Sum',
    // per task
    CAPACITY_PER_INSTANCE: '150',
    TARGET_UTILIZATION: '0.7',
    GROUP_BASELINE: JSON.stringify({ minSize: 2, maxSize: 20, schedules: [] }),
    ECS_SERVICE_TARGET: JSON.stringify({ cluster: 'web', service }),
    SCALING_MODE: 'forecast-and-scale',
    ...extra,
  };
}

const resourceId = (service: string) => `service/web/${service}`;
const target = async (service: string) =>
  (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId(service)] }))).ScalableTargets![0];
const actions = async (service: string) =>
  (await aas.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId(service) }))).ScheduledActions ?? [];

async function run(e: Record<string, string>, extra: Partial<Dependencies> = {}) {
  const out = captureOutput();
  try {
    return await runPredictiveScaler({ time: new Date(NOW).toISOString() }, { ...deps, ...extra, env: e });
  } finally {
    out.restore();
  }
}

beforeAll(async () => {
  const patches = path.resolve(__dirname, '../../../scripts/local/moto-patches');
  moto = await startMoto({ env: { PYTHONPATH: [patches, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) } });
  restoreEnv = useEmulatorEnv(moto);
  const { cloudWatch, autoScaling, logger, metrics, planner, wallClock } = createDependencies();
  deps = { cloudWatch, autoScaling, logger, metrics, planner, wallClock };
  aas = new ApplicationAutoScalingClient({});
  const ecs = new ECSClient({});
  await createLaunchTemplate(new EC2Client({}));
  await createGroup(autoScaling, 'ecs-hosts', 1, 10);
  await ecs.send(new CreateClusterCommand({ clusterName: 'web' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 256, essential: true }] }),
  );
  for (const service of ['api', 'other', 'shifts']) {
    await ecs.send(new CreateServiceCommand({ cluster: 'web', serviceName: service, taskDefinition: 'web', desiredCount: 2 }));
    await aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId(service),
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 2,
        MaxCapacity: 20,
      }),
    );
  }
  // another owner's action on the service: read, never touched
  await aas.send(
    new PutScheduledActionCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId('api'),
      ScalableDimension: 'ecs:service:DesiredCount',
      ScheduledActionName: 'team-nightly',
      Schedule: 'at(2099-01-01T22:00:00)',
      ScalableTargetAction: { MinCapacity: 1 },
    }),
  );
  // the service's own shifts (scaleOnSchedule on its task count): 8 tasks from the hour before the
  // run's (the run uses the wall clock), 2 from twelve hours later
  for (const [name, schedule, min] of [
    ['day-shift', `cron(0 ${SHIFT_HOUR} * * ? *)`, 8],
    ['night-shift', `cron(0 ${(SHIFT_HOUR + 12) % 24} * * ? *)`, 2],
  ] as const) {
    await aas.send(
      new PutScheduledActionCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId('shifts'),
        ScalableDimension: 'ecs:service:DesiredCount',
        ScheduledActionName: name,
        Schedule: schedule,
        ScalableTargetAction: { MinCapacity: min },
      }),
    );
  }
  // moto runs no scheduled action: the day shift's floor, as AWS would have set it
  await aas.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId('shifts'),
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 8,
      MaxCapacity: 20,
    }),
  );
  await seedMetric(new CloudWatchClient({}), LOAD, NOW - 14 * DAY, NOW, dailyLoad);
}, 180_000);

afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});

test('plans tasks: raises the task floor now and schedules the plan on the service target; the group and other services are untouched', async () => {
  const groupBefore = await groupState(deps.autoScaling, 'ecs-hosts');
  const summary = await run(env('api'));
  expect(summary.decision).toBe('applied');
  // the morning load (~600+/min at 150 per task, 70%) needs more than the 2 tasks running now
  const raised = (summary.actions as { result: { desiredSet?: number } }).result.desiredSet;
  expect(raised).toBeGreaterThan(2);
  expect((await target('api')).MinCapacity).toBe(raised);
  expect((await target('api')).MaxCapacity).toBe(20);
  const own = (await actions('api')).filter((a) => a.ScheduledActionName!.startsWith('predictive-scaler-'));
  expect(own.length).toBeGreaterThan(1);
  for (const a of own) {
    expect(a.Schedule).toMatch(/^at\(\d{4}-\d\d-\d\dT\d\d:\d\d:00\)$/);
    expect(a.ScalableTargetAction!.MinCapacity).toBeGreaterThanOrEqual(2);
    expect(a.ScalableTargetAction!.MinCapacity).toBeLessThanOrEqual(20);
  }
  // the last action releases the floor to the configured minimum at the horizon's end
  const last = [...own].sort((a, b) => a.Schedule!.localeCompare(b.Schedule!)).pop()!;
  expect(last.ScalableTargetAction!.MinCapacity).toBe(2);
  expect((await actions('api')).find((a) => a.ScheduledActionName === 'team-nightly')?.Schedule).toBe('at(2099-01-01T22:00:00)');
  expect(await actions('other')).toEqual([]);
  expect((await target('other')).MinCapacity).toBe(2);
  expect(await groupState(deps.autoScaling, 'ecs-hosts')).toEqual(groupBefore);
  expect(await scheduledActions(deps.autoScaling, 'ecs-hosts')).toEqual([]);

  // a second run replaces its own actions by name, leaves the other owner's one
  const again = await run(env('api'));
  expect(again.decision).toBe('applied');
  // the same plan: nothing put again
  expect((again.actions as { result: { put: number } }).result.put).toBe(0);
  expect((await actions('api')).filter((a) => a.ScheduledActionName === 'team-nightly')).toHaveLength(1);
}, 120_000);

test("the service's own recurring schedules are honoured as a group's are: the plan never takes the day shift's floor away", async () => {
  const summary = await run(env('shifts'));
  expect(summary.decision).toBe('applied');
  const own = (await actions('shifts')).filter((a) => a.ScheduledActionName!.startsWith('predictive-scaler-'));
  // every floor the plan schedules (here none: the load needs 6, the shift holds 8) is at least
  // the shift's 8: no release to the configured 2 while the day shift is in force
  expect(own.filter((a) => a.ScalableTargetAction!.MinCapacity! < 8)).toEqual([]);
  expect((await target('shifts')).MinCapacity).toBeGreaterThanOrEqual(8);
  expect(summary.plan).toMatchObject({ bounds: { minFrom: 'schedule:day-shift', schedules: { fromAws: 2 } } });
  expect((await actions('shifts')).filter((a) => /-shift$/.test(a.ScheduledActionName!))).toHaveLength(2);
}, 120_000);

test("a schedule of the service's that cannot be modeled (a rate) fails the run, which changes nothing", async () => {
  await aas.send(
    new PutScheduledActionCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId('other'),
      ScalableDimension: 'ecs:service:DesiredCount',
      ScheduledActionName: 'every-six-hours',
      Schedule: 'rate(6 hours)',
      ScalableTargetAction: { MinCapacity: 3 },
    }),
  );
  try {
    await expect(run(env('other'))).rejects.toThrow("the service's scheduled action 'every-six-hours': schedule 'rate(6 hours)' is a rate");
    expect((await actions('other')).map((a) => a.ScheduledActionName)).toEqual(['every-six-hours']);
    expect((await target('other')).MinCapacity).toBe(2);
  } finally {
    await aas.send(
      new DeleteScheduledActionCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId('other'),
        ScalableDimension: 'ecs:service:DesiredCount',
        ScheduledActionName: 'every-six-hours',
      }),
    );
  }
}, 120_000);

test("the cost optimizer's task cap (a lower MaxCapacity) is planned under, not taken for an operator's hold; a higher one is", async () => {
  const setMax = (max: number) =>
    aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId('other'),
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 2,
        MaxCapacity: max,
      }),
    );
  try {
    await setMax(8);
    const capped = await run(env('other'));
    expect(capped.decision).toBe('applied');
    for (const a of (await actions('other')).filter((x) => x.ScheduledActionName!.startsWith('predictive-scaler-'))) {
      expect(a.ScalableTargetAction!.MinCapacity).toBeLessThanOrEqual(8);
    }
    await setMax(30);
    expect((await run(env('other'))).decision).toBe('held');
  } finally {
    await setMax(20);
    for (const a of await actions('other')) {
      await aas.send(
        new DeleteScheduledActionCommand({
          ServiceNamespace: 'ecs',
          ResourceId: resourceId('other'),
          ScalableDimension: 'ecs:service:DesiredCount',
          ScheduledActionName: a.ScheduledActionName!,
        }),
      );
    }
  }
}, 120_000);

test("the operator's pause tag on the hosting group holds the scaler on the service too", async () => {
  const tag = (op: 'put' | 'delete') =>
    deps.autoScaling.send(
      op === 'put'
        ? new CreateOrUpdateTagsCommand({
            Tags: [
              { ResourceId: 'ecs-hosts', ResourceType: 'auto-scaling-group', Key: 'scaling:paused', Value: 'incident 42', PropagateAtLaunch: false },
            ],
          })
        : new DeleteTagsCommand({ Tags: [{ ResourceId: 'ecs-hosts', ResourceType: 'auto-scaling-group', Key: 'scaling:paused' }] }),
    );
  await tag('put');
  try {
    expect((await actions('api')).some((a) => a.ScheduledActionName!.startsWith('predictive-scaler-'))).toBe(true);
    const held = await run(env('api'));
    expect(held.decision).toBe('held');
    expect(JSON.stringify(held)).toMatch(/incident 42/);
    // its own pending floors on the service are withdrawn; the other owner's action stays
    expect((await actions('api')).map((a) => a.ScheduledActionName)).toEqual(['team-nightly']);
  } finally {
    await tag('delete');
  }
  expect((await run(env('api'))).decision).toBe('applied');
}, 120_000);

test('a service without a scalable target fails the run and changes nothing', async () => {
  await expect(run(env('missing'))).rejects.toThrow(/ECS service 'service\/web\/missing' has no scalable target/);
});

test('fault: PutScheduledAction refused (ThrottlingException) keeps the existing actions and fails the run', async () => {
  // Only PutScheduledAction fails (a fault moto cannot produce); every other call goes to the emulator.
  const failing = {
    send: (command: unknown) =>
      command instanceof PutScheduledActionCommand
        ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
        : aas.send(command as PutScheduledActionCommand),
  } as unknown as ApplicationAutoScalingClient;
  const before = (await actions('api')).map((a) => a.ScheduledActionName).sort();
  // a smaller capacity per task: a new plan to put
  await expect(
    run(env('api', { CAPACITY_PER_INSTANCE: '100' }), { ecsClients: { applicationAutoScaling: failing, ecs: new ECSClient({}) } }),
  ).rejects.toThrow(/Rate exceeded/);
  expect((await actions('api')).map((a) => a.ScheduledActionName).sort()).toEqual(before);
}, 120_000);
