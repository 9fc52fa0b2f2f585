/**
 * The cost optimizer on an ECS service whose group serves it alone: the construct renders the task
 * cap and grants only RegisterScalableTarget on scalable targets, and refuses a group that serves
 * several services; the handler step, against moto_server with the real SDK clients, sets the
 * target's MaxCapacity from the group's MaxSize and restores it when the cap is lifted.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AlertTopic, CostOptimizer, ScalingBudget } from '../../../lib';
import { cappedTasks } from '../../../lambda/contract';
import { applyEcsTaskCap } from '../../../lambda/cost-optimizer/ecs-task-cap';
import { type MotoServer, startMoto, useEmulatorEnv } from '../../../scripts/moto-server';

const ENV = { account: '123456789012', region: 'us-east-1' };

function ecsApp(services: number) {
  const stack = new Stack(new App(), 'Ecs', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const hosts = new autoscaling.AutoScalingGroup(stack, 'Hosts', {
    vpc,
    instanceType: new ec2.InstanceType('m5.large'),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2(),
    minCapacity: 1,
    maxCapacity: 10,
  });
  cluster.addAsgCapacityProvider(new ecs.AsgCapacityProvider(stack, 'Provider', { autoScalingGroup: hosts }));
  const task = new ecs.Ec2TaskDefinition(stack, 'Task');
  task.addContainer('web', { image: ecs.ContainerImage.fromRegistry('nginx'), memoryLimitMiB: 512 });
  const all = Array.from({ length: services }, (_, i) => new ecs.Ec2Service(stack, `Service${i}`, { cluster, taskDefinition: task }));
  all[0].autoScaleTaskCount({ minCapacity: 2, maxCapacity: 40 });
  const budget = new ScalingBudget(stack, 'Budget', { limit: 500, budgetName: 'ecs-monthly', alertTopic: new AlertTopic(stack, 'Alerts').topic });
  return { stack, hosts, service: all[0], budget };
}

test('tasksPerInstance known only at deploy time renders as its reference in the task cap', () => {
  const { stack, hosts, service, budget } = ecsApp(1);
  const perInstance = new CfnParameter(stack, 'TasksPerInstance', { type: 'Number', default: 4 });
  new CostOptimizer(stack, 'Cost', {
    autoScalingGroup: hosts,
    budget,
    floorCapacity: 1,
    ecsService: { service, tasksPerInstance: perInstance.valueAsNumber },
  });
  const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter(
    (f) => f.Properties.Environment?.Variables?.ECS_TASK_CAP,
  );
  expect(JSON.stringify(fns[0].Properties.Environment.Variables.ECS_TASK_CAP)).toContain('{"Ref":"TasksPerInstance"}');
});

test("renders the task cap, grants only RegisterScalableTarget on ECS services' task-count targets", () => {
  const { stack, hosts, service, budget } = ecsApp(1);
  new CostOptimizer(stack, 'Cost', { autoScalingGroup: hosts, budget, floorCapacity: 1, ecsService: { service, tasksPerInstance: 4 } });
  const t = Template.fromStack(stack);
  const fns = Object.values(t.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.ECS_TASK_CAP);
  expect(fns).toHaveLength(1);
  expect(JSON.parse(fns[0].Properties.Environment.Variables.ECS_TASK_CAP)).toEqual({
    tasksPerInstance: 4,
    minCapacity: 2,
    maxCapacity: 40,
    groupMaxSize: 10,
  });
  const statements = Object.entries(t.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('Cost'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const aasWrites = statements.filter((st) => [st.Action].flat().some((a) => /^application-autoscaling:(?!Describe)/.test(a)));
  expect(aasWrites.map((st) => st.Action)).toEqual(['application-autoscaling:RegisterScalableTarget']);
  // every Application Auto Scaling call of the task cap step is granted
  const granted = new Set(statements.flatMap((st) => [st.Action].flat()));
  expect(
    ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:RegisterScalableTarget'].filter((a) => !granted.has(a)),
  ).toEqual([]);
  expect(JSON.stringify(aasWrites[0].Resource)).toMatch(/scalable-target\/\*/);
  // ... of ECS services' task counts only
  expect((aasWrites[0] as { Condition?: unknown }).Condition).toEqual({
    StringEquals: { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' },
  });
  // what Application Auto Scaling validates on the service at registration, on that service only
  const onService = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('ecs:')));
  expect(onService.map((st) => st.Action)).toEqual([['ecs:DescribeServices', 'ecs:UpdateService']]);
  expect(stack.resolve(onService[0].Resource)).toEqual(stack.resolve(service.serviceArn));
});

test('refuses a group that serves several services; tasksPerInstance must be > 0', () => {
  const two = ecsApp(2);
  expect(
    () =>
      new CostOptimizer(two.stack, 'Cost', {
        autoScalingGroup: two.hosts,
        budget: two.budget,
        floorCapacity: 1,
        ecsService: { service: two.service, tasksPerInstance: 4 },
      }),
  ).toThrow(
    /ecsService Ecs\/Service0: the cost optimizer changes the bounds of Ecs\/Hosts, which serves 2 services of its cluster .*it may only cap a group that serves one service/,
  );
  const one = ecsApp(1);
  expect(
    () =>
      new CostOptimizer(one.stack, 'Cost', {
        autoScalingGroup: one.hosts,
        budget: one.budget,
        floorCapacity: 1,
        ecsService: { service: one.service, tasksPerInstance: 0 },
      }),
  ).toThrow(/ecsService.tasksPerInstance \(0\) must be a number > 0/);
});

test('cappedTasks: the configured maximum unless the group is held below its own', () => {
  const cap = { tasksPerInstance: 4, minCapacity: 2, maxCapacity: 40, groupMaxSize: 10 };
  expect(cappedTasks(cap, 10)).toBe(40);
  expect(cappedTasks(cap, 6)).toBe(24);
  expect(cappedTasks(cap, 0)).toBe(2);
  expect(cappedTasks({ ...cap, tasksPerInstance: 2.5 }, 3)).toBe(7);
});

describe('the task cap step against moto_server', () => {
  let moto: MotoServer;
  let restore: () => void;
  let aas: ApplicationAutoScalingClient;
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: 'service/web/api', ScalableDimension: 'ecs:service:DesiredCount' as const };
  const env = {
    ECS_SERVICE_TARGET: JSON.stringify({ cluster: 'web', service: 'api' }),
    ECS_TASK_CAP: JSON.stringify({ tasksPerInstance: 4, minCapacity: 2, maxCapacity: 40, groupMaxSize: 10 }),
  };
  const maxCapacity = async () =>
    (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [target.ResourceId] }))).ScalableTargets![0]
      .MaxCapacity;

  beforeAll(async () => {
    moto = await startMoto();
    restore = useEmulatorEnv(moto);
    aas = new ApplicationAutoScalingClient({});
    const ecsClient = new ECSClient({});
    await ecsClient.send(new CreateClusterCommand({ clusterName: 'web' }));
    await ecsClient.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx', memory: 256 }] }));
    await ecsClient.send(new CreateServiceCommand({ cluster: 'web', serviceName: 'api', taskDefinition: 'web', desiredCount: 2 }));
    await aas.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 2, MaxCapacity: 40 }));
  }, 60_000);
  afterAll(async () => {
    restore?.();
    await moto?.stop();
  });

  test('caps MaxCapacity with the group, restores it when the cap is lifted, and is a no-op without ECS settings', async () => {
    expect(await applyEcsTaskCap({ env }, 6)).toEqual({ resourceId: 'service/web/api', maxCapacityBefore: 40, maxCapacity: 24 });
    expect(await maxCapacity()).toBe(24);
    expect(await applyEcsTaskCap({ env }, 6)).toEqual({ resourceId: 'service/web/api', maxCapacityBefore: 24, maxCapacity: 24 });
    expect(await applyEcsTaskCap({ env }, 10)).toEqual({ resourceId: 'service/web/api', maxCapacityBefore: 24, maxCapacity: 40 });
    expect(await maxCapacity()).toBe(40);
    expect(await applyEcsTaskCap({ env: {} }, 3)).toBeUndefined();
    expect(await maxCapacity()).toBe(40);
  }, 60_000);

  test("an operator's MaxCapacity above the configured one is adopted, not reverted (rule 3)", async () => {
    // An incident: the operator lets the service run up to 60 tasks (the predictive scaler holds for it too).
    await aas.send(new RegisterScalableTargetCommand({ ...target, MaxCapacity: 60 }));
    // The group is not capped: the optimizer must not restore 40 over the operator's 60.
    expect(await applyEcsTaskCap({ env }, 10)).toMatchObject({ maxCapacityBefore: 60, maxCapacity: 60 });
    expect(await maxCapacity()).toBe(60);
    // Nor cap it: the operator's bound holds until it is set back.
    expect(await applyEcsTaskCap({ env }, 6)).toMatchObject({ maxCapacityBefore: 60, maxCapacity: 60 });
    expect(await maxCapacity()).toBe(60);
    await aas.send(new RegisterScalableTargetCommand({ ...target, MaxCapacity: 40 }));
  }, 60_000);
});
