import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ScalingGroup } from '../../../lib/auto-scaling/scaling-group';
import { ScalableService } from '../../../lib/scalable-service';
import { PredictiveScaler, PredictiveScalerMode, type PredictiveScalerProps } from '../../../lib/auto-scaling/predictive-scaler';
import { AlertTopic } from '../../../lib/load-monitoring/alert-topic';
import { ENV as HANDLER_ENV, loadConfig } from '../../../lambda/predictive-scaler/config';
import { METRIC } from '../../../lambda/predictive-scaler/telemetry';
import { importedVpc } from '../../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Predictive', { env: ENV });
  const vpc = importedVpc(stack);
  const alerts = new AlertTopic(stack, 'Alerts');
  const group = new ScalingGroup(stack, 'Web', { vpc, minCapacity: 2, maxCapacity: 20 });
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
  const loadMetric = new cloudwatch.Metric({
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCount',
    statistic: 'Sum',
    period: Duration.minutes(1),
    dimensionsMap: { TargetGroup: 'targetgroup/web/0123456789abcdef', LoadBalancer: 'app/web/0123456789abcdef' },
  });
  return { app, stack, vpc, alerts, group, dashboard, loadMetric };
}

function scaler(props: Partial<PredictiveScalerProps> = {}) {
  const f = fixture();
  const ps = new PredictiveScaler(f.stack, 'Predictive', {
    autoScalingGroup: f.group.autoScalingGroup,
    loadMetric: f.loadMetric,
    capacityPerInstance: 100,
    alertTopic: f.alerts.topic,
    dashboard: f.dashboard,
    ...props,
  });
  return { ...f, ps, template: Template.fromStack(f.stack) };
}

function functionEnv(template: Template): Record<string, unknown> {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { SCALING_MODE: Match.anyValue() } } } });
  expect(Object.keys(fns)).toHaveLength(1);
  return Object.values(fns)[0].Properties.Environment.Variables;
}

describe('PredictiveScaler', () => {
  test('a Node.js 22 arm64 function with the handler bundle, run every 5 minutes', () => {
    const { template, ps, stack } = scaler();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 120,
      ReservedConcurrentExecutions: 1,
      LoggingConfig: { LogFormat: 'JSON' },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(ps.function.node.defaultChild as never), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(ps.mode).toBe(PredictiveScalerMode.FORECAST_ONLY);
  });

  test('environment: the group, the load metric and the plan settings, with defaults from the group', () => {
    const { template, stack, group } = scaler();
    expect(functionEnv(template)).toEqual({
      AUTO_SCALING_GROUP_NAME: { Ref: stack.getLogicalId(group.autoScalingGroup.node.defaultChild as never) },
      LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB',
      LOAD_METRIC_NAME: 'RequestCount',
      LOAD_METRIC_DIMENSIONS: JSON.stringify({ TargetGroup: 'targetgroup/web/0123456789abcdef', LoadBalancer: 'app/web/0123456789abcdef' }),
      LOAD_METRIC_STATISTIC: 'Sum',
      CAPACITY_PER_INSTANCE: '100',
      TARGET_UTILIZATION_PERCENT: '70',
      SCALING_MODE: 'forecast-only',
      DRY_RUN: 'false',
      HISTORY_SECONDS: '1209600',
      MIN_HISTORY_SECONDS: '86400',
      LAUNCH_LEAD_SECONDS: '300', // a launch (2 minutes) and the group's default instance warmup (3 minutes)
      HORIZON_SECONDS: '7200',
      SCHEDULE_INTERVAL_SECONDS: '300',
      SCHEDULED_ACTION_PREFIX: 'predictive-scaler-',
      MAX_SCHEDULED_ACTIONS: '40',
      UNSERVED_BUDGET_PERCENT: '0.03',
      COST_STATE_TAG_KEY: 'cost-optimizer:state', // the cost optimizer's default
      // The configured bounds and instance type of the group, handed down (never inferred).
      GROUP_BASELINE: JSON.stringify({ minSize: 2, maxSize: 20, instanceType: 't3.micro', schedules: [] }),
      POWERTOOLS_METRICS_NAMESPACE: 'CdkScalingArchitecture/PredictiveScaler',
      POWERTOOLS_SERVICE_NAME: 'predictive-scaler',
      // The group's coordination table (the lease), shared with the cost optimizer; the lease lasts the timeout and 30 s.
      COORDINATION_TABLE_NAME: { Ref: expect.stringMatching(/^ScalingCoordination/) },
      COORDINATION_LEASE_SECONDS: '150',
    });
  });

  test('the environment the construct writes is the one the handler reads', () => {
    const { template } = scaler({
      mode: PredictiveScalerMode.FORECAST_AND_SCALE,
      dryRun: true,
      horizon: Duration.hours(6),
      targetUtilizationPercent: 60,
      costOptimizerStateTagKey: 'team:cost-state',
    });
    const env = Object.fromEntries(Object.entries(functionEnv(template)).map(([k, v]) => [k, typeof v === 'string' ? v : 'web-group']));
    // The handler's settings, and the coordination table lambda/shared/coordination.ts reads.
    const handlerVars = new Set<string>([...Object.values(HANDLER_ENV), 'COORDINATION_TABLE_NAME', 'COORDINATION_LEASE_SECONDS']);
    for (const k of Object.keys(env)) if (k !== 'POWERTOOLS_SERVICE_NAME') expect(handlerVars).toContain(k);
    expect(loadConfig(env)).toEqual({
      groupName: 'web-group',
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { TargetGroup: 'targetgroup/web/0123456789abcdef', LoadBalancer: 'app/web/0123456789abcdef' },
        statistic: 'Sum',
      },
      capacityPerInstance: 100,
      targetUtilization: 0.6,
      mode: 'forecast-and-scale',
      dryRun: true,
      historySeconds: 1209600,
      minHistorySeconds: 86400,
      launchLeadSeconds: 300,
      horizonSeconds: 21600,
      intervalSeconds: 300,
      actionPrefix: 'predictive-scaler-',
      maxActions: 40,
      unservedBudget: 0.0003,
      costStateTagKey: 'team:cost-state',
      baseline: { minSize: 2, maxSize: 20, instanceType: 't3.micro', schedules: [] },
    });
  });

  test("a target group's RequestCount (dimensions known at deploy time) becomes valid JSON in the environment", () => {
    const f = fixture();
    const alb = new elbv2.ApplicationLoadBalancer(f.stack, 'Alb', { vpc: f.vpc });
    const tg = new elbv2.ApplicationTargetGroup(f.stack, 'Tg', { vpc: f.vpc, port: 80, targets: [f.group.autoScalingGroup] });
    alb.addListener('Http', { port: 80, defaultTargetGroups: [tg] });
    new PredictiveScaler(f.stack, 'Predictive', {
      autoScalingGroup: f.group.autoScalingGroup,
      capacityPerInstance: 100,
      loadMetric: tg.metrics.requestCount({ statistic: 'Sum', period: Duration.minutes(1) }),
    });
    const dims = functionEnv(Template.fromStack(f.stack)).LOAD_METRIC_DIMENSIONS as { 'Fn::Join': [string, unknown[]] };
    const [sep, parts] = dims['Fn::Join'];
    const deployed = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'resolved')).join(sep));
    expect(Object.keys(deployed).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
  });

  test('explicit settings reach the environment', () => {
    const { template } = scaler({
      schedule: events.Schedule.rate(Duration.minutes(10)),
      historyDuration: Duration.days(7),
      minimumHistory: Duration.hours(12),
      launchLeadTime: Duration.minutes(8),
      horizon: Duration.hours(1),
      metricsNamespace: 'Shop/Scaler',
      maxScheduledActions: 60,
      scheduledActionPrefix: 'shop-plan-',
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    expect(functionEnv(template)).toMatchObject({
      HISTORY_SECONDS: '604800',
      MIN_HISTORY_SECONDS: '43200',
      LAUNCH_LEAD_SECONDS: '480',
      HORIZON_SECONDS: '3600',
      SCHEDULE_INTERVAL_SECONDS: '600',
      POWERTOOLS_METRICS_NAMESPACE: 'Shop/Scaler',
      MAX_SCHEDULED_ACTIONS: '60',
      SCHEDULED_ACTION_PREFIX: 'shop-plan-',
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('IAM: Auto Scaling writes only on the managed group, reads on * (as AWS requires), no PutMetricData (EMF)', () => {
    const { template, stack, group, ps } = scaler();
    const groupRef = stack.getLogicalId(group.autoScalingGroup.node.defaultChild as never);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(ps.role.node.defaultChild as never) }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }>,
    );
    const writes = statements.find((s) => s.Sid === 'ScaleTheManagedGroup')!;
    expect({ ...writes, Action: [writes.Action].flat().sort() }).toEqual({
      Sid: 'ScaleTheManagedGroup',
      Effect: 'Allow',
      Action: ['autoscaling:BatchDeleteScheduledAction', 'autoscaling:BatchPutScheduledUpdateGroupAction', 'autoscaling:SetDesiredCapacity'],
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/', { Ref: groupRef }],
        ],
      },
    });
    expect(statements.find((s) => s.Sid === 'ReadGroupsAndLoadMetric')).toEqual({
      Sid: 'ReadGroupsAndLoadMetric',
      Effect: 'Allow',
      Action: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScheduledActions', 'cloudwatch:GetMetricData'],
      Resource: '*',
    });
    // nothing else on '*', and nothing beyond logs, the group and the reads
    const actions = statements.flatMap((s) => [s.Action].flat());
    // every Auto Scaling call the handler makes is granted, and nothing it does not make
    const handlerSource = ['index', 'apply-plan', 'group-state']
      .map((f) => readFileSync(join(__dirname, '../../../lambda/predictive-scaler', `${f}.ts`), 'utf8'))
      .join('\n');
    const called = [...new Set([...handlerSource.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]))].filter((c) => !/^(GetMetricData)$/.test(c));
    expect(
      actions
        .filter((a) => a.startsWith('autoscaling:'))
        .map((a) => a.slice('autoscaling:'.length))
        .sort(),
    ).toEqual(called.sort());
    expect(
      actions.filter((a) => !/^(autoscaling:|cloudwatch:GetMetricData$|logs:(CreateLogStream|PutLogEvents)$|dynamodb:UpdateItem$)/.test(a)),
    ).toEqual([]);
    // The lease: UpdateItem on the group's coordination table only.
    expect(statements.find((s) => s.Sid === 'TakeTheGroupLease')).toMatchObject({
      Action: 'dynamodb:UpdateItem',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScalingCoordination/), 'Arn'] },
    });
    expect(actions).not.toContain('cloudwatch:PutMetricData');
    for (const s of statements.filter((x) => x.Resource === '*')) expect(s.Sid).toBe('ReadGroupsAndLoadMetric');
  });

  test('an alarm on the function errors notifies the alert topic', () => {
    const { template, stack, alerts, ps } = scaler();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(ps.function.node.defaultChild as never) } }],
      AlarmActions: [{ Ref: stack.getLogicalId(alerts.topic.node.defaultChild as never) }],
    });
  });

  test('an alarm when the realized unserved share stays above the budget for more than a day, to the alert topic', () => {
    const { template, stack, alerts, ps } = scaler({ unservedBudgetPercent: 0.1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.REALIZED_UNSERVED_PERCENT,
      Namespace: 'CdkScalingArchitecture/PredictiveScaler',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: Match.anyValue() }],
      Statistic: 'Minimum',
      Period: 3600,
      // one hour more than the metric's rolling day: one burst of misses alone never alarms
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      Threshold: 0.1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: stack.getLogicalId(alerts.topic.node.defaultChild as never) }],
    });
    expect(ps.realizedUnservedAlarm).toBeDefined();
    expect(ps.metricRealizedUnservedPercent().metricName).toBe(METRIC.REALIZED_UNSERVED_PERCENT);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('Predictive scaler: load left unserved over the last day (%)');
    expect(body).toContain('\\"RealizedUnservedPercent\\"');
    // the group collects group metrics (ScalingGroup): no warning about the capacity history
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('GroupInServiceInstances'))).toEqual([]);
  });

  test('runs more than 30 minutes apart: periods of two runs, one more than a day holds, so no period goes without a share', () => {
    const { template } = scaler({ schedule: events.Schedule.rate(Duration.hours(2)), horizon: Duration.hours(4) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.REALIZED_UNSERVED_PERCENT,
      Statistic: 'Minimum',
      Period: 4 * 3600,
      EvaluationPeriods: 7,
      DatapointsToAlarm: 7,
    });
  });

  test('a group without group metrics, or imported, gets a warning: the planner keeps its replay', () => {
    const f = fixture();
    const plain = new autoscaling.AutoScalingGroup(f.stack, 'Plain', {
      vpc: f.vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: 1,
      maxCapacity: 4,
    });
    new PredictiveScaler(f.stack, 'OnPlain', { autoScalingGroup: plain, loadMetric: f.loadMetric, capacityPerInstance: 100 });
    const imported = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Imported', 'web-asg');
    new PredictiveScaler(f.stack, 'OnImported', {
      autoScalingGroup: imported,
      loadMetric: f.loadMetric,
      capacityPerInstance: 100,
      minCapacity: 1,
      maxCapacity: 4,
    });
    const a = Annotations.fromStack(f.stack);
    a.hasWarning('/Predictive/OnPlain', Match.stringLikeRegexp('Predictive/Plain does not collect group metrics: without GroupInServiceInstances'));
    a.hasWarning('/Predictive/OnImported', Match.stringLikeRegexp('is not defined in this app \\(imported\\).*publishes no RealizedUnservedPercent'));
  });

  test('dashboard: forecast vs actual load, planned vs in-service capacity', () => {
    const { template } = scaler();
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const s of [
      'Predictive scaler: forecast vs actual load',
      'Predictive scaler: planned vs in-service capacity',
      '\\"ForecastLoad\\"',
      '\\"PlannedCapacity\\"',
      '\\"GroupInServiceInstances\\"',
      '\\"RequestCount\\"',
      'CdkScalingArchitecture/PredictiveScaler',
    ]) {
      expect(body).toContain(s);
    }
  });

  test('its metric methods use the names and dimension the handler publishes', () => {
    const { ps } = scaler();
    expect(ps.metricForecastLoad().metricName).toBe(METRIC.FORECAST_LOAD);
    expect(ps.metricPlannedCapacity().metricName).toBe(METRIC.PLANNED_CAPACITY);
    expect(ps.metricRunErrors().metricName).toBe(METRIC.RUN_ERRORS);
    expect(ps.metricImmediateScaleOuts().metricName).toBe(METRIC.SCALE_OUTS);
    expect(Object.keys(ps.metricForecastLoad().dimensions!)).toEqual(['AutoScalingGroupName']);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding from the scaler (IAM5 acknowledged per finding)', () => {
    const { app, stack, group, loadMetric, alerts, dashboard } = fixture();
    const ps = new PredictiveScaler(stack, 'Predictive', {
      autoScalingGroup: group.autoScalingGroup,
      loadMetric,
      capacityPerInstance: 100,
      alertTopic: alerts.topic,
      dashboard,
    });
    // The pack is live: an unacknowledged wildcard policy in the same stack is reported.
    new iam.Role(stack, 'Unscoped', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
    );
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const found = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(found.filter((f) => /^AwsSolutions-IAM5\b.* \/?Predictive\/Unscoped\//.test(f)).length).toBeGreaterThan(0);
    expect(found.filter((f) => / \/?Predictive\/Predictive\//.test(f))).toEqual([]);
    const acks = (c: IConstruct) =>
      c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object));
    // Resource "*" is acknowledged only on the read-only policy, not on the role.
    expect(acks(ps.node.findChild('Scaler').node.findChild('ReadOnlyPolicy'))).toEqual(['Annotation::AwsSolutions-IAM5[Resource::*]']);
    const acknowledged = acks(ps.role);
    expect(acknowledged).toHaveLength(2);
    expect(acknowledged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Annotation::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:autoscaling:us-east-1:123456789012:autoScalingGroup:\*:autoScalingGroupName\/<WebGroup\w+>\]$/,
        ),
        expect.stringMatching(/^Annotation::AwsSolutions-IAM5\[Resource::<PredictiveScalerLogGroup[0-9A-F]+\.Arn>:log-stream:\*\]$/),
      ]),
    );
  });

  describe('warnings', () => {
    test('a load metric of any period is read per minute: the period is not handed down, and no warning', () => {
      const f = fixture();
      new PredictiveScaler(f.stack, 'Predictive', {
        autoScalingGroup: f.group.autoScalingGroup,
        loadMetric: f.loadMetric.with({ period: Duration.minutes(5) }),
        capacityPerInstance: 100,
      });
      expect(Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('loadMetric'))).toEqual([]);
      const env = functionEnv(Template.fromStack(f.stack));
      expect(Object.keys(env).filter((k) => /PERIOD/.test(k))).toEqual([]);
      expect(env).toMatchObject({ LOAD_METRIC_NAME: 'RequestCount', LOAD_METRIC_STATISTIC: 'Sum' });
    });
    test.each<[string, cloudwatch.MetricOptions]>([
      ['an Average', { statistic: 'Average' }],
      ['a Maximum', { statistic: 'Maximum' }],
      ['a percentile', { statistic: 'p99' }],
      ['a percentage', { statistic: 'Sum', unit: cloudwatch.Unit.PERCENT }],
    ])('a non-additive load metric: %s', (_name, options) => {
      const f = fixture();
      new PredictiveScaler(f.stack, 'Predictive', {
        autoScalingGroup: f.group.autoScalingGroup,
        loadMetric: f.loadMetric.with(options),
        capacityPerInstance: 100,
      });
      Annotations.fromStack(f.stack).hasWarning(
        '/Predictive/Predictive',
        Match.stringLikeRegexp('loadMetric AWS/ApplicationELB/RequestCount .* is not a load'),
      );
    });
    test('an additive load metric (Sum, SampleCount) gets no warning', () => {
      for (const statistic of ['Sum', 'SampleCount']) {
        const f = fixture();
        new PredictiveScaler(f.stack, 'Predictive', {
          autoScalingGroup: f.group.autoScalingGroup,
          loadMetric: f.loadMetric.with({ statistic }),
          capacityPerInstance: 100,
        });
        expect(Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('is not a load'))).toEqual([]);
      }
    });
    test('a fixed group (min = max), and a group an ECS capacity provider scales with managed scaling', () => {
      const f = fixture();
      const fixed = new ScalingGroup(f.stack, 'Fixed', { vpc: f.vpc, minCapacity: 4, maxCapacity: 4 });
      new PredictiveScaler(f.stack, 'OnFixed', { autoScalingGroup: fixed.autoScalingGroup, loadMetric: f.loadMetric, capacityPerInstance: 100 });
      const hosts = new ScalingGroup(f.stack, 'Hosts', { vpc: f.vpc, minCapacity: 0, maxCapacity: 10 });
      new PredictiveScaler(f.stack, 'OnEcs', { autoScalingGroup: hosts.autoScalingGroup, loadMetric: f.loadMetric, capacityPerInstance: 100 });
      const cluster = new ecs.Cluster(f.stack, 'Cluster', { vpc: f.vpc });
      cluster.addAsgCapacityProvider(
        new ecs.AsgCapacityProvider(f.stack, 'Provider', { autoScalingGroup: hosts.autoScalingGroup, enableManagedTerminationProtection: false }),
      );
      // the same kind of provider without managed scaling does not drive the group
      const manual = new ScalingGroup(f.stack, 'Manual', { vpc: f.vpc, minCapacity: 0, maxCapacity: 10 });
      new PredictiveScaler(f.stack, 'OnManual', { autoScalingGroup: manual.autoScalingGroup, loadMetric: f.loadMetric, capacityPerInstance: 100 });
      cluster.addAsgCapacityProvider(
        new ecs.AsgCapacityProvider(f.stack, 'ManualProvider', {
          autoScalingGroup: manual.autoScalingGroup,
          enableManagedScaling: false,
          enableManagedTerminationProtection: false,
        }),
      );
      const a = Annotations.fromStack(f.stack);
      // one warning per cause, on the group, with one id
      a.hasWarning(
        '/Predictive/Fixed/Group',
        Match.stringLikeRegexp(
          'is fixed at 4 instances \\(MinSize = MaxSize\\) but has the predictive scaler: it cannot change its capacity.*fixedSizeGroup',
        ),
      );
      a.hasWarning(
        '/Predictive/Hosts/Group',
        Match.stringLikeRegexp('driven by the ECS capacity provider Predictive/Provider/.* with managed scaling.*ecsManagedScalingGroup'),
      );
      expect(a.findWarning('/Predictive/Manual/Group', Match.stringLikeRegexp('ECS capacity provider'))).toEqual([]);
      expect(a.findWarning('/Predictive/Hosts/Group', Match.stringLikeRegexp('fixed at'))).toEqual([]);
      expect(a.findWarning('*', Match.stringLikeRegexp('fixed at|ECS capacity provider'))).toHaveLength(2);
    });
    test('a group MinSize known only at deploy time: minCapacity is required (never the live MinSize)', () => {
      const f = fixture();
      const min = new CfnParameter(f.stack, 'MinSize', { type: 'Number', default: 2 });
      const group = new ScalingGroup(f.stack, 'Other', { vpc: f.vpc, minCapacity: min.valueAsNumber, maxCapacity: 20 });
      expect(
        () =>
          new PredictiveScaler(f.stack, 'Predictive', {
            autoScalingGroup: group.autoScalingGroup,
            loadMetric: f.loadMetric,
            capacityPerInstance: 100,
          }),
      ).toThrow(/minCapacity is required: the group's MinSize is not a literal/);
      new PredictiveScaler(f.stack, 'Predictive2', {
        autoScalingGroup: group.autoScalingGroup,
        loadMetric: f.loadMetric,
        capacityPerInstance: 100,
        minCapacity: 2,
      });
      expect(JSON.parse(functionEnv(Template.fromStack(f.stack)).GROUP_BASELINE as string)).toMatchObject({ minSize: 2, maxSize: 20 });
    });
    test('missingDataAlarmRuns known only at deploy time: the alarm evaluates the reference (no synth-time range check on a token)', () => {
      const f = fixture();
      const runs = new CfnParameter(f.stack, 'Runs', { type: 'Number', default: 3 });
      new PredictiveScaler(f.stack, 'Predictive', {
        autoScalingGroup: f.group.autoScalingGroup,
        loadMetric: f.loadMetric,
        capacityPerInstance: 100,
        missingDataAlarmRuns: runs.valueAsNumber,
      });
      const alarms = Object.entries(Template.fromStack(f.stack).findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.includes('MissingData'));
      expect(alarms.map(([, a]) => a.Properties.EvaluationPeriods)).toEqual([{ Ref: 'Runs' }]);
    });
    test('a cron schedule', () => {
      const f = fixture();
      new PredictiveScaler(f.stack, 'Predictive', {
        autoScalingGroup: f.group.autoScalingGroup,
        loadMetric: f.loadMetric,
        capacityPerInstance: 100,
        schedule: events.Schedule.cron({ minute: '*/5' }),
      });
      Annotations.fromStack(f.stack).hasWarning(
        '/Predictive/Predictive',
        Match.stringLikeRegexp('is not a rate: make sure horizon \\(120 minutes\\) spans at least two runs'),
      );
    });
  });

  describe('defaults read from the group', () => {
    function plainGroup(f: ReturnType<typeof fixture>, options: Partial<autoscaling.AutoScalingGroupProps> = {}) {
      const lt = new ec2.LaunchTemplate(f.stack, 'FleetTemplate', {
        instanceType: new ec2.InstanceType('t3.small'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023(),
        securityGroup: new ec2.SecurityGroup(f.stack, 'FleetSg', { vpc: f.vpc }),
      });
      return new autoscaling.AutoScalingGroup(f.stack, 'Fleet', { vpc: f.vpc, launchTemplate: lt, minCapacity: 1, maxCapacity: 8, ...options });
    }
    function withRequestCountPolicy(f: ReturnType<typeof fixture>, group: autoscaling.AutoScalingGroup, targetRequestsPerMinute: number) {
      const alb = new elbv2.ApplicationLoadBalancer(f.stack, 'Alb', { vpc: f.vpc });
      const tg = new elbv2.ApplicationTargetGroup(f.stack, 'Tg', { vpc: f.vpc, port: 80, targets: [group] });
      alb.addListener('Http', { port: 80, defaultTargetGroups: [tg] });
      group.scaleOnRequestCount('Requests', { targetRequestsPerMinute });
      return tg;
    }

    test("capacityPerInstance: the group's request-count target tracking target / (targetUtilizationPercent / 100) (a plain aws-cdk-lib group, its target group's 5-minute metric)", () => {
      const f = fixture();
      const group = plainGroup(f);
      const tg = withRequestCountPolicy(f, group, 700);
      new PredictiveScaler(f.stack, 'Predictive', { autoScalingGroup: group, loadMetric: tg.metrics.requestCount() });
      new PredictiveScaler(f.stack, 'AtHalf', {
        autoScalingGroup: group,
        loadMetric: tg.metrics.requestCount(),
        targetUtilizationPercent: 50,
        scheduledActionPrefix: 'half-',
      });
      const envs = Object.values(
        Template.fromStack(f.stack).findResources('AWS::Lambda::Function', {
          Properties: { Environment: { Variables: { SCALING_MODE: Match.anyValue() } } },
        }),
      ).map((r) => r.Properties.Environment.Variables);
      expect(envs.map((e) => [e.TARGET_UTILIZATION_PERCENT, e.CAPACITY_PER_INSTANCE]).sort()).toEqual([
        ['50', '1400'],
        ['70', '1000'],
      ]);
      expect(
        Annotations.fromStack(f.stack)
          .findWarning('*', Match.anyValue())
          .filter((w) => /^\/Predictive\/(Predictive|AtHalf)(\/|$)/.test(w.id))
          // the plain group collects no group metrics: only the capacity-history warning
          .filter((w) => !JSON.stringify(w.entry.data).includes('predictiveScalerNoCapacityHistory')),
      ).toEqual([]);
    });

    test('capacityPerInstance: a named error when it is neither given nor derivable', () => {
      const f = fixture();
      const group = plainGroup(f);
      group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
      expect(() => new PredictiveScaler(f.stack, 'Predictive', { autoScalingGroup: group, loadMetric: f.loadMetric })).toThrow(
        /^capacityPerInstance is required: the group Predictive\/Fleet has no request-count target tracking policy/,
      );
      const imported = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Imported', 'web');
      expect(
        () => new PredictiveScaler(f.stack, 'OnImported', { autoScalingGroup: imported, loadMetric: f.loadMetric, minCapacity: 1, maxCapacity: 4 }),
      ).toThrow(/^capacityPerInstance is required/);
      expect(
        () => new PredictiveScaler(f.stack, 'BadTarget', { autoScalingGroup: group, loadMetric: f.loadMetric, targetUtilizationPercent: 0 }),
      ).toThrow(/capacityPerInstance is required/);
    });

    test('capacityPerInstance is not derived from a token targetUtilizationPercent: a named error, not a nonsense number', () => {
      const f = fixture();
      const group = plainGroup(f);
      withRequestCountPolicy(f, group, 700);
      const utilization = new CfnParameter(f.stack, 'Utilization', { type: 'Number', default: 70 }).valueAsNumber;
      expect(
        () =>
          new PredictiveScaler(f.stack, 'Predictive', { autoScalingGroup: group, loadMetric: f.loadMetric, targetUtilizationPercent: utilization }),
      ).toThrow('capacityPerInstance is required when targetUtilizationPercent is a token (resolved only at deploy time)');
      // given, the token passes through to the function
      new PredictiveScaler(f.stack, 'Given', {
        autoScalingGroup: group,
        loadMetric: f.loadMetric,
        targetUtilizationPercent: utilization,
        capacityPerInstance: 1000,
      });
      expect(functionEnv(Template.fromStack(f.stack))).toMatchObject({
        TARGET_UTILIZATION_PERCENT: { Ref: 'Utilization' },
        CAPACITY_PER_INSTANCE: '1000',
      });
    });

    test("launch lead: a launch plus the warmup without a warm pool; the warmup alone with one (ours, or aws-cdk-lib's addWarmPool)", () => {
      const lead = (make: (f: ReturnType<typeof fixture>) => autoscaling.IAutoScalingGroup) => {
        const f = fixture();
        new PredictiveScaler(f.stack, 'Predictive', { autoScalingGroup: make(f), loadMetric: f.loadMetric, capacityPerInstance: 100 });
        return functionEnv(Template.fromStack(f.stack)).LAUNCH_LEAD_SECONDS;
      };
      expect(lead((f) => f.group.autoScalingGroup)).toBe('300'); // 2 min launch + ScalingGroup's 3 min warmup
      expect(
        lead((f) => new ScalingGroup(f.stack, 'Warm', { vpc: f.vpc, minCapacity: 1, maxCapacity: 6, warmPool: { minSize: 2 } }).autoScalingGroup),
      ).toBe('180');
      expect(lead((f) => plainGroup(f, { defaultInstanceWarmup: Duration.minutes(2) }))).toBe('240');
      expect(
        lead((f) => {
          const g = plainGroup(f, { defaultInstanceWarmup: Duration.minutes(2) });
          g.addWarmPool({ minSize: 1 });
          return g;
        }),
      ).toBe('120');
      expect(lead((f) => plainGroup(f))).toBe('300'); // no warmup: 2 min launch + 3 min assumed
      expect(lead((f) => plainGroup(f, { defaultInstanceWarmup: Duration.minutes(59) }))).toBe('3600'); // at most an hour
    });

    test("ScalableService hands the cost optimizer's state tag key to the predictive scaler", () => {
      const f = fixture();
      const service = new ScalableService(f.stack, 'Service', {
        vpc: f.vpc,
        budget: { limit: 500 },
        costOptimizer: { stateTagKey: 'team:cost-state' },
      });
      const env = (fn: { node: IConstruct['node'] }) =>
        Template.fromStack(f.stack).findResources('AWS::Lambda::Function', {})[f.stack.getLogicalId(fn.node.defaultChild as never)].Properties
          .Environment.Variables;
      expect(env(service.predictiveScaler!.function)).toMatchObject({ COST_STATE_TAG_KEY: 'team:cost-state' });
      expect(env(service.costOptimizer!.function)).toMatchObject({ STATE_TAG_KEY: 'team:cost-state' });
      const g = fixture();
      const plain = new ScalableService(g.stack, 'Service', { vpc: g.vpc, budget: { limit: 500 } });
      expect(plain.costOptimizer!.stateTagKey).toBe('cost-optimizer:state');
      expect(functionEnv(Template.fromStack(g.stack))).toMatchObject({ COST_STATE_TAG_KEY: 'cost-optimizer:state' });
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<PredictiveScalerProps>, RegExp]>([
      ['capacityPerInstance zero', { capacityPerInstance: 0 }, /capacityPerInstance must be > 0, got 0$/],
      ['capacityPerInstance not finite', { capacityPerInstance: Infinity }, /capacityPerInstance must be a finite number, got Infinity$/],
      ['targetUtilizationPercent above 100', { targetUtilizationPercent: 150 }, /^targetUtilizationPercent must be in \(0, 100\], got 150$/],
      ['targetUtilizationPercent zero', { targetUtilizationPercent: 0 }, /^targetUtilizationPercent must be in \(0, 100\], got 0$/],
      [
        'targetUtilizationPercent as a ratio (0.7 is 0.7%, allowed but not 70%)',
        { targetUtilizationPercent: -0.7 },
        /^targetUtilizationPercent must be in \(0, 100\], got -0.7$/,
      ],
      ['historyDuration over 14 days', { historyDuration: Duration.days(15) }, /historyDuration must be in \[1 hour, 14 days\], got 15 days/],
      [
        'minimumHistory above historyDuration',
        { historyDuration: Duration.days(2), minimumHistory: Duration.days(3) },
        /minimumHistory must be at most historyDuration \(2 days\), got 3 days/,
      ],
      ['launchLeadTime over an hour', { launchLeadTime: Duration.hours(2) }, /launchLeadTime must be in \[0 seconds, 1 hour\], got 2 hours/],
      ['horizon too short', { horizon: Duration.minutes(5) }, /horizon must be in \[10 minutes, 2 days\], got 5 minutes/],
      [
        'horizon under two runs',
        { horizon: Duration.minutes(30), schedule: events.Schedule.rate(Duration.minutes(20)) },
        /horizon \(30 minutes\) must be at least two schedule intervals \(2 x 20 minutes\)/,
      ],
      ['maxScheduledActions not an integer', { maxScheduledActions: 10.5 }, /maxScheduledActions must be an integer, got 10.5/],
      ['maxScheduledActions over the AWS quota', { maxScheduledActions: 125 }, /maxScheduledActions must be in \[2, 120\], got 125/],
      [
        'scheduledActionPrefix with a space',
        { scheduledActionPrefix: 'my plan' },
        /scheduledActionPrefix must be 1-200 letters, digits, '_', '.', ':' or '-', got 'my plan'/,
      ],
      ['metricsNamespace in AWS/', { metricsNamespace: 'AWS/Scaler' }, /metricsNamespace must be .* not start with 'AWS\/', got 'AWS\/Scaler'/],
      [
        'costOptimizerStateTagKey reserved',
        { costOptimizerStateTagKey: 'aws:cost' },
        /costOptimizerStateTagKey must be a tag key of 1-128 characters, not starting with 'aws:', got 'aws:cost'/,
      ],
    ])('%s', (_name, props, message) => {
      expect(() => scaler(props)).toThrow(message);
    });

    test('a load metric of another region', () => {
      const f = fixture();
      expect(
        () =>
          new PredictiveScaler(f.stack, 'Predictive', {
            autoScalingGroup: f.group.autoScalingGroup,
            loadMetric: f.loadMetric.with({ region: 'eu-west-1' }),
            capacityPerInstance: 100,
          }),
      ).toThrow(/loadMetric must be in the scaler's own region \(us-east-1\), got region eu-west-1/);
    });
  });
});
