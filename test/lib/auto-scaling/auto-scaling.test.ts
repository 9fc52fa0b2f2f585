import { App, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  NativePredictiveScalingMaxCapacityBreachBehavior,
  NativePredictiveScalingMetric,
  NativePredictiveScalingMode,
  ScalingGroup,
  type ScalingGroupProps,
  ScalingPolicy,
  type VerticalScalingConfig,
} from '../../../lib';
import { CostOptimizer } from '../../../lib/resource-management/cost-optimizer';
import { ScalingBudget } from '../../../lib/resource-management/scaling-budget';
import { BudgetScope } from '../../../lib/resource-management/budget-scope';
import { importedVpc } from '../../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Scaling', { env: ENV });
  const vpc = importedVpc(stack);
  return { app, stack, vpc };
}

/** A target group behind an ALB listener, made with plain aws-cdk-lib (independent of LoadDistribution). */
function targetGroup(stack: Stack, vpc: ec2.IVpc): elbv2.ApplicationTargetGroup {
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: false });
  const tg = new elbv2.ApplicationTargetGroup(stack, 'TargetGroup', { vpc, port: 80, targetType: elbv2.TargetType.INSTANCE });
  alb.addListener('Http', { port: 80, open: false, defaultTargetGroups: [tg] });
  return tg;
}

function group(props: Partial<ScalingGroupProps> = {}) {
  const f = fixture();
  const scalingGroup = new ScalingGroup(f.stack, 'Web', { vpc: f.vpc, ...props });
  return { ...f, scalingGroup };
}

const ladder: VerticalScalingConfig = {
  instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.hours(24),
  minInterval: Duration.hours(12),
};

describe('ScalingGroup with every policy kind', () => {
  let template: Template;
  let scalingGroup: ScalingGroup;
  let tg: elbv2.ApplicationTargetGroup;

  beforeAll(() => {
    const f = fixture();
    const topic = new sns.Topic(f.stack, 'Topic');
    scalingGroup = new ScalingGroup(f.stack, 'Web', {
      vpc: f.vpc,
      minCapacity: 2,
      maxCapacity: 8,
      defaultInstanceWarmup: Duration.minutes(4),
      healthCheckGracePeriod: Duration.minutes(6),
      notificationTopic: topic,
    });
    tg = targetGroup(f.stack, f.vpc);
    scalingGroup.attachToTargetGroup(tg);
    scalingGroup.addPolicy(ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 55 }), 'Cpu');
    scalingGroup.addPolicy(ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 900, cooldown: Duration.minutes(2) }), 'Requests');
    scalingGroup.addPolicy(
      ScalingPolicy.step({
        metric: tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: Duration.minutes(1) }),
        steps: [
          { upper: 1, change: -1 },
          { lower: 10, change: 1 },
          { lower: 50, change: 3 },
        ],
        cooldown: Duration.minutes(3),
      }),
      'Errors',
    );
    scalingGroup.addPolicy(
      ScalingPolicy.simple({
        metric: tg.metrics.targetResponseTime({ statistic: 'p99' }),
        threshold: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        adjustment: 2,
        cooldown: Duration.minutes(7),
      }),
      'Latency',
    );
    scalingGroup.addPolicy(
      ScalingPolicy.scheduled({
        schedule: autoscaling.Schedule.cron({ hour: '8', minute: '0', weekDay: 'MON-FRI' }),
        minCapacity: 4,
        timeZone: 'Europe/Berlin',
      }),
      'Morning',
    );
    scalingGroup.addPolicy(
      ScalingPolicy.nativePredictive({
        metric: NativePredictiveScalingMetric.albRequestCount(),
        targetValue: 900,
        mode: NativePredictiveScalingMode.FORECAST_AND_SCALE,
        schedulingBuffer: Duration.minutes(10),
        maxCapacityBreachBehavior: NativePredictiveScalingMaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY,
        maxCapacityBuffer: 20,
      }),
      'Predictive',
    );
    template = Template.fromStack(f.stack);
  });

  test('the group has MinSize/MaxSize and never DesiredCapacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '8',
      DesiredCapacity: Match.absent(),
    });
  });

  test('default instance warmup, group metrics, cooldown, notifications', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      DefaultInstanceWarmup: 240,
      Cooldown: '300',
      MetricsCollection: [{ Granularity: '1Minute' }],
      NotificationConfigurations: [
        Match.objectLike({
          NotificationTypes: Match.arrayWith(['autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE']),
        }),
      ],
      VPCZoneIdentifier: ['subnet-0a1b2c3d4e5f60003', 'subnet-0a1b2c3d4e5f60004'],
    });
  });

  test('attached to the target group: ELB health check with the grace period', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 360,
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('^TargetGroup') }],
    });
    expect(scalingGroup.targetGroup).toBe(tg);
  });

  test('rolling update keeps minCapacity in service and ignores size properties the scalers changed', () => {
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: {
        AutoScalingRollingUpdate: Match.objectLike({ MaxBatchSize: 1, MinInstancesInService: 2 }),
        AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
      },
    });
  });

  test('launch template: IMDSv2 required, encrypted gp3 root volume, detailed monitoring, AL2023', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 20, DeleteOnTermination: true } }],
        Monitoring: { Enabled: true },
        InstanceType: 't3.micro',
        ImageId: { Ref: Match.stringLikeRegexp('al2023') },
      }),
    });
  });

  test('target tracking on CPU: warmup emitted as the cooldown', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 300,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 55 },
    });
  });

  test('target tracking on requests per target with the ALB resource label', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 120,
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^TargetGroup'), 'TargetGroupFullName'] }])] },
        },
        TargetValue: 900,
      },
    });
  });

  test('step scaling: upper and lower policies with the cooldown as EstimatedInstanceWarmup and their alarms', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      EstimatedInstanceWarmup: 180,
      Cooldown: Match.absent(),
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 40, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 40, ScalingAdjustment: 3 },
      ],
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      EstimatedInstanceWarmup: 180,
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HTTPCode_Target_5XX_Count',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 10,
      AlarmActions: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ErrorsUpperPolicy'), 'Arn'] }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HTTPCode_Target_5XX_Count',
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  test('simple scaling: a literal Cooldown and its alarm', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'SimpleScaling',
      Cooldown: '420',
      ScalingAdjustment: 2,
      AdjustmentType: 'ChangeInCapacity',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p99',
      Threshold: 2,
      AlarmActions: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('LatencyPolicy'), 'Arn'] }],
    });
  });

  test('scheduled action with its time zone', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 8 * * MON-FRI',
      MinSize: 4,
      TimeZone: 'Europe/Berlin',
      DesiredCapacity: Match.absent(),
    });
  });

  test('AWS native predictive scaling: typed configuration rendered to the L1 shape', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'PredictiveScaling',
      PredictiveScalingConfiguration: {
        Mode: 'ForecastAndScale',
        SchedulingBufferTime: 600,
        MaxCapacityBreachBehavior: 'IncreaseMaxCapacity',
        MaxCapacityBuffer: 20,
        MetricSpecifications: [
          {
            TargetValue: 900,
            PredefinedMetricPairSpecification: {
              PredefinedMetricType: 'ALBRequestCount',
              ResourceLabel: {
                'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^TargetGroup'), 'TargetGroupFullName'] }])],
              },
            },
          },
        ],
      },
    });
  });

  test('every policy reports type, trigger, action and cooldown; the vertical one creates no resource', () => {
    expect(scalingGroup.policies.map((p) => [p.type, p.cooldown.toSeconds()])).toEqual([
      ['horizontal', 300],
      ['horizontal', 120],
      ['horizontal', 180],
      ['horizontal', 420],
      ['horizontal', 0],
      ['horizontal', 0],
    ]);
    expect(scalingGroup.policies.map((p) => p.trigger)).toEqual([
      'average CPU utilization of the group away from 55%',
      'ALB requests per target per minute away from 900',
      'step alarms on AWS/ApplicationELB/HTTPCode_Target_5XX_Count (Sum)',
      'AWS/ApplicationELB/TargetResponseTime (p99) GreaterThanThreshold 2',
      'schedule 0 8 * * MON-FRI (Europe/Berlin)',
      'hourly forecast of the ALB request count (AWS predictive scaling)',
    ]);
    expect(scalingGroup.policies[4].action).toBe("set the group's min 4");
    expect(scalingGroup.policies[2].action).toBe('change capacity by step (ChangeInCapacity): [-inf, 1) -> -1, [10, 50) -> +1, [50, +inf) -> +3');
    // 1 CPU + 1 requests + 2 step + 1 simple + 1 predictive
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 6);
  });
});

describe('ScalingGroup defaults and options', () => {
  test('synthesizes with only a VPC: EC2 health check until attached, t3.micro, min 2, max 6', () => {
    const { stack } = group();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '6',
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
      DefaultInstanceWarmup: 180,
      DesiredCapacity: Match.absent(),
      TerminationPolicies: ['OldestLaunchTemplate', 'Default'],
    });
  });

  test('an ARM instance type gets the arm64 Amazon Linux 2023 image', () => {
    const { stack } = group({ instanceType: new ec2.InstanceType('t4g.small') });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 't4g.small', ImageId: { Ref: Match.stringLikeRegexp('arm64') } }),
    });
  });

  test('maxCapacity follows a larger minCapacity by default', () => {
    const { stack } = group({ minCapacity: 9 });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '9', MaxSize: '9' });
  });

  test('attaching by targetGroup.addTarget (as LoadDistribution does) also switches to ELB health checks', () => {
    const { stack, vpc, scalingGroup } = group();
    const tg = targetGroup(stack, vpc);
    tg.addTarget(scalingGroup.autoScalingGroup);
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { HealthCheckType: 'ELB' });
    expect(scalingGroup.targetGroup).toBe(tg);
  });

  test('a second target group is attached but a warning names the one request-count policies use', () => {
    const { stack, vpc, scalingGroup } = group();
    const tg = targetGroup(stack, vpc);
    scalingGroup.attachToTargetGroup(tg);
    const other = new elbv2.ApplicationTargetGroup(stack, 'Other', { vpc, port: 8080, targetType: elbv2.TargetType.INSTANCE });
    scalingGroup.attachToTargetGroup(other);
    Annotations.fromStack(stack).hasWarning('/Scaling/Web', Match.stringLikeRegexp('more than one target group'));
  });

  test('rootVolumeSize is emitted', () => {
    const { stack } = group({ rootVolumeSize: Size.gibibytes(50) });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 50 }) })] }),
    });
  });

  test('a request-count policy without a target group fails and says how to fix it', () => {
    const { scalingGroup } = group();
    expect(() => scalingGroup.addPolicy(ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 100 }))).toThrow(
      /needs the group to be registered with an ALB target group \(targetGroup\)/,
    );
  });

  test('native predictive on CPU needs no target group', () => {
    const { stack, scalingGroup } = group();
    scalingGroup.addPolicy(ScalingPolicy.nativePredictive({ metric: NativePredictiveScalingMetric.cpuUtilization(), targetValue: 40 }));
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PredictiveScalingConfiguration: {
        Mode: 'ForecastOnly',
        MaxCapacityBreachBehavior: 'HonorMaxCapacity',
        MaxCapacityBuffer: Match.absent(),
        SchedulingBufferTime: Match.absent(),
        MetricSpecifications: [{ TargetValue: 40, PredefinedMetricPairSpecification: { PredefinedMetricType: 'ASGCPUUtilization' } }],
      },
    });
  });

  test('native predictive on a custom metric pair renders metric data queries', () => {
    const { stack, scalingGroup } = group();
    const load = new cloudwatch.Metric({ namespace: 'App', metricName: 'Jobs', dimensionsMap: { Queue: 'q1' }, statistic: 'Sum' });
    const perInstance = new cloudwatch.Metric({ namespace: 'App', metricName: 'JobsPerInstance', statistic: 'Average' });
    scalingGroup.addPolicy(
      ScalingPolicy.nativePredictive({
        metric: NativePredictiveScalingMetric.custom({ loadMetric: load, scalingMetric: perInstance }),
        targetValue: 25,
      }),
    );
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PredictiveScalingConfiguration: Match.objectLike({
        MetricSpecifications: [
          {
            TargetValue: 25,
            CustomizedLoadMetricSpecification: {
              MetricDataQueries: [
                {
                  Id: 'load',
                  ReturnData: true,
                  MetricStat: { Metric: { Namespace: 'App', MetricName: 'Jobs', Dimensions: [{ Name: 'Queue', Value: 'q1' }] }, Stat: 'Sum' },
                },
              ],
            },
            CustomizedScalingMetricSpecification: {
              MetricDataQueries: [
                { Id: 'scaling', ReturnData: true, MetricStat: { Metric: { Namespace: 'App', MetricName: 'JobsPerInstance' }, Stat: 'Average' } },
              ],
            },
          },
        ],
      }),
    });
  });
});

describe('validation: one test per message', () => {
  test.each<[string, Partial<ScalingGroupProps>, RegExp]>([
    ['min > max', { minCapacity: 5, maxCapacity: 3 }, /minCapacity \(5\) must be <= maxCapacity \(3\)/],
    ['negative min', { minCapacity: -1, maxCapacity: 3 }, /minCapacity must be >= 0, got -1/],
    ['max 0', { minCapacity: 0, maxCapacity: 0 }, /maxCapacity must be >= 1, got 0/],
    ['fractional capacity', { minCapacity: 1.5 }, /minCapacity must be an integer, got 1.5/],
    ['warmup over an hour', { defaultInstanceWarmup: Duration.hours(2) }, /defaultInstanceWarmup must be in \[0 seconds, 1 hour\], got 2 hours/],
    ['grace over two hours', { healthCheckGracePeriod: Duration.hours(3) }, /healthCheckGracePeriod must be in \[0 seconds, 2 hours\], got 3 hours/],
    ['zero group cooldown', { cooldown: Duration.seconds(0) }, /cooldown must be in \[1 second, 1 day\], got 0 seconds/],
    [
      'root volume too large',
      { rootVolumeSize: Size.tebibytes(20) },
      /rootVolumeSize must be a whole number of GiB between 1 and 16384, got 20480 GiB/,
    ],
  ])('ScalingGroup: %s', (_name, props, message) => {
    expect(() => group(props)).toThrow(message);
  });

  test('ScalingGroup: missing vpc', () => {
    const { stack } = fixture();
    expect(() => new ScalingGroup(stack, 'G', {} as ScalingGroupProps)).toThrow(/vpc is required/);
  });

  test.each<[string, () => unknown, RegExp]>([
    [
      'CPU target above 100',
      () => ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 120 }),
      /targetUtilizationPercent must be in \(0, 100\], got 120/,
    ],
    ['CPU target 0', () => ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 0 }), /targetUtilizationPercent must be in \(0, 100\], got 0/],
    [
      'zero cooldown',
      () => ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50, cooldown: Duration.seconds(0) }),
      /cooldown must be > 0 seconds, got 0 seconds/,
    ],
    [
      'negative request target',
      () => ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: -5 }),
      /targetRequestsPerMinute must be in \(0, /,
    ],
    [
      'one step',
      () => ScalingPolicy.step({ metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }), steps: [{ lower: 1, change: 1 }] }),
      /steps must have between 2 and 40 intervals, got 1/,
    ],
    [
      'step without bounds',
      () =>
        ScalingPolicy.step({ metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }), steps: [{ change: 1 }, { lower: 5, change: 2 }] }),
      /steps\[0\] needs lower or upper/,
    ],
    [
      'step lower >= upper',
      () =>
        ScalingPolicy.step({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          steps: [
            { lower: 5, upper: 5, change: 1 },
            { lower: 9, change: 2 },
          ],
        }),
      /steps\[0\]\.lower \(5\) must be < steps\[0\]\.upper \(5\)/,
    ],
    [
      'step zero cooldown',
      () =>
        ScalingPolicy.step({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          steps: [
            { upper: 0, change: -1 },
            { lower: 5, change: 1 },
          ],
          cooldown: Duration.seconds(0),
        }),
      /cooldown must be > 0 seconds, got 0 seconds/,
    ],
    [
      'step minimum magnitude without percent',
      () =>
        ScalingPolicy.step({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          steps: [
            { upper: 0, change: -1 },
            { lower: 5, change: 1 },
          ],
          minAdjustmentMagnitude: 2,
        }),
      /minAdjustmentMagnitude \(2\) applies only with adjustmentType PERCENT_CHANGE_IN_CAPACITY, got ChangeInCapacity/,
    ],
    [
      'step minimum magnitude 0',
      () =>
        ScalingPolicy.step({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          steps: [
            { upper: 0, change: -10 },
            { lower: 5, change: 10 },
          ],
          adjustmentType: autoscaling.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
          minAdjustmentMagnitude: 0,
        }),
      /minAdjustmentMagnitude must be >= 1, got 0$/,
    ],
    [
      'datapoints above periods',
      () =>
        ScalingPolicy.step({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          steps: [
            { upper: 0, change: -1 },
            { lower: 5, change: 1 },
          ],
          evaluationPeriods: 2,
          datapointsToAlarm: 3,
        }),
      /datapointsToAlarm must be in \[1, 2\], got 3/,
    ],
    [
      'simple adjustment 0',
      () =>
        ScalingPolicy.simple({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          adjustment: 0,
        }),
      /adjustment must not be 0/,
    ],
    [
      'simple zero cooldown',
      () =>
        ScalingPolicy.simple({
          metric: new cloudwatch.Metric({ namespace: 'A', metricName: 'B' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          adjustment: 1,
          cooldown: Duration.seconds(0),
        }),
      /cooldown must be > 0 seconds, got 0 seconds/,
    ],
    [
      'scheduled without sizes',
      () => ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }) }),
      /needs at least one of minCapacity, maxCapacity or desiredCapacity/,
    ],
    [
      'scheduled min > max',
      () => ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }), minCapacity: 4, maxCapacity: 2 }),
      /minCapacity \(4\) must be <= maxCapacity \(2\)/,
    ],
    [
      'scheduled desired below min',
      () => ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }), minCapacity: 4, desiredCapacity: 2 }),
      /desiredCapacity \(2\) must be >= minCapacity \(4\)/,
    ],
    [
      'scheduled desired negative',
      () => ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }), desiredCapacity: -1 }),
      /desiredCapacity must be >= 0, got -1$/,
    ],
    [
      'scheduled desired above max',
      () => ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }), maxCapacity: 4, desiredCapacity: 5 }),
      /desiredCapacity \(5\) must be <= maxCapacity \(4\)/,
    ],
    [
      'scheduled start after end',
      () =>
        ScalingPolicy.scheduled({
          schedule: autoscaling.Schedule.cron({ hour: '1' }),
          minCapacity: 1,
          startTime: new Date('2030-01-02'),
          endTime: new Date('2030-01-01'),
        }),
      /startTime \(2030-01-02T00:00:00.000Z\) must be before endTime/,
    ],
    [
      'predictive CPU target above 100',
      () => ScalingPolicy.nativePredictive({ metric: NativePredictiveScalingMetric.cpuUtilization(), targetValue: 150 }),
      /targetValue must be in \(0, 100\], got 150/,
    ],
    [
      'predictive buffer over an hour',
      () =>
        ScalingPolicy.nativePredictive({
          metric: NativePredictiveScalingMetric.cpuUtilization(),
          targetValue: 50,
          schedulingBuffer: Duration.minutes(61),
        }),
      /schedulingBuffer must be in \[0 seconds, 1 hour\], got 61 minutes/,
    ],
    [
      'predictive max buffer without INCREASE',
      () => ScalingPolicy.nativePredictive({ metric: NativePredictiveScalingMetric.cpuUtilization(), targetValue: 50, maxCapacityBuffer: 10 }),
      /maxCapacityBuffer \(10\) applies only with maxCapacityBreachBehavior INCREASE_MAX_CAPACITY/,
    ],
    [
      'predictive max buffer over 100',
      () =>
        ScalingPolicy.nativePredictive({
          metric: NativePredictiveScalingMetric.cpuUtilization(),
          targetValue: 50,
          maxCapacityBreachBehavior: NativePredictiveScalingMaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY,
          maxCapacityBuffer: 120,
        }),
      /maxCapacityBuffer must be in \[0, 100\], got 120/,
    ],
  ])('policy: %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('scheduled: sizes given as tokens are not compared at synth time', () => {
    const fromParameter = Token.asNumber({ Ref: 'Desired' });
    expect(() =>
      ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '1' }), minCapacity: 2, maxCapacity: 8, desiredCapacity: fromParameter }),
    ).not.toThrow();
  });

  test.each<[string, Partial<VerticalScalingConfig>, RegExp]>([
    ['one instance type', { instanceTypes: [new ec2.InstanceType('t3.small')] }, /^vertical.instanceTypes must list at least 2 instance types/],
    [
      'repeated type',
      { instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.small')] },
      /^vertical.instanceTypes must not repeat an instance type, got t3.small twice/,
    ],
    [
      'lower >= upper',
      { lowerUtilizationPercent: 70, upperUtilizationPercent: 60 },
      /^vertical.lowerUtilizationPercent \(70\) must be < vertical.upperUtilizationPercent \(60\)/,
    ],
    ['upper above 100', { upperUtilizationPercent: 101 }, /^vertical.upperUtilizationPercent must be in \(0, 100\], got 101/],
    ['short window', { evaluationWindow: Duration.minutes(30) }, /^vertical.evaluationWindow must be in \[1 hour, 14 days\], got 30 minutes/],
    ['zero interval', { minInterval: Duration.seconds(0) }, /^vertical.minInterval must be in \(0 seconds, 366 days\], got 0 seconds/],
  ])('vertical (checked by the cost optimizer that executes it): %s', (_name, change, message) => {
    const { stack, scalingGroup } = group({ instanceType: new ec2.InstanceType('t3.small') });
    const budget = ScalingBudget.fromBudgetName(stack, 'Budget', 'b', { budgetScope: BudgetScope.SERVICE });
    expect(
      () => new CostOptimizer(stack, 'Cost', { autoScalingGroup: scalingGroup.autoScalingGroup, budget, vertical: { ...ladder, ...change } }),
    ).toThrow(message);
  });
});
