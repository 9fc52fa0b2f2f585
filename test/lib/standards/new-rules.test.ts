/**
 * The rules issue 16 added or changed: ECS capacity providers with managed scaling, groups
 * whose bounds cannot change while they have policies, classic load balancers, and messages
 * that carry the values seen and what would satisfy the rule.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ScalerFunctionSelector, ScalingStandardsChecks } from '../../../lib/standards';
import { findings, ruleIdsOn } from './findings';

function group(stack: Stack, id: string, min: string, max: string, extra: Partial<autoscaling.CfnAutoScalingGroupProps> = {}) {
  return new autoscaling.CfnAutoScalingGroup(stack, id, {
    minSize: min,
    maxSize: max,
    availabilityZones: ['us-east-1a'],
    healthCheckType: 'ELB',
    healthCheckGracePeriod: 300,
    ...extra,
  });
}

const only = (ids: string[], ...keep: string[]) => ids.filter((id) => keep.includes(id));

describe('ECS capacity providers with managed scaling', () => {
  const provider = (stack: Stack, g: autoscaling.CfnAutoScalingGroup, status: string | undefined, ref: unknown = g.ref) =>
    new ecs.CfnCapacityProvider(stack, `Provider${status}`, {
      autoScalingGroupProvider: { autoScalingGroupArn: ref as string, managedScaling: status ? { status } : undefined },
    });

  test('ENABLED: the group needs no policy and no warmup of its own', () => {
    const stack = new Stack(new App(), 'S');
    const g = group(stack, 'G', '0', '10');
    provider(stack, g, 'ENABLED');
    expect(only(ruleIdsOn(g), 'Scaling-ScalingPolicy', 'Scaling-InstanceWarmup')).toEqual([]);
  });

  test('DISABLED or no managed scaling: the group still needs a policy and a warmup', () => {
    for (const status of ['DISABLED', undefined]) {
      const stack = new Stack(new App(), 'S');
      const g = group(stack, 'G', '0', '10');
      provider(stack, g, status);
      expect(only(ruleIdsOn(g), 'Scaling-ScalingPolicy', 'Scaling-InstanceWarmup')).toEqual(['Scaling-InstanceWarmup', 'Scaling-ScalingPolicy']);
    }
  });

  test('a provider of another group does not count; a literal group name or ARN does', () => {
    const stack = new Stack(new App(), 'S');
    const g = group(stack, 'G', '0', '10', { autoScalingGroupName: 'web' });
    const other = group(stack, 'Other', '0', '10');
    provider(stack, other, 'ENABLED');
    expect(only(ruleIdsOn(g), 'Scaling-ScalingPolicy')).toEqual(['Scaling-ScalingPolicy']);
    new ecs.CfnCapacityProvider(stack, 'ByArn', {
      autoScalingGroupProvider: {
        autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/web',
        managedScaling: { status: 'ENABLED' },
      },
    });
    expect(only(ruleIdsOn(g), 'Scaling-ScalingPolicy')).toEqual([]);
  });
});

describe('Scaling-FixedSizeWithPolicies', () => {
  test('reports a fixed group with a policy, with the bounds and the policy in the message', () => {
    const stack = new Stack(new App(), 'S');
    const g = group(stack, 'G', '1', '1');
    new autoscaling.CfnScalingPolicy(stack, 'P', { autoScalingGroupName: g.ref, policyType: 'TargetTrackingScaling' });
    expect(ruleIdsOn(g)).toContain('Scaling-FixedSizeWithPolicies');
    const f = findings(stack.node.root).find((x) => x.ruleId === 'Scaling-FixedSizeWithPolicies')!;
    expect(f.description).toMatch(/MinSize 1 = MaxSize 1.*S\/P.*Would satisfy: a maxCapacity above minCapacity \(1\)/);
  });

  test('an ECS managed-scaling provider on a fixed group is reported too', () => {
    const stack = new Stack(new App(), 'S');
    const g = group(stack, 'G', '3', '3');
    new ecs.CfnCapacityProvider(stack, 'Cp', { autoScalingGroupProvider: { autoScalingGroupArn: g.ref, managedScaling: { status: 'ENABLED' } } });
    expect(ruleIdsOn(g)).toContain('Scaling-FixedSizeWithPolicies');
  });

  test('not reported: no policy, a scheduled action that changes the bounds, a scaler function, or room to scale', () => {
    const noPolicy = new Stack(new App(), 'S');
    expect(ruleIdsOn(group(noPolicy, 'G', '2', '2'))).not.toContain('Scaling-FixedSizeWithPolicies');

    const scheduled = new Stack(new App(), 'S');
    const g = group(scheduled, 'G', '1', '1');
    new autoscaling.CfnScalingPolicy(scheduled, 'P', { autoScalingGroupName: g.ref, policyType: 'TargetTrackingScaling' });
    new autoscaling.CfnScheduledAction(scheduled, 'Day', { autoScalingGroupName: g.ref, maxSize: 6, recurrence: '0 8 * * *' });
    expect(ruleIdsOn(g)).not.toContain('Scaling-FixedSizeWithPolicies');

    const scaler = new Stack(new App(), 'S');
    const f = group(scaler, 'G', '1', '1');
    new autoscaling.CfnScalingPolicy(scaler, 'P', { autoScalingGroupName: f.ref, policyType: 'TargetTrackingScaling' });
    new lambda.CfnFunction(scaler, 'Scaler', {
      code: { zipFile: 'x' },
      role: 'arn:aws:iam::123456789012:role/r',
      tags: [{ key: 'role', value: 'scaler' }],
    });
    expect(ruleIdsOn(f, { scalerFunctions: ScalerFunctionSelector.withTag('role', 'scaler') })).not.toContain('Scaling-FixedSizeWithPolicies');
    expect(ruleIdsOn(f)).toContain('Scaling-FixedSizeWithPolicies');

    const room = new Stack(new App(), 'S');
    const r = group(room, 'G', '1', '4');
    new autoscaling.CfnScalingPolicy(room, 'P', { autoScalingGroupName: r.ref, policyType: 'TargetTrackingScaling' });
    expect(ruleIdsOn(r)).not.toContain('Scaling-FixedSizeWithPolicies');
  });
});

describe('classic load balancers', () => {
  const check = { target: 'HTTP:80/health', interval: '30', timeout: '5', healthyThreshold: '2', unhealthyThreshold: '3' };
  const http = [{ loadBalancerPort: '80', instancePort: '80', protocol: 'HTTP' }];

  test('a sane HTTP check and an UnHealthyHostCount alarm with an action: compliant', () => {
    const stack = new Stack(new App(), 'S');
    const lb = new elb.CfnLoadBalancer(stack, 'Lb', { listeners: http, healthCheck: check });
    new cloudwatch.CfnAlarm(stack, 'Unhealthy', {
      namespace: 'AWS/ELB',
      metricName: 'UnHealthyHostCount',
      dimensions: [{ name: 'LoadBalancerName', value: lb.ref }],
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      threshold: 0,
      statistic: 'Maximum',
      period: 60,
      alarmActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
    });
    expect(ruleIdsOn(lb)).toEqual([]);
  });

  test.each([
    [{ ...check, target: 'TCP:80' }, /HealthCheck.Target "TCP:80" only proves the port is open/],
    [{ ...check, timeout: '30' }, /HealthCheck.Timeout 30 not below HealthCheck.Interval 30/],
    [{ ...check, unhealthyThreshold: '11' }, /HealthCheck.UnhealthyThreshold 11/],
    [undefined, /no HealthCheck/],
  ])('health check %j is reported with its values', (healthCheck, message) => {
    const stack = new Stack(new App(), 'S');
    const lb = new elb.CfnLoadBalancer(stack, 'Lb', { listeners: http, healthCheck });
    const f = findings(stack.node.root).find((x) => x.ruleId === 'Scaling-ClassicHealthCheck');
    expect(f?.paths).toEqual([lb.node.path]);
    expect(f?.description).toMatch(message);
  });

  test('an alarm without an action is named in the message; the metrics are an option', () => {
    const stack = new Stack(new App(), 'S');
    const lb = new elb.CfnLoadBalancer(stack, 'Lb', { listeners: http, healthCheck: check });
    new cloudwatch.CfnAlarm(stack, 'Silent', {
      namespace: 'AWS/ELB',
      metricName: 'UnHealthyHostCount',
      dimensions: [{ name: 'LoadBalancerName', value: lb.ref }],
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      threshold: 0,
      statistic: 'Maximum',
      period: 60,
    });
    const f = findings(stack.node.root).find((x) => x.ruleId === 'Scaling-ClassicLoadBalancerAlarms');
    expect(f?.description).toMatch(/alarms without an action .*S\/Silent \(UnHealthyHostCount\)/);
    expect(ruleIdsOn(lb, { requiredClassicLoadBalancerAlarmMetrics: [] })).toEqual([]);
  });
});

describe('messages', () => {
  test('say what is wrong, the values seen and what would satisfy it, verbose or not; verbose adds why', () => {
    const stack = new Stack(new App(), 'S');
    group(stack, 'G', '1', '500', { desiredCapacity: '2' });
    const plain = findings(stack.node.root);
    const verbose = findings(stack.node.root, { verbose: true });
    const max = plain.find((f) => f.ruleId === 'Scaling-MaxCapacityLimit')!;
    expect(max.description).toBe(
      "The Auto Scaling group's MaxSize is above the limit of 100 or is not a literal number. Seen: MaxSize is 500, the limit is 100. " +
        'Would satisfy: a literal maxCapacity of at most 100, or a larger pack option maxCapacityLimit if the larger fleet is intended.',
    );
    expect(plain.find((f) => f.ruleId === 'Scaling-NoDesiredCapacity')!.description).toMatch(/Seen: DesiredCapacity is "2"/);
    for (const f of verbose) {
      expect(f.description).toMatch(/ Seen: .+ Would satisfy: .+ Why: .+/);
    }
    const report = new ScalingStandardsChecks().validateScope(stack.node.root);
    expect(report.violations.find((v) => v.ruleName === 'Scaling-MaxCapacityLimit')!.fix).toMatch(/maxCapacity of at most 100/);
  });

  test('two groups breaking one rule get one violation each, with their own values', () => {
    const stack = new Stack(new App(), 'S');
    group(stack, 'A', '1', '200');
    group(stack, 'B', '1', '300');
    const max = findings(stack.node.root).filter((f) => f.ruleId === 'Scaling-MaxCapacityLimit');
    expect(max.map((f) => [f.paths, f.description.match(/MaxSize is (\d+)/)![1]])).toEqual([
      [['S/A'], '200'],
      [['S/B'], '300'],
    ]);
  });
});
