import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance } from 'cdk-nag';
import * as fc from 'fast-check';
import { ScalerFunctionSelector, scalingRules, ScalingStandardsChecks } from '../../../lib/standards';
import { compliantStack, remove } from './compliant-stack';
import { findings } from './findings';

/** Synthesizes with the pack added as a validation plugin; returns the error message, or '' if synthesis passed. */
function synthWithPack(app: App, pack = new ScalingStandardsChecks(app)): string {
  Validations.of(app).addPlugins(pack);
  try {
    app.synth();
    return '';
  } catch (e) {
    return String((e as Error).message);
  }
}

interface L2Service {
  readonly app: App;
  readonly stack: Stack;
  readonly group: autoscaling.AutoScalingGroup;
  readonly scaler: lambda.Function;
}

/** A service built with aws-cdk-lib L2 constructs the way the standards ask for. */
function standardL2Service(): L2Service {
  // The feature flag aws-cdk-lib's new-project template sets: the group gets a launch template.
  const app = new App({ context: { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true } });
  const stack = new Stack(app, 'Service', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const topic = new sns.Topic(stack, 'Alerts');
  const group = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    requireImdsv2: true,
    minCapacity: 2,
    maxCapacity: 10,
    defaultInstanceWarmup: Duration.minutes(3),
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: Duration.minutes(3),
    }),
  });
  group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const targetGroup = alb.addListener('Http', { port: 80 }).addTargets('Fleet', {
    port: 80,
    targets: [group],
    healthCheck: {
      path: '/health',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    },
  });
  const alert = new cwActions.SnsAction(topic);
  new cloudwatch.Alarm(stack, 'FleetCpu', {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    }),
    threshold: 85,
    evaluationPeriods: 3,
  }).addAlarmAction(alert);
  targetGroup.metrics.unhealthyHostCount().createAlarm(stack, 'Unhealthy', { threshold: 1, evaluationPeriods: 2 }).addAlarmAction(alert);
  new budgets.CfnBudget(stack, 'Budget', {
    budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 300, unit: 'USD' } },
    notificationsWithSubscribers: [
      {
        notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80 },
        subscribers: [{ subscriptionType: 'SNS', address: topic.topicArn }],
      },
    ],
  });
  const scaler = new lambda.Function(stack, 'Scaler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  scaler.addToRolePolicy(new iam.PolicyStatement({ actions: ['autoscaling:SetDesiredCapacity'], resources: ['*'] }));
  scaler.metricErrors().createAlarm(stack, 'ScalerErrors', { threshold: 1, evaluationPeriods: 1 }).addAlarmAction(alert);
  return { app, stack, group, scaler };
}

describe('ScalingStandardsChecks', () => {
  test('a service built with aws-cdk-lib L2 constructs to the standards synthesizes with no finding', () => {
    const { app } = standardL2Service();
    expect(synthWithPack(app)).toBe('');
    expect(findings(app)).toEqual([]);
  });

  test('reports a scaler found through its role policy when its errors alarm is missing', () => {
    const s = standardL2Service();
    remove(s.stack.node.findChild('ScalerErrors'));
    expect(synthWithPack(s.app)).toBe('');
    expect(findings(s.app).map((f) => f.ruleId)).toEqual(['Scaling-ScalerFunctionAlarms']);
  });

  test('selects scaler functions by a tag set with Tags.of', () => {
    const s = standardL2Service();
    const web = new lambda.Function(s.stack, 'Web', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    Tags.of(web).add('scaling:role', 'scaler');
    s.app.synth();
    const paths = (selector: ScalingStandardsChecks) =>
      selector.validateScope(s.app).violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(paths(new ScalingStandardsChecks(undefined, { scalerFunctions: ScalerFunctionSelector.withTag('scaling:role', 'scaler') }))).toEqual([
      'Service/Web/Resource',
    ]);
  });

  test('ERROR findings fail synthesis, WARN findings alone do not', () => {
    const errors = compliantStack();
    errors.group.desiredCapacity = '2';
    expect(synthWithPack(errors.app)).toMatch(/Scaling-NoDesiredCapacity/);

    const warnings = compliantStack();
    remove(warnings.cpuAlarm);
    expect(synthWithPack(warnings.app)).toBe('');
    expect(findings(warnings.app)).toEqual([expect.objectContaining({ ruleId: 'Scaling-GroupAlarms', severity: 'warning' })]);
  });

  test('a finding can be acknowledged with Validations.of(scope).acknowledge', () => {
    const s = compliantStack();
    s.group.desiredCapacity = '2';
    Validations.of(s.group).acknowledge({ id: 'Scaling-NoDesiredCapacity', reason: 'capacity is managed by hand during the migration' });
    expect(synthWithPack(s.app)).toBe('');
    expect(findings(s.app)).toEqual([]);
  });

  test('every rule in RULE_IDS is reported by a stack that breaks every standard', () => {
    const s = compliantStack();
    s.group.desiredCapacity = '2';
    s.group.healthCheckType = 'EC2';
    s.group.maxSize = '500';
    s.group.defaultInstanceWarmup = undefined;
    s.launchTemplate.launchTemplateData = { imageId: 'ami-12345678' };
    s.targetGroup.healthCheckPath = undefined;
    for (const r of [s.policy, s.cpuAlarm, s.unhealthyAlarm, s.budget, s.scalerErrorsAlarm]) {
      remove(r);
    }
    // a fixed 2..2 group with a policy, and a classic load balancer with neither health check nor alarm
    // (in a stack of their own: the scaler function of the first stack may change its groups' bounds)
    const other = new Stack(s.app, 'Other');
    // ... in one Availability Zone, from a launch configuration
    const fixed = new autoscaling.CfnAutoScalingGroup(other, 'Fixed', {
      minSize: '2',
      maxSize: '2',
      availabilityZones: ['us-east-1a'],
      launchConfigurationName: 'legacy',
    });
    new autoscaling.CfnScalingPolicy(other, 'FixedPolicy', { autoScalingGroupName: fixed.ref, policyType: 'TargetTrackingScaling' });
    new elb.CfnLoadBalancer(other, 'Classic', { listeners: [{ loadBalancerPort: '80', instancePort: '80', protocol: 'HTTP' }] });
    const ids = [...new Set(findings(s.app).map((f) => f.ruleId))].sort();
    expect(ids).toEqual([...ScalingStandardsChecks.RULE_IDS].sort());
    expect(new ScalingStandardsChecks().ruleIds?.sort()).toEqual(ids);
  });

  test.each([0, -1, 2.5, Number.NaN])('rejects maxCapacityLimit %p', (limit) => {
    expect(() => new ScalingStandardsChecks(undefined, { maxCapacityLimit: limit })).toThrow(/maxCapacityLimit \(.*\) must be a positive integer/);
  });

  test('rejects empty metric names', () => {
    expect(() => new ScalingStandardsChecks(undefined, { requiredGroupAlarmMetrics: [''] })).toThrow(/requiredGroupAlarmMetrics/);
    expect(() => new ScalingStandardsChecks(undefined, { requiredTargetGroupAlarmMetrics: [' '] })).toThrow(/requiredTargetGroupAlarmMetrics/);
    expect(() => new ScalingStandardsChecks(undefined, { requiredScalerFunctionAlarmMetrics: [''] })).toThrow(/requiredScalerFunctionAlarmMetrics/);
  });

  test('Scaling-MaxCapacityLimit holds exactly when MaxSize <= limit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 10000 }), (limit, max) => {
        const app = new App();
        const group = new autoscaling.CfnAutoScalingGroup(new Stack(app, 'S'), 'G', { minSize: '0', maxSize: String(max) });
        const result = scalingRules.maxCapacityWithinLimit(limit)(group);
        return result === (max <= limit ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT);
      }),
      { numRuns: 200 },
    );
  });
});
