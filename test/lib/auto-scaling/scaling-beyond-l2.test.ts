/**
 * What the package adds to aws-cdk-lib's L2 (issue 24): target tracking on any metric or metric
 * math with 10/30/60 s periods, the instance maintenance policy, the Availability Zone impairment
 * policy and the Capacity Reservation preference on `capacity`, and the alarm names the cost
 * optimizer's vertical step rolls its instance refresh back on. Synthesized under AwsSolutions
 * and the standards pack.
 */
import { App, type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CapacityReservationPreference,
  CostOptimizerMode,
  ImpairedZoneHealthCheckBehavior,
  ScalableService,
  ScalingGroup,
  type ScalingGroupOptions,
  ScalingPolicy,
  ScalingStandardsChecks,
} from '../../../lib';
import { importedVpc } from '../../support/imported-vpc';
import { ruleIdsOn } from '../standards/findings';

const ENV = { account: '123456789012', region: 'us-east-1' };
const queueDepth = new cloudwatch.Metric({
  namespace: 'Web',
  metricName: 'QueueDepthPerInstance',
  dimensionsMap: { Service: 'web' },
  statistic: 'Average',
  period: Duration.seconds(10),
});
const ratio = new cloudwatch.MathExpression({
  expression: 'm1 / m2',
  label: 'requests per instance',
  usingMetrics: {
    m1: new cloudwatch.Metric({ namespace: 'Web', metricName: 'Requests', statistic: 'Sum' }),
    m2: new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { AutoScalingGroupName: 'web' },
      statistic: 'Average',
    }),
  },
});

describe('a ScalableService with everything the L2 lacks, under AwsSolutions and ScalingStandardsChecks', () => {
  let template: Template;
  let svc: ScalableService;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'BeyondL2', { env: ENV });
    svc = new ScalableService(stack, 'Web', {
      vpc: importedVpc(stack),
      capacity: {
        minCapacity: 2,
        maxCapacity: 8,
        instanceType: new ec2.InstanceType('m5.xlarge'),
        minHealthyPercentage: 90,
        maxHealthyPercentage: 120,
        availabilityZoneImpairmentPolicy: {
          zonalShiftEnabled: true,
          impairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY,
        },
        capacityReservation: { preference: CapacityReservationPreference.CAPACITY_RESERVATIONS_FIRST },
        instanceRefreshOnDeploy: { bakeTime: Duration.minutes(5) },
        // the deploy's alarm: a literal name (the group's UpdatePolicy names it), on a metric of the application
      },
      policies: [
        ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
        ScalingPolicy.targetTrackingMetric({ metric: queueDepth, targetValue: 20 }),
        ScalingPolicy.targetTrackingMetric({ metric: ratio, targetValue: 900, period: Duration.seconds(60), cooldown: Duration.minutes(3) }),
      ],
      predictiveScaler: { enabled: false },
      budget: { limit: 1000 },
      costOptimizer: {
        mode: CostOptimizerMode.DRY_RUN,
        vertical: {
          instanceTypes: [new ec2.InstanceType('m5.large'), new ec2.InstanceType('m5.xlarge'), new ec2.InstanceType('m5.2xlarge')],
          lowerUtilizationPercent: 20,
          upperUtilizationPercent: 70,
          evaluationWindow: Duration.hours(24),
          minInterval: Duration.days(7),
        },
      },
    });
    svc.scalingGroup!.addDeployAlarm(
      new cloudwatch.Alarm(stack, 'ErrorBudgetAlarm', {
        alarmName: 'web-error-budget-burn',
        metric: new cloudwatch.Metric({ namespace: 'Web', metricName: 'ErrorBudgetBurnRate', statistic: 'Maximum' }),
        threshold: 10,
        evaluationPeriods: 1,
      }),
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app));
    // Findings of either pack throw here.
    template = Template.fromJSON(app.synth().getStackByName(stack.stackName).template);
  });

  test('the group has InstanceMaintenancePolicy, AvailabilityZoneImpairmentPolicy and CapacityReservationSpecification', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      InstanceMaintenancePolicy: { MinHealthyPercentage: 90, MaxHealthyPercentage: 120 },
      AvailabilityZoneImpairmentPolicy: { ZonalShiftEnabled: true, ImpairedZoneHealthCheckBehavior: 'ReplaceUnhealthy' },
      CapacityReservationSpecification: { CapacityReservationPreference: 'capacity-reservations-first' },
    });
  });

  test("a deploy that changes the launch template: CloudFormation's AutoScalingInstanceRefresh with its alarm, no rolling update", () => {
    const group = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0];
    expect(group.UpdatePolicy.AutoScalingRollingUpdate).toBeUndefined();
    expect(group.UpdatePolicy.AutoScalingScheduledAction).toEqual({ IgnoreUnmodifiedGroupSizeProperties: true });
    expect(group.UpdatePolicy.AutoScalingInstanceRefresh).toMatchObject({
      Strategy: 'Rolling',
      Preferences: { SkipMatching: true, CheckpointPercentages: [50, 100], CheckpointDelay: 600, BakeTime: 300 },
    });
    expect(group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences.AlarmSpecification).toEqual({ Alarms: ['web-error-budget-burn'] });
  });

  test('a 10-second metric: a target tracking MetricStat with Period 10', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 300,
      TargetTrackingConfiguration: {
        TargetValue: 20,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'm1',
              MetricStat: {
                Metric: { Namespace: 'Web', MetricName: 'QueueDepthPerInstance', Dimensions: [{ Name: 'Service', Value: 'web' }] },
                Stat: 'Average',
                Period: 10,
              },
              ReturnData: true,
            },
          ],
        },
      },
    });
  });

  test('an m1 / m2 expression: its metrics (ReturnData false) and the metric-math Expression (ReturnData true)', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      EstimatedInstanceWarmup: 180,
      TargetTrackingConfiguration: {
        TargetValue: 900,
        CustomizedMetricSpecification: {
          Metrics: [
            { Id: 'm1', MetricStat: { Metric: { Namespace: 'Web', MetricName: 'Requests' }, Stat: 'Sum', Period: 60 }, ReturnData: false },
            {
              Id: 'm2',
              MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }), Period: 60 }),
              ReturnData: false,
            },
            { Id: 'e1', Expression: 'm1 / m2', Label: 'requests per instance', ReturnData: true },
          ],
        },
      },
    });
  });

  test("the cost optimizer gets the service's alarms for its refresh, and the maintenance policy's minimum", () => {
    expect(svc.monitor.alarms.length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REFRESH_MIN_HEALTHY_PERCENT: '90', REFRESH_ALARM_NAMES: Match.anyValue() }) },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((r) => r.Properties?.Environment?.Variables?.REFRESH_ALARM_NAMES);
    const names = JSON.stringify(fn!.Properties.Environment.Variables.REFRESH_ALARM_NAMES);
    expect(names).toContain('CpuHighAlarm');
    expect(svc.monitor.requestAnomalyAlarm).toBeDefined();
    expect(names).not.toContain('RequestCountAnomalyAlarm');
  });
});

describe('validation: errors name the prop and the value', () => {
  const make = (capacity: ScalingGroupOptions) => {
    const stack = new Stack(new App(), 'V', { env: ENV });
    return () => new ScalingGroup(stack, 'G', { vpc: importedVpc(stack), ...capacity });
  };
  test.each<[string, ScalingGroupOptions, RegExp]>([
    ['min without max', { minHealthyPercentage: 90 }, /minHealthyPercentage and maxHealthyPercentage are set together.*90 and unset/],
    ['min above 100', { minHealthyPercentage: 101, maxHealthyPercentage: 150 }, /minHealthyPercentage must be an integer from 0 to 100, got 101/],
    ['max below 100', { minHealthyPercentage: 50, maxHealthyPercentage: 99 }, /maxHealthyPercentage must be an integer from 100 to 200, got 99/],
    [
      'range over 100',
      { minHealthyPercentage: 0, maxHealthyPercentage: 150 },
      /maxHealthyPercentage \(150\) - minHealthyPercentage \(0\) must be at most 100/,
    ],
    [
      'a behaviour string of another spelling',
      {
        availabilityZoneImpairmentPolicy: {
          zonalShiftEnabled: true,
          impairedZoneHealthCheckBehavior: 'REPLACE_UNHEALTHY' as ImpairedZoneHealthCheckBehavior,
        },
      },
      /availabilityZoneImpairmentPolicy.impairedZoneHealthCheckBehavior must be one of 'ReplaceUnhealthy', 'IgnoreUnhealthy', got 'REPLACE_UNHEALTHY'/,
    ],
    [
      'a preference string of another spelling',
      { capacityReservation: { preference: 'first' as CapacityReservationPreference } },
      /capacityReservation.preference must be one of .* got 'first'/,
    ],
    [
      'a target with preference none',
      { capacityReservation: { preference: CapacityReservationPreference.NONE, capacityReservationIds: ['cr-0123456789abcdef0'] } },
      /capacityReservation: a target .* needs preference 'capacity-reservations-only' or 'capacity-reservations-first', got 'none'/,
    ],
    [
      'a deploy refresh with an update policy',
      { instanceRefreshOnDeploy: {}, updatePolicy: autoscaling.UpdatePolicy.rollingUpdate() },
      /instanceRefreshOnDeploy and updatePolicy are exclusive/,
    ],
    [
      'a deploy alarm with a generated name',
      { instanceRefreshOnDeploy: { alarms: [new cloudwatch.Alarm(new Stack(), 'A', { metric: queueDepth, threshold: 1, evaluationPeriods: 1 })] } },
      /instanceRefreshOnDeploy.alarms: the alarm Default\/A has a generated name; give it an alarmName/,
    ],
    [
      'checkpoints not ascending',
      { instanceRefreshOnDeploy: { checkpointPercentages: [60, 30] } },
      /instanceRefreshOnDeploy.checkpointPercentages must be ascending integers from 1 to 100, got \[60, 30\]/,
    ],
    [
      'a reservation id that is not one',
      { capacityReservation: { preference: CapacityReservationPreference.CAPACITY_RESERVATIONS_ONLY, capacityReservationIds: ['reservation-1'] } },
      /capacityReservation.capacityReservationIds must be Capacity Reservation ids .* got 'reservation-1'/,
    ],
  ])('%s', (_name, capacity, message) => {
    expect(make(capacity)).toThrow(message);
  });

  test("CloudFormation's strings work for a plain JavaScript caller; reservation ids and resource groups are the target", () => {
    const stack = new Stack(new App(), 'Js', { env: ENV });
    new ScalingGroup(stack, 'G', {
      vpc: importedVpc(stack),
      availabilityZoneImpairmentPolicy: {
        zonalShiftEnabled: false,
        impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' as ImpairedZoneHealthCheckBehavior,
      },
      capacityReservation: {
        preference: 'capacity-reservations-only' as CapacityReservationPreference,
        capacityReservationIds: ['cr-0123456789abcdef0'],
        capacityReservationResourceGroupArns: ['arn:aws:resource-groups:us-east-1:123456789012:group/reserved'],
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AvailabilityZoneImpairmentPolicy: { ZonalShiftEnabled: false, ImpairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' },
      CapacityReservationSpecification: {
        CapacityReservationPreference: 'capacity-reservations-only',
        CapacityReservationTarget: {
          CapacityReservationIds: ['cr-0123456789abcdef0'],
          CapacityReservationResourceGroupArns: ['arn:aws:resource-groups:us-east-1:123456789012:group/reserved'],
        },
      },
    });
  });

  test.each<[string, () => unknown, RegExp]>([
    [
      'a 5-minute period',
      () => ScalingPolicy.targetTrackingMetric({ metric: queueDepth, targetValue: 1, period: Duration.minutes(5) }),
      /period must be 10, 30 or 60 seconds .* got 300 seconds/,
    ],
    [
      'a 20-second period',
      () => ScalingPolicy.targetTrackingMetric({ metric: queueDepth, targetValue: 1, period: Duration.seconds(20) }),
      /period must be 10, 30 or 60 seconds .* got 20 seconds/,
    ],
    ['a target of 0', () => ScalingPolicy.targetTrackingMetric({ metric: queueDepth, targetValue: 0 }), /targetValue must be a number > 0, got 0/],
  ])('targetTrackingMetric: %s', (_name, f, message) => {
    expect(f).toThrow(message);
  });

  test("targetTrackingMetric: a metric of another account is refused at bind, naming it; a Metric's default 5-minute period becomes 60 s", () => {
    const stack = new Stack(new App(), 'M', { env: ENV });
    const g = new ScalingGroup(stack, 'G', { vpc: importedVpc(stack) });
    const other = new cloudwatch.Metric({ namespace: 'Web', metricName: 'Depth', account: '210987654321' });
    expect(() => g.addPolicy(ScalingPolicy.targetTrackingMetric({ metric: other, targetValue: 5 }))).toThrow(
      /metric: Web\/Depth is in account 210987654321, but target tracking reads metrics of the group's own account and Region only/,
    );
    const plain = ScalingPolicy.targetTrackingMetric({ metric: new cloudwatch.Metric({ namespace: 'Web', metricName: 'Depth' }), targetValue: 5 });
    expect(plain.period.toSeconds()).toBe(60);
  });

  test('the standards pack counts a targetTrackingMetric policy as the scaling policy of a group', () => {
    const warnings = (withPolicy: boolean) => {
      const stack = new Stack(new App(), 'Pack', { env: ENV });
      const g = new ScalingGroup(stack, 'G', { vpc: importedVpc(stack), minCapacity: 1, maxCapacity: 4 });
      if (withPolicy) g.addPolicy(ScalingPolicy.targetTrackingMetric({ metric: ratio, targetValue: 100 }));
      return ruleIdsOn(g.autoScalingGroup.node.defaultChild as CfnResource);
    };
    expect(warnings(false)).toContain('Scaling-ScalingPolicy'); // the control: a group with room to scale and no policy
    expect(warnings(true)).not.toContain('Scaling-ScalingPolicy');
  });
});
