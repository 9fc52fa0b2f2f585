import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CostOptimizer,
  CostOptimizerMode,
  LoadMonitor,
  PredictiveScaler,
  ScalableService,
  type ScalableServiceProps,
  ScalingBudget,
  ScalingPolicy,
} from '../../lib';
import { importedVpc } from '../support/imported-vpc';

/** Every part of the service: the load balancer, both scalers, a budget, step and simple policies beside target tracking. */
function fullService(extra: Partial<ScalableServiceProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Service', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = importedVpc(stack);
  const cpu = new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average', period: Duration.minutes(1) });
  const svc = new ScalableService(stack, 'Web', {
    vpc,
    capacity: { minCapacity: 2, maxCapacity: 8, instanceType: new ec2.InstanceType('t3.small') },
    policies: [
      ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
      ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }),
      ScalingPolicy.step({
        metric: cpu,
        steps: [
          { upper: 20, change: -1 },
          { lower: 85, change: +2 },
        ],
      }),
      ScalingPolicy.simple({ metric: cpu, threshold: 95, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, adjustment: 1 }),
    ],
    budget: { limit: 300 },
    costOptimizer: {
      mode: CostOptimizerMode.APPLY,
      vertical: {
        instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
        lowerUtilizationPercent: 20,
        upperUtilizationPercent: 70,
        evaluationWindow: Duration.hours(24),
        minInterval: Duration.hours(24),
      },
    },
    ...extra,
  });
  return { stack, svc, template: Template.fromStack(stack) };
}

/** The logical ids of the alarms on the dashboard's alarm status widget ("Alarms"). */
function statusWidgetAlarms(template: Template): string[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  // The body is JSON with the alarms' ARNs as tokens: replace each by the alarm's logical id.
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt && getAtt[1] === 'Arn' ? getAtt[0] : '<token>';
    })
    .join('');
  const widgets = (JSON.parse(text) as { widgets: Array<{ type: string; properties: { title?: string; alarms?: string[] } }> }).widgets;
  const status = widgets.filter((w) => w.type === 'alarm' && w.properties.title === 'Alarms');
  expect(status).toHaveLength(1);
  return status[0].properties.alarms ?? [];
}

/** The logical id of the service's alert topic. */
function alertTopicId(template: Template): string {
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0];
}

/** Scaling triggers: alarms whose action is an Auto Scaling policy. */
function isScalingTrigger(alarm: { [key: string]: any }, template: Template): boolean {
  const policies = Object.keys(template.findResources('AWS::AutoScaling::ScalingPolicy'));
  return ((alarm.Properties.AlarmActions as unknown[] | undefined) ?? []).some((a) =>
    policies.includes((a as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] ?? ''),
  );
}

describe('one alarm path: the service monitor creates or lists every alarm', () => {
  const { template } = fullService();
  const alarms = template.findResources('AWS::CloudWatch::Alarm');
  const topic = alertTopicId(template);
  const notifies = { Ref: topic };

  test('the stack has the alarms of every part (monitor, load distribution, both scalers, step and simple policies)', () => {
    const ids = Object.keys(alarms);
    for (const part of [
      'MonitorCpuHighAlarm',
      'MonitorTarget5xxRateAlarm',
      'MonitorResponseTimeP99Alarm',
      'MonitorRequestCountAnomalyAlarm',
      'LoadDistributionUnhealthyHostsAlarm',
      'PredictiveScalerErrorAlarm',
      'PredictiveScalerMissingDataAlarm',
      'PredictiveScalerRealizedUnservedAlarm',
      'CostOptimizerScalerErrorAlarm',
      'CostOptimizerScalerMissingDataAlarm',
      'CostOptimizerForecastOverrunAlarm',
      'Policy3UpperAlarm',
      'Policy3LowerAlarm',
      'Policy4Alarm',
    ]) {
      expect({ part, found: ids.filter((id) => id.includes(part)).length, ids }).toMatchObject({ part, found: 1 });
    }
    expect(ids).toHaveLength(14);
  });

  test('every alarm but a scaling trigger notifies the alert topic in ALARM and back to OK, once each', () => {
    const alerting = Object.entries(alarms).filter(([, a]) => !isScalingTrigger(a, template));
    expect(alerting).toHaveLength(11);
    for (const [id, alarm] of alerting) {
      expect({ id, AlarmActions: alarm.Properties.AlarmActions }).toEqual({ id, AlarmActions: [notifies] });
      expect({ id, OKActions: alarm.Properties.OKActions }).toEqual({ id, OKActions: [notifies] });
    }
  });

  test("a scaling trigger's action is its policy only: it goes in and out of ALARM with the load", () => {
    const triggers = Object.entries(alarms).filter(([, a]) => isScalingTrigger(a, template));
    expect(triggers.map(([id]) => id).sort()).toEqual(
      Object.keys(alarms)
        .filter((id) => /Policy[34]/.test(id))
        .sort(),
    );
    for (const [, alarm] of triggers) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toBeUndefined();
    }
  });

  test("the dashboard's alarm widget lists every alarm of the stack, each once", () => {
    const listed = statusWidgetAlarms(template);
    expect([...listed].sort()).toEqual(Object.keys(alarms).sort());
  });

  test('the same holds for a group of your own', () => {
    const stack = new Stack(new App(), 'Own', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = importedVpc(stack);
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: 1,
      maxCapacity: 4,
    });
    new ScalableService(stack, 'Web', {
      vpc,
      existingAutoScalingGroup: group,
      policies: [ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 600 })],
      budget: { limit: 100 },
    });
    const own = Template.fromStack(stack);
    const ownAlarms = own.findResources('AWS::CloudWatch::Alarm');
    const ownTopic = { Ref: alertTopicId(own) };
    for (const alarm of Object.values(ownAlarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([ownTopic]);
      expect(alarm.Properties.OKActions).toEqual([ownTopic]);
    }
    expect([...statusWidgetAlarms(own)].sort()).toEqual(Object.keys(ownAlarms).sort());
  });
});

describe('the scalers alone, without a monitor', () => {
  function groupStack() {
    const stack = new Stack(new App(), 'Alone', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = importedVpc(stack);
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: 1,
      maxCapacity: 4,
    });
    const load = new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      statistic: 'Sum',
      period: Duration.minutes(1),
    });
    return { stack, group, load };
  }

  test('with alertTopic, every alarm notifies it in ALARM and back to OK', () => {
    const { stack, group, load } = groupStack();
    const topic = new sns.Topic(stack, 'Topic');
    new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group, loadMetric: load, capacityPerInstance: 600, alertTopic: topic });
    const budget = new ScalingBudget(stack, 'Budget', { limit: 100, alertTopic: topic });
    new CostOptimizer(stack, 'Cost', { autoScalingGroup: group, budget, alertTopic: topic });
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    const ref = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([ref]);
      expect(alarm.Properties.OKActions).toEqual([ref]);
    }
  });

  test('without a topic, the alarms are still created, with no action', () => {
    const { stack, group, load } = groupStack();
    new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group, loadMetric: load, capacityPerInstance: 600 });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent(), OKActions: Match.absent() });
  });

  test('with a monitor of your own: its topic both ways and its dashboard', () => {
    const { stack, group, load } = groupStack();
    const topic = new sns.Topic(stack, 'Topic');
    const monitor = new LoadMonitor(stack, 'Monitor', { autoScalingGroup: group, alertTopic: topic });
    const scaler = new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group, loadMetric: load, capacityPerInstance: 600, monitor });
    expect(monitor.alarms).toEqual(expect.arrayContaining([scaler.errorAlarm, scaler.missingDataAlarm, scaler.realizedUnservedAlarm]));
    const template = Template.fromStack(stack);
    const ref = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [ref], OKActions: [ref] });
    expect([...statusWidgetAlarms(template)].sort()).toEqual(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).sort());
  });

  test('monitor and alertTopic together are an error', () => {
    const { stack, group, load } = groupStack();
    const topic = new sns.Topic(stack, 'Topic');
    const monitor = new LoadMonitor(stack, 'Monitor', { autoScalingGroup: group, alertTopic: topic });
    expect(
      () =>
        new PredictiveScaler(stack, 'Predictive', {
          autoScalingGroup: group,
          loadMetric: load,
          capacityPerInstance: 600,
          monitor,
          alertTopic: topic,
        }),
    ).toThrow(/^give monitor or alertTopic, not both/);
  });
});
