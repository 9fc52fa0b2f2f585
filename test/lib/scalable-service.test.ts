import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_SCALING_POLICIES, ScalableService, type ScalableServiceProps, ScalingPolicy } from '../../lib';
import { importedVpc } from '../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Service', { env: ENV });
  const vpc = importedVpc(stack);
  return { app, stack, vpc };
}

function service(props: Partial<ScalableServiceProps> = {}) {
  const f = fixture();
  const svc = new ScalableService(f.stack, 'Web', { vpc: f.vpc, ...props });
  return { ...f, svc };
}

describe('ScalableService with only a VPC', () => {
  let template: Template;
  let svc: ScalableService;

  beforeAll(() => {
    const f = fixture();
    svc = new ScalableService(f.stack, 'Web', { vpc: f.vpc });
    Validations.of(f.app).addPlugins(new AwsSolutionsChecks(f.app));
    // Synthesizing the app runs cdk-nag: unacknowledged findings throw here.
    const assembly = f.app.synth();
    template = Template.fromJSON(assembly.getStackByName(f.stack.stackName).template);
  });

  test('composes a group, a load balancer with target group, alarms, anomaly detector, dashboard and topic; no budget', () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.resourceCountIs('AWS::CloudWatch::AnomalyDetector', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::Budgets::Budget', 0);
    expect(svc.budget).toBeUndefined();
  });

  test('the group is registered with the target group, uses ELB health checks and has no DesiredCapacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('LoadDistributionTargetGroup') }],
      DesiredCapacity: Match.absent(),
      NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: Match.stringLikeRegexp('AlertsTopic') } })],
    });
  });

  test('default policies: target tracking on CPU 50% and on 1000 requests per target', () => {
    expect(svc.policies).toEqual([...DEFAULT_SCALING_POLICIES]);
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 1000,
      },
    });
  });

  test('every monitoring alarm and the unhealthy-host alarm notify the alert topic', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const names = Object.keys(alarms);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      expect(alarms[name].Properties.AlarmActions).toEqual([expect.objectContaining({ Ref: expect.stringMatching(/AlertsTopic/) })]);
    }
    expect(svc.monitor.alarms).toContain(svc.loadDistribution.unhealthyHostsAlarm);
  });

  test('the alert key lets the Auto Scaling service-linked role encrypt notifications, by condition', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAutoScalingNotifications',
            Principal: { AWS: '*' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: {
              StringEquals: {
                'kms:CallerAccount': '123456789012',
                'aws:PrincipalArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
                    ],
                  ],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('exposes what scalers plug into: group, load metric (RequestCount Sum per minute), topic, dashboard', () => {
    expect(svc.autoScalingGroup).toBe(svc.scalingGroup!.autoScalingGroup);
    expect(svc.loadMetric.metricName).toBe('RequestCount');
    expect(svc.loadMetric.statistic).toBe('Sum');
    expect(svc.loadMetric.period.toSeconds()).toBe(60);
    expect(svc.topic).toBe(svc.alertTopic.topic);
    expect(svc.dashboard).toBe(svc.monitor.dashboard);
  });
});

describe('ScalableService options', () => {
  test('a budget is created when a limit is given, notifying the alert topic', () => {
    const { stack, svc } = service({ budget: { limit: 300 } });
    expect(svc.budget?.limit).toBe(300);
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: 300, Unit: 'USD' } }),
    });
  });

  test('capacity, policies, thresholds and monitoring options reach the parts', () => {
    const { stack, svc } = service({
      capacity: { minCapacity: 3, maxCapacity: 12, instanceType: new ec2.InstanceType('t3.small') },
      policies: [
        ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 45 }),
        ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '7', minute: '0' }), minCapacity: 6 }),
      ],
      costOptimizer: {
        vertical: {
          instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
          lowerUtilizationPercent: 20,
          upperUtilizationPercent: 70,
          evaluationWindow: Duration.hours(24),
          minInterval: Duration.hours(24),
        },
      },
      thresholds: { cpuHighPercent: 75 },
      monitoring: { dashboardName: 'web-dash', alertEmails: ['ops@example.com'] },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '12' });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 't3.small' }) });
    t.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 1);
    t.resourceCountIs('AWS::AutoScaling::ScheduledAction', 1);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'web-dash' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 75 });
    expect(svc.verticalScaling?.instanceTypes.map(String)).toEqual(['t3.small', 't3.medium']);
    expect(svc.policies.map((p) => p.type)).toEqual(['horizontal', 'horizontal']);
  });

  test('costOptimizer.vertical without the cost optimizer that executes it is named in a warning', () => {
    const vertical = {
      instanceTypes: [new ec2.InstanceType('t3.micro'), new ec2.InstanceType('t3.small')],
      lowerUtilizationPercent: 20,
      upperUtilizationPercent: 70,
      evaluationWindow: Duration.hours(24),
      minInterval: Duration.hours(24),
    };
    const warning = Match.stringLikeRegexp(
      'costOptimizer.vertical configures a vertical policy but the cost optimizer, which executes it, is not deployed',
    );
    const without = service({ policies: [...DEFAULT_SCALING_POLICIES], costOptimizer: { vertical } });
    Annotations.fromStack(without.stack).hasWarning('/Service/Web', warning);
    const withBudget = service({ policies: [...DEFAULT_SCALING_POLICIES], costOptimizer: { vertical }, budget: { limit: 300 } });
    expect(withBudget.svc.costOptimizer).toBeDefined();
    Annotations.fromStack(withBudget.stack).hasNoWarning('/Service/Web', warning);
  });

  test('scalingNotifications: false leaves the group without notifications', () => {
    const { stack } = service({ monitoring: { scalingNotifications: false } });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { NotificationConfigurations: Match.absent() });
  });
});

describe('ScalableService validation: one test per message', () => {
  const vertical = (instanceTypes: string[]) => ({
    instanceTypes: instanceTypes.map((t) => new ec2.InstanceType(t)),
    lowerUtilizationPercent: 20,
    upperUtilizationPercent: 70,
    evaluationWindow: Duration.hours(24),
    minInterval: Duration.hours(24),
  });

  test.each<[string, Partial<ScalableServiceProps>, RegExp]>([
    ['capacity min > max', { capacity: { minCapacity: 8, maxCapacity: 4 } }, /minCapacity \(8\) must be <= maxCapacity \(4\)/],
    [
      'scheduled min above the group max',
      { policies: [ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '7' }), minCapacity: 9 })] },
      /policies\[0\] \(scheduled\) minCapacity \(9\) must be <= capacity.maxCapacity \(6\) unless the action also raises maxCapacity/,
    ],
    [
      'scheduled max below the group min',
      {
        capacity: { minCapacity: 4, maxCapacity: 8 },
        policies: [ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '7' }), maxCapacity: 2 })],
      },
      /policies\[0\] \(scheduled\) maxCapacity \(2\) must be >= capacity.minCapacity \(4\) unless the action also lowers minCapacity/,
    ],
    [
      'CPU alarm at or below the CPU target',
      { thresholds: { cpuHighPercent: 60 }, policies: [ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 60 })] },
      /thresholds.cpuHighPercent \(60\) must be above the CPU target of policies\[0\] \(targetUtilizationPercent 60\)/,
    ],
    [
      'instance type not on the ladder',
      { costOptimizer: { vertical: vertical(['t3.small', 't3.medium']) } },
      /capacity.instanceType \(t3.micro\) must be one of costOptimizer.vertical.instanceTypes \[t3.small, t3.medium\]/,
    ],
    ['budget limit 0', { budget: { limit: 0 } }, /limit must be > 0 USD, got 0 USD/],
    [
      'CPU band without a CPU policy',
      {
        budget: { limit: 300 },
        policies: [ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 })],
        costOptimizer: { targetUtilizationBand: { maxPercent: 70 } },
      },
      /costOptimizer.targetUtilizationBand needs exactly one CPU target tracking policy \(ScalingPolicy.targetTrackingCpu\) in policies, got 0/,
    ],
    [
      'CPU band at or below the CPU target',
      { budget: { limit: 300 }, costOptimizer: { targetUtilizationBand: { maxPercent: 50 } } },
      /costOptimizer.targetUtilizationBand.maxPercent \(50\) must be above the CPU target of policies\[0\] \(targetUtilizationPercent 50\)/,
    ],
  ])('%s', (_name, props, message) => {
    expect(() => service(props)).toThrow(message);
  });

  test('a budget without its limit is named', () => {
    expect(() => service({ budget: {} as never })).toThrow(/budget.limit is required when budget is given/);
  });

  test('missing vpc is named', () => {
    const { stack } = fixture();
    expect(() => new ScalableService(stack, 'Web', {} as ScalableServiceProps)).toThrow(/ScalableService: vpc is required/);
  });
});
