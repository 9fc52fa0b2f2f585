/**
 * PredictiveScaler with `ecsService`: the handler's environment (the service target, task bounds,
 * the lead of instances plus a task's start), least privilege (writes only on Application Auto
 * Scaling scalable targets, none on the group), errors naming the prop, and the warning when no
 * managed scaling makes the instances follow the tasks.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PredictiveScaler } from '../../../lib';

const ENV = { account: '123456789012', region: 'us-east-1' };
const load = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  dimensionsMap: { TargetGroup: 'tg' },
  statistic: 'Sum',
});

function cluster(managed: 'provider' | 'addCapacity') {
  const stack = new Stack(new App(), 'Ecs', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const c = new ecs.Cluster(stack, 'Cluster', { vpc });
  let hosts: autoscaling.AutoScalingGroup;
  if (managed === 'provider') {
    hosts = new autoscaling.AutoScalingGroup(stack, 'Hosts', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(),
      minCapacity: 1,
      maxCapacity: 10,
      defaultInstanceWarmup: Duration.minutes(2),
    });
    c.addAsgCapacityProvider(new ecs.AsgCapacityProvider(stack, 'Provider', { autoScalingGroup: hosts }));
  } else {
    hosts = c.addCapacity('Hosts', { instanceType: new ec2.InstanceType('t3.micro'), minCapacity: 1, maxCapacity: 10 });
  }
  const task = new ecs.Ec2TaskDefinition(stack, 'Task');
  task.addContainer('web', { image: ecs.ContainerImage.fromRegistry('nginx'), memoryLimitMiB: 256 });
  const service = new ecs.Ec2Service(stack, 'Service', { cluster: c, taskDefinition: task });
  return { stack, hosts, service };
}

test('renders the service target, the task bounds and the lead (instances + one minute for a task)', () => {
  const { stack, hosts, service } = cluster('provider');
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: hosts, ecsService: service, loadMetric: load, capacityPerInstance: 500 });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        CAPACITY_PER_INSTANCE: '500',
        GROUP_BASELINE: JSON.stringify({ minSize: 2, maxSize: 30, schedules: [] }),
        // launch 2 min + the group's 2-minute warmup + 1 minute for a task to start
        LAUNCH_LEAD_SECONDS: '300',
        ECS_SERVICE_TARGET: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"cluster":')])] },
      }),
    },
  });
  // no fixed-size or "driven by managed scaling" warning: the scaler does not write the group
  expect(
    Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('fixed at|driven by the ECS capacity provider|no ECS capacity provider')),
  ).toEqual([]);
});

test('least privilege: writes only on scalable targets, reads the service; no Auto Scaling write on the group', () => {
  const { stack, hosts, service } = cluster('provider');
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: hosts, ecsService: service, loadMetric: load, capacityPerInstance: 500 });
  const statements = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('Predictive'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const actions = statements.flatMap((st) => [st.Action].flat());
  // The group is only read (its tags: the operator's pause), never written.
  expect(actions.filter((a) => a.startsWith('autoscaling:'))).toEqual(['autoscaling:DescribeAutoScalingGroups']);
  expect(actions.filter((a) => !/^(logs:|cloudwatch:GetMetricData|application-autoscaling:Describe|autoscaling:Describe)/.test(a)).sort()).toEqual([
    'application-autoscaling:DeleteScheduledAction',
    'application-autoscaling:PutScheduledAction',
    'application-autoscaling:RegisterScalableTarget',
    // the coordination table's lease (that table only)
    'dynamodb:UpdateItem',
    // Application Auto Scaling validates these on the service when a target is registered
    'ecs:DescribeServices',
    'ecs:UpdateService',
  ]);
  const write = statements.find((st) => [st.Action].flat().includes('application-autoscaling:PutScheduledAction'))!;
  expect(JSON.stringify(write.Resource)).toMatch(/:application-autoscaling:us-east-1:123456789012:scalable-target\/\*/);
  // ... and only ECS services' task counts among them (not a shared account's tables or clusters)
  expect((write as { Condition?: unknown }).Condition).toEqual({
    StringEquals: { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' },
  });
  // the ECS actions are on this one service only
  const onService = statements.find((st) => [st.Action].flat().includes('ecs:UpdateService'))!;
  expect(stack.resolve(onService.Resource)).toEqual(stack.resolve(service.serviceArn));
});

test("scheduledActionPrefix with ecsService: ':' (which a group's action names allow) is an error naming the prop", () => {
  const { stack, hosts, service } = cluster('provider');
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  expect(
    () =>
      new PredictiveScaler(stack, 'Predictive', {
        autoScalingGroup: hosts,
        ecsService: service,
        loadMetric: load,
        capacityPerInstance: 500,
        scheduledActionPrefix: 'team:web-',
      }),
  ).toThrow(
    "scheduledActionPrefix must not contain ':' with ecsService (Application Auto Scaling's scheduled action names may not), got 'team:web-'",
  );
  new PredictiveScaler(stack, 'Fine', {
    autoScalingGroup: hosts,
    ecsService: service,
    loadMetric: load,
    capacityPerInstance: 500,
    scheduledActionPrefix: 'team.web-',
  });
});

test('errors name the prop: capacityPerInstance per task is required; the service needs its task count', () => {
  const a = cluster('provider');
  a.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  expect(() => new PredictiveScaler(a.stack, 'P', { autoScalingGroup: a.hosts, ecsService: a.service, loadMetric: load })).toThrow(
    /capacityPerInstance is required with ecsService: the load one task of Ecs\/Service serves per minute/,
  );
  const b = cluster('provider');
  expect(
    () => new PredictiveScaler(b.stack, 'P', { autoScalingGroup: b.hosts, ecsService: b.service, loadMetric: load, capacityPerInstance: 500 }),
  ).toThrow(/ecsService Ecs\/Service has no scalable target in this stack: call service.autoScaleTaskCount/);
  const c = cluster('provider');
  c.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  expect(
    () =>
      new PredictiveScaler(c.stack, 'P', {
        autoScalingGroup: c.hosts,
        ecsService: c.service,
        loadMetric: load,
        capacityPerInstance: 500,
        minCapacity: 40,
      }),
  ).toThrow(/minCapacity \(40\) must be <= maxCapacity \(30\) \(tasks of ecsService\)/);
});

test.each([
  [{ minCapacity: 1.5 }, /minCapacity must be a literal integer >= 0 \(tasks of ecsService\), got 1.5/],
  [{ minCapacity: -1 }, /minCapacity must be a literal integer >= 0 \(tasks of ecsService\), got -1/],
  [{ maxCapacity: 30.5 }, /maxCapacity must be a literal integer >= 0 \(tasks of ecsService\), got 30.5/],
])('task bounds the handler refuses (GROUP_BASELINE takes integers >= 0) are refused at synth: %p', (given, error) => {
  const a = cluster('provider');
  a.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  expect(
    () =>
      new PredictiveScaler(a.stack, 'P', { autoScalingGroup: a.hosts, ecsService: a.service, loadMetric: load, capacityPerInstance: 500, ...given }),
  ).toThrow(error);
});

test('addCapacity without a capacity provider: a warning says no instance follows the raised tasks', () => {
  const { stack, hosts, service } = cluster('addCapacity');
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 30 });
  new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: hosts, ecsService: service, loadMetric: load, capacityPerInstance: 500 });
  Annotations.fromStack(stack).hasWarning(
    '/Ecs/Predictive',
    Match.stringLikeRegexp('no ECS capacity provider with managed scaling drives in this stack.*ecsServiceWithoutManagedScaling'),
  );
});
