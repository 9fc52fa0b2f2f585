import { App, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlertTopic, LoadMonitor, type LoadMonitorProps, type MonitoringThresholds } from '../../../lib';

const ENV = { account: '123456789012', region: 'us-east-1' };
const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067';

/** A stack with imported group, load balancer and target group: only the monitor's own resources. */
function fixture(app = new App()) {
  const stack = new Stack(app, 'Monitoring', { env: ENV });
  const autoScalingGroup = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'web-fleet');
  const loadBalancer = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Alb', {
    loadBalancerArn: LB_ARN,
    securityGroupId: 'sg-12345678',
  });
  const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'TargetGroup', {
    targetGroupArn: TG_ARN,
    loadBalancerArns: LB_ARN,
  });
  return { app, stack, autoScalingGroup, loadBalancer, targetGroup };
}

function monitor(props: Partial<LoadMonitorProps> = {}, thresholds?: MonitoringThresholds) {
  const f = fixture();
  const alerts = new AlertTopic(f.stack, 'Alerts');
  const m = new LoadMonitor(f.stack, 'Monitor', {
    autoScalingGroup: f.autoScalingGroup,
    loadBalancer: f.loadBalancer,
    targetGroup: f.targetGroup,
    alertTopic: alerts.topic,
    thresholds,
    ...props,
  });
  return { ...f, alerts, monitor: m };
}

describe('AlertTopic', () => {
  test('encrypts the topic with a rotating KMS key that CloudWatch and Budgets may use', () => {
    const { stack } = fixture();
    const alerts = new AlertTopic(stack, 'Alerts');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: 'budgets.amazonaws.com' },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(alerts.masterKey.node.defaultChild as kms.CfnKey), 'Arn'] },
    });
  });

  test('topic policy enforces TLS and lets budgets.amazonaws.com and CloudWatch of this account publish', () => {
    const { stack } = fixture();
    new AlertTopic(stack, 'Alerts');
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'budgets.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
        ]),
      },
    });
  });

  test('subscribes e-mail addresses and uses a given name', () => {
    const { stack } = fixture();
    new AlertTopic(stack, 'Alerts', { topicName: 'scaling-alerts', emailSubscriptions: ['ops@example.com', 'oncall@example.org'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'scaling-alerts' });
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('uses a given key instead of creating one', () => {
    const { stack } = fixture();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const alerts = new AlertTopic(stack, 'Alerts', { masterKey: key });
    expect(alerts.masterKey).toBe(key);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    // The publishers' statement is added to the given key's policy.
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToUseTheKey' })]) },
    });
  });

  test("the key policy lets CloudWatch and AWS Budgets use the key only for this account's alarms and budgets (aws:SourceAccount, aws:SourceArn)", () => {
    const { stack } = fixture();
    new AlertTopic(stack, 'Alerts');
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as Array<
      Record<string, any>
    >;
    const serviceGrants = statements.filter((st) => st.Principal?.Service);
    expect(serviceGrants.map((st) => st.Principal.Service).sort()).toEqual(['budgets.amazonaws.com', 'cloudwatch.amazonaws.com']);
    for (const st of serviceGrants) {
      expect(st.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
      expect(st.Condition.ArnLike['aws:SourceArn']).toBeDefined();
    }
    const cw = serviceGrants.find((st) => st.Principal.Service === 'cloudwatch.amazonaws.com')!;
    expect(JSON.stringify(cw.Condition.ArnLike['aws:SourceArn'])).toMatch(/:cloudwatch:.*:alarm:\*/);
  });

  test('warns when an imported key policy cannot be extended', () => {
    const { stack } = fixture();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new AlertTopic(stack, 'Alerts', { masterKey: key });
    Annotations.fromStack(stack).hasWarning('/Monitoring/Alerts', Match.stringLikeRegexp('alertTopicImportedKey'));
  });

  test('rejects an e-mail subscription that is not an address', () => {
    const { stack } = fixture();
    expect(() => new AlertTopic(stack, 'Alerts', { emailSubscriptions: ['ops@example.com', 'not-an-address'] })).toThrow(
      /emailSubscriptions\[1\] \('not-an-address'\) is not an e-mail address/,
    );
  });

  test('rejects the same e-mail address twice', () => {
    const { stack } = fixture();
    expect(() => new AlertTopic(stack, 'Alerts', { emailSubscriptions: ['ops@example.com', 'OPS@example.com'] })).toThrow(
      /emailSubscriptions lists 'ops@example.com' more than once/,
    );
  });

  test('skips the check on an unresolved address', () => {
    const { stack } = fixture();
    expect(() => new AlertTopic(stack, 'Alerts', { emailSubscriptions: [Token.asString({ Ref: 'Email' })] })).not.toThrow();
  });
});

describe('LoadMonitor', () => {
  test("creates the five alarms (with the target group's unhealthy hosts), each notifying the topic in ALARM and OK", () => {
    const { stack, alerts, monitor: m } = monitor();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    expect(m.alarms).toEqual([m.cpuHighAlarm, m.target5xxAlarm, m.responseTimeAlarm, m.requestAnomalyAlarm, m.unhealthyHostsAlarm]);
    const topicRef = { Ref: stack.getLogicalId(alerts.topic.node.defaultChild as sns.CfnTopic) };
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });

  test('unhealthy-host alarm on the target group it is given: Maximum per minute, 2 minutes, threshold 1', () => {
    const { stack } = monitor();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'UnHealthyHostCount',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'TargetGroup', Value: 'targetgroup/web/73e2d6bc24d8a067' })]),
    });
  });

  test("an unhealthy-host alarm given (e.g. LoadDistribution's) is added instead of creating one", () => {
    const f = fixture();
    const alerts = new AlertTopic(f.stack, 'Alerts');
    const given = new cloudwatch.Alarm(f.stack, 'Given', { metric: f.targetGroup.metrics.unhealthyHostCount(), threshold: 1, evaluationPeriods: 2 });
    const m = new LoadMonitor(f.stack, 'Monitor', {
      autoScalingGroup: f.autoScalingGroup,
      targetGroup: f.targetGroup,
      alertTopic: alerts.topic,
      unhealthyHostsAlarm: given,
    });
    expect(m.unhealthyHostsAlarm).toBe(given);
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'UnHealthyHostCount' }, 1);
  });

  test('on a network target group: CPU and unhealthy hosts (AWS/NetworkELB), no request, 5xx or latency alarms', () => {
    const f = fixture();
    const alerts = new AlertTopic(f.stack, 'Alerts');
    const nlbTargetGroup = elbv2.NetworkTargetGroup.fromTargetGroupAttributes(f.stack, 'NlbTargets', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tcp/0123456789abcdef',
      loadBalancerArns: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/0123456789abcdef',
    });
    const m = new LoadMonitor(f.stack, 'Monitor', {
      autoScalingGroup: f.autoScalingGroup,
      targetGroup: nlbTargetGroup,
      alertTopic: alerts.topic,
      unhealthyHostThreshold: 2,
    });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::CloudWatch::AnomalyDetector', 0);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/NetworkELB', MetricName: 'UnHealthyHostCount', Threshold: 2 });
    expect([m.target5xxAlarm, m.responseTimeAlarm, m.requestAnomalyAlarm]).toEqual([undefined, undefined, undefined]);
  });

  test('without a target group: the CPU alarm and the capacity and CPU rows only', () => {
    const f = fixture();
    const alerts = new AlertTopic(f.stack, 'Alerts');
    const m = new LoadMonitor(f.stack, 'Monitor', { autoScalingGroup: f.autoScalingGroup, alertTopic: alerts.topic });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(m.alarms).toEqual([m.cpuHighAlarm]);
    expect(m.unhealthyHostsAlarm).toBeUndefined();
    const body = JSON.stringify(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('Capacity (instances)');
    expect(body).not.toContain('Target health');
  });

  test('rejects an unhealthyHostThreshold below 1', () => {
    expect(() => monitor({ unhealthyHostThreshold: 0 })).toThrow(/unhealthyHostThreshold must be >= 1, got 0/);
  });

  test('CPU alarm: group average above 80% for 3 periods by default', () => {
    const { stack } = monitor();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-fleet' }],
      Statistic: 'Average',
      Period: 60,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  test('5xx alarm: metric math of target 5xx over requests, in percent', () => {
    const { stack } = monitor({}, { target5xxRatePercent: 2 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'requests',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RequestCount' }), Stat: 'Sum' }),
        }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB' }),
            Stat: 'Sum',
          }),
        }),
      ]),
    });
  });

  test('latency alarm: p99 of TargetResponseTime in seconds', () => {
    const { stack } = monitor({}, { responseTimeP99: Duration.millis(1500) });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p99',
      Threshold: 1.5,
      Dimensions: Match.arrayWith([{ Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' }]),
    });
  });

  test('anomaly band: an anomaly detector on the request count and an alarm on its band', () => {
    const { stack, monitor: m } = monitor({}, { anomalyBandWidth: 2.5, evaluationPeriods: 5 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::AnomalyDetector', 1);
    t.hasResourceProperties('AWS::CloudWatch::AnomalyDetector', {
      SingleMetricAnomalyDetector: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Stat: 'Sum',
        Dimensions: Match.arrayWith([
          { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
          { Name: 'TargetGroup', Value: 'targetgroup/web/73e2d6bc24d8a067' },
        ]),
      },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      ThresholdMetricId: 'expr_1',
      EvaluationPeriods: 5,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'ANOMALY_DETECTION_BAND(m0, 2.5)' })]),
    });
    // The alarm is created after its model.
    const alarm = t.toJSON().Resources[stack.getLogicalId(m.requestAnomalyAlarm!.node.defaultChild as cloudwatch.CfnAlarm)];
    expect(alarm.DependsOn).toContain(stack.getLogicalId(m.requestAnomalyDetector!));
  });

  test('dashboard has load, capacity, latency, errors, health and CPU rows', () => {
    const { stack } = monitor({ dashboardName: 'web-scaling' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0];
    expect(dashboard.Properties.DashboardName).toBe('web-scaling');
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const metric of [
      'RequestCount',
      'RequestCountPerTarget',
      'GroupInServiceInstances',
      'GroupDesiredCapacity',
      'GroupMinSize',
      'GroupMaxSize',
      'TargetResponseTime',
      'HTTPCode_Target_5XX_Count',
      'HTTPCode_ELB_5XX_Count',
      'HealthyHostCount',
      'UnHealthyHostCount',
      'CPUUtilization',
      'ANOMALY_DETECTION_BAND',
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('p50');
    expect(body).toContain('p99');
  });

  test('addAlarm adds the topic action, lists the alarm and shows it on the dashboard', () => {
    const { stack, alerts, monitor: m, targetGroup } = monitor();
    const extra = new cloudwatch.Alarm(stack, 'Extra', {
      metric: targetGroup.metrics.targetConnectionErrorCount(),
      threshold: 10,
      evaluationPeriods: 1,
    });
    m.addAlarm(extra);
    m.addAlarm(extra); // idempotent
    expect(m.alarms).toContain(extra);
    expect(m.alarms).toHaveLength(6);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TargetConnectionErrorCount',
      AlarmActions: [{ Ref: stack.getLogicalId(alerts.topic.node.defaultChild as sns.CfnTopic) }],
    });
    const dashboard = Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0];
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(stack.getLogicalId(extra.node.defaultChild as cloudwatch.CfnAlarm));
  });

  test('addAlarm does not add the topic twice to an alarm that already notifies it', () => {
    const { stack, alerts, monitor: m, targetGroup } = monitor();
    const action = new cloudwatchActions.SnsAction(alerts.topic);
    const unhealthy = new cloudwatch.Alarm(stack, 'Unhealthy', {
      metric: targetGroup.metrics.unhealthyHostCount(),
      threshold: 1,
      evaluationPeriods: 2,
    });
    unhealthy.addAlarmAction(action);
    unhealthy.addOkAction(action);
    m.addAlarm(unhealthy);
    const topicRef = { Ref: stack.getLogicalId(alerts.topic.node.defaultChild as sns.CfnTopic) };
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      AlarmActions: [topicRef],
      OKActions: [topicRef],
    });
  });

  test('other constructs can add widgets to the public dashboard', () => {
    const { stack, monitor: m } = monitor();
    m.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '# Predictive scaler', width: 24 }));
    const dashboard = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0];
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain('# Predictive scaler');
  });

  test('warns when the group does not collect group metrics', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const group = new autoscaling.AutoScalingGroup(f.stack, 'LocalGroup', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate: new ec2.LaunchTemplate(f.stack, 'Template', {
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      }),
    });
    new LoadMonitor(f.stack, 'Monitor', {
      autoScalingGroup: group,
      loadBalancer: f.loadBalancer,
      targetGroup: f.targetGroup,
      alertTopic: new AlertTopic(f.stack, 'Alerts').topic,
    });
    Annotations.fromStack(f.stack).hasWarning('/Monitoring/Monitor', Match.stringLikeRegexp('groupMetricsDisabled'));
  });

  test('does not warn when the group collects group metrics', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const group = new autoscaling.AutoScalingGroup(f.stack, 'LocalGroup', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate: new ec2.LaunchTemplate(f.stack, 'Template', {
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    new LoadMonitor(f.stack, 'Monitor', {
      autoScalingGroup: group,
      loadBalancer: f.loadBalancer,
      targetGroup: f.targetGroup,
      alertTopic: new AlertTopic(f.stack, 'Alerts').topic,
    });
    Annotations.fromStack(f.stack).hasNoWarning('/Monitoring/Monitor', Match.stringLikeRegexp('groupMetricsDisabled'));
  });

  describe('validation', () => {
    test.each([
      [{ cpuHighPercent: 0 }, /thresholds.cpuHighPercent must be in \(0, 100\], got 0$/],
      [{ cpuHighPercent: 101 }, /thresholds.cpuHighPercent must be in \(0, 100\], got 101$/],
      [{ target5xxRatePercent: 0 }, /thresholds.target5xxRatePercent must be in \(0, 100\], got 0$/],
      [{ target5xxRatePercent: 150 }, /thresholds.target5xxRatePercent must be in \(0, 100\], got 150$/],
      [{ anomalyBandWidth: 0 }, /thresholds.anomalyBandWidth must be > 0, got 0$/],
      [{ anomalyBandWidth: -1 }, /thresholds.anomalyBandWidth must be > 0, got -1$/],
      [{ evaluationPeriods: 0 }, /thresholds.evaluationPeriods must be >= 1, got 0$/],
      [{ evaluationPeriods: 1.5 }, /thresholds.evaluationPeriods must be an integer, got 1.5$/],
      [{ responseTimeP99: Duration.seconds(0) }, /thresholds.responseTimeP99 \(0 seconds?\) must be more than zero/],
    ])('rejects %o', (thresholds, message) => {
      expect(() => monitor({}, thresholds as MonitoringThresholds)).toThrow(message);
    });

    test('rejects a period that is not a whole number of minutes', () => {
      expect(() => monitor({ period: Duration.seconds(30) })).toThrow(/period \(30 seconds\) must be a whole number of minutes/);
    });

    test('rejects an evaluation window longer than a day', () => {
      expect(() => monitor({ period: Duration.hours(1) }, { evaluationPeriods: 25 })).toThrow(
        /thresholds.evaluationPeriods \(25\) x period \(1 hour\) must not exceed one day/,
      );
    });

    test('skips checks on unresolved thresholds', () => {
      expect(() => monitor({}, { cpuHighPercent: Token.asNumber({ Ref: 'CpuThreshold' }) })).not.toThrow();
    });
  });

  test('cdk-nag AwsSolutions: no finding on the topic, key, alarms, anomaly detector and dashboard', () => {
    const { app } = monitor({}, {});
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
