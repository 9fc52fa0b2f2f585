import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { AlertTopic } from '../../../lib/load-monitoring/alert-topic';
import { CostOptimizer, CostOptimizerMode, type CostOptimizerProps, SpendSource, WeekDay } from '../../../lib/resource-management/cost-optimizer';
import { ScalingBudget } from '../../../lib/resource-management/scaling-budget';
import { BudgetScope } from '../../../lib/resource-management/budget-scope';
import { ScalableService } from '../../../lib/scalable-service';
import { ScalingGroup } from '../../../lib/auto-scaling/scaling-group';
import { importedVpc } from '../../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Cost', { env: ENV });
  const vpc = importedVpc(stack);
  const alerts = new AlertTopic(stack, 'Alerts');
  const group = new ScalingGroup(stack, 'Web', { vpc, instanceType: new ec2.InstanceType('m5.xlarge'), minCapacity: 2, maxCapacity: 20 });
  const budget = new ScalingBudget(stack, 'Budget', { limit: 1000, alertTopic: alerts.topic, budgetName: 'web-monthly' });
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
  return { app, stack, vpc, alerts, group, budget, dashboard };
}

const ladder = {
  instanceTypes: [new ec2.InstanceType('m5.large'), new ec2.InstanceType('m5.xlarge'), new ec2.InstanceType('m5.2xlarge')],
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.days(3),
  minInterval: Duration.days(7),
};

function optimizer(props: Partial<CostOptimizerProps> = {}) {
  const f = fixture();
  const co = new CostOptimizer(f.stack, 'Cost', {
    autoScalingGroup: f.group.autoScalingGroup,
    launchTemplate: f.group.launchTemplate,
    budget: f.budget,
    alertTopic: f.alerts.topic,
    dashboard: f.dashboard,
    floorCapacity: 2,
    ...props,
  });
  return { ...f, co, template: Template.fromStack(f.stack) };
}

/** All IAM statements of the optimizer's role policy. */
function statements(template: Template): Array<Record<string, any>> {
  const policies = template.findResources('AWS::IAM::Policy');
  const mine = Object.entries(policies).filter(([id]) => id.startsWith('CostScaler'));
  return mine.flatMap(([, p]) => (p as any).Properties.PolicyDocument.Statement);
}

describe('CostOptimizer', () => {
  test('an hourly function with the group, budget and levers in its environment, and an error alarm to the topic', () => {
    const { template } = optimizer({ targetUtilizationBand: { maxPercent: 70 }, vertical: ladder });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          AUTO_SCALING_GROUP_NAME: { Ref: Match.stringLikeRegexp('WebGroup') },
          BUDGET_NAME: 'web-monthly',
          BUDGET_LIMIT: '1000',
          BUDGET_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
          MODE: 'apply',
          SPEND_SOURCE: 'budgets',
          FLOOR_CAPACITY: '2',
          TIGHTEN_ABOVE_PERCENT: '100',
          RESTORE_BELOW_PERCENT: '95',
          BUDGET_STEP_INTERVAL_HOURS: '12',
          LOAD_LOOKBACK_HOURS: '168',
          TARGET_UTILIZATION_MAX_PERCENT: '70',
          TARGET_UTILIZATION_STEP_PERCENT: '5',
          VERTICAL_SCALING: JSON.stringify({
            instanceTypes: ['m5.large', 'm5.xlarge', 'm5.2xlarge'],
            lowerUtilizationPercent: 20,
            upperUtilizationPercent: 70,
            evaluationWindowHours: 72,
            minIntervalHours: 168,
          }),
          LAUNCH_TEMPLATE_ID: { Ref: Match.stringLikeRegexp('WebLaunchTemplate') },
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlertsTopic') }],
    });
  });

  test('Auto Scaling writes only on the managed group, launch template writes only on the managed template', () => {
    const { template } = optimizer({ vertical: ladder, targetUtilizationBand: { maxPercent: 70 } });
    const st = statements(template);
    const manage = st.find((s) => s.Sid === 'ManageGroup')!;
    expect(manage.Action).toEqual([
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:CreateOrUpdateTags',
      'autoscaling:PutScalingPolicy',
      'autoscaling:StartInstanceRefresh',
    ]);
    expect(JSON.stringify(manage.Resource)).toMatch(/autoScalingGroupName\/",\{"Ref":"WebGroup/);
    const lt = st.find((s) => s.Sid === 'VersionLaunchTemplate')!;
    expect(lt.Action).toEqual(['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate']);
    expect(JSON.stringify(lt.Resource)).toMatch(/launch-template\/",\{"Ref":"WebLaunchTemplate/);
    const run = st.find((s) => s.Sid === 'LaunchFromManagedTemplateOnly')!;
    expect(run).toMatchObject({ Action: 'ec2:RunInstances', Resource: '*', Condition: { ArnLike: { 'ec2:LaunchTemplate': expect.anything() } } });
    expect(st.find((s) => s.Sid === 'PassInstanceRole')).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
    expect(st.find((s) => s.Sid === 'ReadBudget')!.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':budgets::123456789012:budget/web-monthly']],
    });
    // Nothing else may write anywhere.
    const writeActions = st
      .flatMap((s) => [].concat(s.Action))
      .filter((a: string) => !/^(autoscaling:Describe|ec2:Describe|cloudwatch:GetMetricData|budgets:ViewBudget|logs:)/.test(a));
    expect(writeActions.sort()).toEqual([
      'autoscaling:CreateOrUpdateTags',
      'autoscaling:PutScalingPolicy',
      'autoscaling:StartInstanceRefresh',
      'autoscaling:UpdateAutoScalingGroup',
      'dynamodb:UpdateItem',
      'ec2:CreateLaunchTemplateVersion',
      'ec2:CreateTags',
      'ec2:ModifyLaunchTemplate',
      'ec2:RunInstances',
      'iam:PassRole',
    ]);
  });

  test('IAM: the role grants every AWS call the handler sends, and no other action (with every lever on)', () => {
    const { template } = optimizer({ vertical: ladder, targetUtilizationBand: { maxPercent: 70 }, spendSource: SpendSource.COST_EXPLORER });
    const granted = new Set(statements(template).flatMap((s) => [].concat(s.Action) as string[]));
    // The SDK commands the handler sends, with their client's IAM service prefix.
    const prefixOf: Record<string, string> = {
      'client-auto-scaling': 'autoscaling',
      'client-ec2': 'ec2',
      'client-cloudwatch': 'cloudwatch',
      'client-budgets': 'budgets',
      'client-cost-explorer': 'ce',
      'client-dynamodb': 'dynamodb',
      'client-application-auto-scaling': 'application-autoscaling',
    };
    // Sent only with ecsService, and granted then (test/lambda/cost-optimizer/ecs-task-cap.emulator.test.ts).
    const ecsOnly = new Set(['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:RegisterScalableTarget']);
    // IAM names a few actions differently from the API operation.
    const iamActionOf: Record<string, string> = { 'budgets:DescribeBudget': 'budgets:ViewBudget' };
    const dir = join(__dirname, '../../../lambda/cost-optimizer');
    const sent = new Set<string>();
    // The handler's files, and the lease it takes through lambda/shared/coordination.ts.
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts')), '../shared/coordination.ts'];
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      const clientOf = new Map<string, string>();
      for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g)) {
        for (const name of m[1]
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean))
          clientOf.set(name, m[2]);
      }
      for (const m of source.matchAll(/new (\w+)Command\(/g)) {
        const client = clientOf.get(`${m[1]}Command`);
        expect({ file, command: m[1], client }).toEqual({ file, command: m[1], client: expect.stringMatching(/^client-/) });
        const action = `${prefixOf[client!]}:${m[1]}`;
        sent.add(iamActionOf[action] ?? action);
      }
    }
    expect(sent.size).toBeGreaterThan(10);
    expect([...sent].filter((a) => !granted.has(a) && !ecsOnly.has(a)).sort()).toEqual([]);
    // Granted beyond the calls: logging, and what Auto Scaling checks on the caller when the
    // group's launch template is used (launching from it, tagging at launch, passing its role).
    const implied = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'ec2:RunInstances', 'ec2:CreateTags', 'iam:PassRole']);
    expect([...granted].filter((a) => !sent.has(a) && !implied.has(a)).sort()).toEqual([]);
    expect(sent).toContain('autoscaling:DescribeScheduledActions');
  });

  test('without vertical scaling or Spot: no launch template writes, no launch permissions, no instance refresh; Cost Explorer only when chosen', () => {
    const { template } = optimizer({ spendSource: SpendSource.COST_EXPLORER, costAllocationTag: { key: 'app', value: 'web' } });
    const st = statements(template);
    expect(st.find((s) => s.Sid === 'VersionLaunchTemplate')).toBeUndefined();
    expect(st.find((s) => s.Sid === 'LaunchFromManagedTemplateOnly')).toBeUndefined();
    expect(st.find((s) => s.Sid === 'PassInstanceRole')).toBeUndefined();
    // PutScalingPolicy also without targetUtilizationBand: a redeploy that removes it restores a raised target (issue 22).
    expect(st.find((s) => s.Sid === 'ManageGroup')!.Action).toEqual([
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:CreateOrUpdateTags',
      'autoscaling:PutScalingPolicy',
    ]);
    expect(st.find((s) => s.Sid === 'ReadCostAndUsage')).toMatchObject({ Action: 'ce:GetCostAndUsage' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SPEND_SOURCE: 'cost-explorer', COST_TAG_KEY: 'app', COST_TAG_VALUE: 'web' }) },
    });
  });

  test('working hours, mode and schedule reach the function', () => {
    const { template } = optimizer({
      workingHours: {
        days: [WeekDay.FRIDAY, WeekDay.MONDAY],
        startTime: '08:30',
        endTime: '19:00',
        timeZone: 'Europe/Berlin',
        restoreLead: Duration.minutes(90),
      },
      mode: CostOptimizerMode.DRY_RUN,
      schedule: events.Schedule.rate(Duration.minutes(30)),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          WORKING_HOURS: JSON.stringify({ days: [1, 5], startMinute: 510, endMinute: 1140, timeZone: 'Europe/Berlin' }),
          RESTORE_LEAD_MINUTES: '90',
          MODE: 'dry-run',
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(30 minutes)' });
  });

  test('dashboard widgets: expected month-end cost vs the limit, and the capacity cap', () => {
    const { template } = optimizer();
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toMatch(/Expected month-end cost vs budget/);
    expect(body).toMatch(/ExpectedMonthEndCost/);
    expect(body).toMatch(/BudgetLimit/);
    expect(body).toMatch(/Capacity cap/);
    expect(body).toMatch(/CapacityCap/);
    expect(body).toMatch(/PeakCapacityNeeded/);
  });

  test('an existing budget imported by name (ScalingBudget.fromBudgetName) carries its name, limit and scope; nothing is created', () => {
    const f = fixture();
    const existing = ScalingBudget.fromBudgetName(f.stack, 'Existing', 'existing', { limit: 250, budgetScope: BudgetScope.SERVICE });
    expect([existing.budgetName, existing.limit, existing.budgetScope, existing.costAllocationTag]).toEqual([
      'existing',
      250,
      BudgetScope.SERVICE,
      undefined,
    ]);
    new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: existing });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::Budgets::Budget', 1); // the fixture's own ScalingBudget only
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUDGET_NAME: 'existing', BUDGET_LIMIT: '250', BUDGET_SCOPE: 'service' }) },
    });
    // Read access to that budget only.
    expect(
      statements(t)
        .filter((st) => st.Sid === 'ReadBudget')
        .map((st) => JSON.stringify(st.Resource)),
    ).toEqual([expect.stringMatching(/:budgets::123456789012:budget\/existing"/)]);
  });

  test('an imported budget without a limit renders none (the handler uses the limit AWS Budgets reports)', () => {
    const f = fixture();
    const existing = ScalingBudget.fromBudgetName(f.stack, 'Existing', 'existing', { budgetScope: BudgetScope.SERVICE });
    new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: existing });
    const fn = Object.values(Template.fromStack(f.stack).findResources('AWS::Lambda::Function')).find(
      (r) => (r as any).Properties.Environment?.Variables?.BUDGET_NAME === 'existing',
    ) as any;
    expect(fn.Properties.Environment.Variables.BUDGET_LIMIT).toBeUndefined();
  });

  /** A CostOptimizer with a Spot shift on a group given a mixed instances policy (after the optimizer, by escape hatch). */
  function spotOptimizer(props: Partial<CostOptimizerProps> = {}) {
    const f = fixture();
    new CostOptimizer(f.stack, 'Cost', {
      autoScalingGroup: f.group.autoScalingGroup,
      launchTemplate: f.group.launchTemplate,
      budget: f.budget,
      floorCapacity: 2,
      spot: { minOnDemandPercent: 20 },
      ...props,
    });
    const cfn = f.group.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    cfn.mixedInstancesPolicy = {
      launchTemplate: {
        launchTemplateSpecification: {
          launchTemplateId: f.group.launchTemplate.launchTemplateId!,
          version: f.group.launchTemplate.latestVersionNumber,
        },
      },
      instancesDistribution: { onDemandPercentageAboveBaseCapacity: 100 },
    };
    return f;
  }

  test("Spot shift: launch permissions for the managed template; without launchTemplate the L2 group's own is found; a warning for an imported group", () => {
    const template = Template.fromStack(spotOptimizer().stack);
    expect(statements(template).find((s) => s.Sid === 'LaunchFromManagedTemplateOnly')).toBeDefined();
    const { stack } = spotOptimizer({ launchTemplate: undefined });
    expect(statements(Template.fromStack(stack)).find((s) => s.Sid === 'LaunchFromManagedTemplateOnly')).toBeDefined();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('spot is set without launchTemplate'))).toEqual([]);
    const f = fixture();
    new CostOptimizer(f.stack, 'Imported', {
      autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Fleet', 'fleet'),
      minCapacity: 1,
      maxCapacity: 4,
      budget: f.budget,
      spot: { minOnDemandPercent: 20 },
    });
    Annotations.fromStack(f.stack).hasWarning('/Cost/Imported', Match.stringLikeRegexp('spot is set without launchTemplate'));
  });

  test('vertical scaling on a plain aws-cdk-lib group finds its launch template (launchTemplateOf) when none is given', () => {
    const f = fixture();
    const lt = new ec2.LaunchTemplate(f.stack, 'FleetTemplate', {
      instanceType: new ec2.InstanceType('m5.xlarge'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    const group = new autoscaling.AutoScalingGroup(f.stack, 'Fleet', { vpc: f.vpc, launchTemplate: lt, minCapacity: 1, maxCapacity: 6 });
    new CostOptimizer(f.stack, 'Plain', { autoScalingGroup: group, budget: f.budget, vertical: ladder });
    const template = Template.fromStack(f.stack);
    const ltRef = f.stack.getLogicalId(lt.node.defaultChild as never);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LAUNCH_TEMPLATE_ID: { Ref: ltRef } }) } });
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>,
    );
    const version = all.find((s) => s.Sid === 'VersionLaunchTemplate' && JSON.stringify(s.Resource).includes(ltRef));
    expect(version).toBeDefined();
    // an imported group has no template to find: vertical scaling asks for it
    expect(
      () =>
        new CostOptimizer(f.stack, 'Imported', {
          autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Other', 'other'),
          minCapacity: 1,
          maxCapacity: 4,
          budget: f.budget,
          vertical: ladder,
        }),
    ).toThrow(/vertical scaling needs launchTemplate: .*give it for an imported group/);
  });

  test('warnings: a fixed group, an ECS capacity provider with managed scaling, targetUtilizationBand without a CPU target tracking policy', () => {
    const f = fixture();
    const fixed = new ScalingGroup(f.stack, 'Fixed', { vpc: f.vpc, minCapacity: 3, maxCapacity: 3 });
    new CostOptimizer(f.stack, 'OnFixed', { autoScalingGroup: fixed.autoScalingGroup, budget: f.budget, floorCapacity: 1 });
    const ecsGroup = new ScalingGroup(f.stack, 'EcsHosts', { vpc: f.vpc, minCapacity: 0, maxCapacity: 10 });
    new CostOptimizer(f.stack, 'OnEcs', {
      autoScalingGroup: ecsGroup.autoScalingGroup,
      budget: f.budget,
      floorCapacity: 1,
      targetUtilizationBand: { maxPercent: 80 },
    });
    // added after the optimizer: still seen
    const cluster = new ecs.Cluster(f.stack, 'Cluster', { vpc: f.vpc });
    cluster.addAsgCapacityProvider(
      new ecs.AsgCapacityProvider(f.stack, 'Provider', { autoScalingGroup: ecsGroup.autoScalingGroup, enableManagedTerminationProtection: false }),
    );
    const a = Annotations.fromStack(f.stack);
    a.hasWarning(
      '/Cost/Fixed/Group',
      Match.stringLikeRegexp('is fixed at 3 instances \\(MinSize = MaxSize\\) but has the cost optimizer: it cannot change its capacity'),
    );
    a.hasWarning('/Cost/EcsHosts/Group', Match.stringLikeRegexp('driven by the ECS capacity provider .*Provider.* with managed scaling'));
    a.hasWarning(
      '/Cost/OnEcs',
      Match.stringLikeRegexp(
        "targetUtilizationBand \\(maxPercent 80\\) raises the target of the group's CPU target tracking policy, but .* has none",
      ),
    );
    // the main fixture's group (2..20, no capacity provider) gets none of them
    const { stack } = optimizer({ targetUtilizationBand: { maxPercent: 70 } });
    expect(Annotations.fromStack(stack).findWarning('/Cost/Cost', Match.stringLikeRegexp('fixed at|ECS capacity provider'))).toEqual([]);
    // ... and the CPU warning disappears with a CPU target tracking policy, added after the optimizer
    const g = fixture();
    new CostOptimizer(g.stack, 'Cost', {
      autoScalingGroup: g.group.autoScalingGroup,
      budget: g.budget,
      floorCapacity: 2,
      targetUtilizationBand: { maxPercent: 70 },
    });
    Annotations.fromStack(g.stack).hasWarning('/Cost/Cost', Match.stringLikeRegexp('has none'));
    const h = fixture();
    new CostOptimizer(h.stack, 'Cost', {
      autoScalingGroup: h.group.autoScalingGroup,
      budget: h.budget,
      floorCapacity: 2,
      targetUtilizationBand: { maxPercent: 70 },
    });
    h.group.autoScalingGroup.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
    expect(Annotations.fromStack(h.stack).findWarning('/Cost/Cost', Match.stringLikeRegexp('has none'))).toEqual([]);
  });

  test('stateTagKey reaches the function and is exposed for the predictive scaler', () => {
    const { template, co } = optimizer({ stateTagKey: 'team:cost-state' });
    expect(co.stateTagKey).toBe('team:cost-state');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STATE_TAG_KEY: 'team:cost-state' }) } });
    expect(optimizer().co.stateTagKey).toBe('cost-optimizer:state');
    expect(() => optimizer({ stateTagKey: 'aws:state' })).toThrow(
      /stateTagKey must be a tag key of 1-128 characters, not starting with 'aws:', got 'aws:state'/,
    );
  });

  test('Spot shift on a group without a mixed instances policy fails the synthesis', () => {
    const f = fixture();
    new CostOptimizer(f.stack, 'Cost', {
      autoScalingGroup: f.group.autoScalingGroup,
      budget: f.budget,
      floorCapacity: 2,
      spot: { minOnDemandPercent: 20 },
    });
    expect(() => f.app.synth()).toThrow(/spot \(minOnDemandPercent 20\) needs a group with a mixed instances policy: Cost\/Web\/Group has none/);
  });

  test('warnings: a restore lead shorter than the hourly schedule; a vertical band a step down would cross', () => {
    const { stack } = optimizer({
      workingHours: { startTime: '08:00', endTime: '18:00', restoreLead: Duration.minutes(30) },
      vertical: { ...ladder, lowerUtilizationPercent: 40, upperUtilizationPercent: 70 },
    });
    const warnings = Annotations.fromStack(stack)
      .findWarning('*', Match.anyValue())
      .map((w) => JSON.stringify(w.entry.data));
    expect(warnings.join('\n')).toMatch(/restoreLead \(30 minutes\) is shorter than the hourly schedule/);
    expect(warnings.join('\n')).toMatch(/lowerUtilizationPercent \(40\) is at least half of upperUtilizationPercent \(70\)/);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding from the optimizer (IAM5 acknowledged per finding)', () => {
    const { app, stack } = optimizer({ vertical: ladder, spendSource: SpendSource.COST_EXPLORER });
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const found = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    // The pack is live: it reports other parts' findings in the same stack.
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => / Cost\/Cost\//.test(f))).toEqual([]);
    const role = stack.node.findChild('Cost').node.findChild('Scaler').node.findChild('Role');
    const acks = (c: IConstruct) =>
      c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object));
    const acknowledged = acks(role);
    // Resource "*" is acknowledged on the read-only and the conditioned launch policies only, never on the role.
    expect(acknowledged.join('\n')).not.toMatch(/AwsSolutions-IAM5\[Resource::\*\]/);
    const scaler = stack.node.findChild('Cost').node.findChild('Scaler');
    expect(acks(scaler.node.findChild('ReadOnlyPolicy'))).toEqual(['Annotation::AwsSolutions-IAM5[Resource::*]']);
    expect(acks(scaler.node.findChild('LaunchFromManagedTemplatePolicy'))).toEqual(['Annotation::AwsSolutions-IAM5[Resource::*]']);
    expect(acknowledged.join('\n')).toMatch(
      /AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:autoscaling:us-east-1:123456789012:autoScalingGroup:\*:autoScalingGroupName\/<WebGroup/,
    );
  });

  describe('validation', () => {
    test.each<[string, Partial<CostOptimizerProps>, RegExp]>([
      ['floor not an integer', { floorCapacity: 1.5 }, /floorCapacity must be an integer, got 1.5$/],
      ['floor above the group max', { floorCapacity: 25 }, /floorCapacity \(25\) must be <= the group's maxCapacity \(20\)/],
      ['emergency utilization', { emergencyUtilizationPercent: 0 }, /emergencyUtilizationPercent must be in \(0, 100\], got 0$/],
      ['cap step', { capStepPercent: 150 }, /capStepPercent must be in \(0, 100\], got 150$/],
      ['hysteresis band', { tightenAbovePercent: 90, restoreBelowPercent: 95 }, /restoreBelowPercent \(95\) must be < tightenAbovePercent \(90\)/],
      [
        'cost tag without Cost Explorer',
        { costAllocationTag: { key: 'app', value: 'web' } },
        /costAllocationTag \(app\) applies only with spendSource COST_EXPLORER, got budgets/,
      ],
      ['load lookback', { loadLookback: Duration.minutes(30) }, /loadLookback must be in \[1 hour, 14 days\], got 30 minutes/],
      ['budget step interval', { budgetStepInterval: Duration.days(40) }, /budgetStepInterval must be in \[0 seconds, 31 days\], got 40 days/],
      ['utilization period', { utilizationPeriod: Duration.seconds(90) }, /utilizationPeriod must be a whole number of minutes/],
      ['target band', { targetUtilizationBand: { maxPercent: 120 } }, /^targetUtilizationBand.maxPercent must be in \(0, 100\], got 120$/],
      [
        'target band step',
        { targetUtilizationBand: { maxPercent: 80, stepPercent: 0 } },
        /^targetUtilizationBand.stepPercent must be in \(0, 100\], got 0$/,
      ],
      ['spot share', { spot: { minOnDemandPercent: -5 } }, /spot.minOnDemandPercent must be in \[0, 100\], got -5$/],
      ['refresh health', { refreshMinHealthyPercent: 101 }, /refreshMinHealthyPercent must be in \[0, 100\], got 101$/],
      [
        'working hours format',
        { workingHours: { startTime: '8am', endTime: '18:00' } },
        /workingHours.startTime must be 'HH:MM' \(24-hour clock\), got '8am'/,
      ],
      [
        'working hours order',
        { workingHours: { startTime: '18:00', endTime: '08:00' } },
        /workingHours.endTime \(08:00\) must be after workingHours.startTime \(18:00\)/,
      ],
      ['working days', { workingHours: { days: [], startTime: '08:00', endTime: '18:00' } }, /workingHours.days must name at least one day/],
      [
        'time zone',
        { workingHours: { startTime: '08:00', endTime: '18:00', timeZone: 'Mars/Olympus' } },
        /workingHours.timeZone must be an IANA time zone .* got 'Mars\/Olympus'/,
      ],
      [
        'vertical ladder',
        { vertical: { ...ladder, instanceTypes: [new ec2.InstanceType('m5.large')] } },
        /instanceTypes must list at least 2 instance types/,
      ],
    ])('%s', (_name, props, message) => {
      expect(() => optimizer(props)).toThrow(message);
    });

    test('a budget is required', () => {
      const f = fixture();
      expect(() => new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup } as unknown as CostOptimizerProps)).toThrow(
        /^budget is required: the optimizer acts on a budget's spend and forecast/,
      );
    });
    test("an imported budget's limit must be positive", () => {
      const f = fixture();
      const budget = ScalingBudget.fromBudgetName(f.stack, 'X', 'x', { limit: 0, budgetScope: BudgetScope.SERVICE });
      expect(() => new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget })).toThrow(
        /^budget.limit must be > 0 USD, got 0 USD$/,
      );
    });
    test("an imported budget's name is checked by the contract", () => {
      const f = fixture();
      const budget = ScalingBudget.fromBudgetName(f.stack, 'X', 'team:shared', { budgetScope: BudgetScope.SERVICE });
      expect(() => new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget })).toThrow(
        /^budget.budgetName must be 1-100 characters without ':' or '\\', got 'team:shared'$/,
      );
    });
  });
});

describe('CostOptimizer forecast overrun', () => {
  test("an alarm on the spend plan's ForecastOverrunPercent (> 0 for two runs) notifies the topic", () => {
    const { co, template } = optimizer();
    expect(co.forecastOverrunAlarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ForecastOverrunPercent',
      Namespace: co.metricsNamespace,
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('whose spend: the budget scope (issue 21)', () => {
  const warnings = (stack: Stack, re: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(re));

  test('a service-scoped ScalingBudget (the default) tags the group it caps, and no warning', () => {
    const f = fixture();
    new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: f.budget });
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'scaling:service', Value: 'web-monthly', PropagateAtLaunch: true }]),
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BUDGET_SCOPE: 'service' }) } });
    expect(warnings(f.stack, 'whole account')).toEqual([]);
  });

  test('an account-wide budget in APPLY mode is a synth warning; not in DRY_RUN', () => {
    const f = fixture();
    const account = new ScalingBudget(f.stack, 'AccountBudget', { limit: 1000, alertTopic: f.alerts.topic, budgetScope: BudgetScope.ACCOUNT });
    new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: account });
    Annotations.fromStack(f.stack).hasWarning(
      '/Cost/Cost',
      Match.stringLikeRegexp("counts the whole account's spend \\(BudgetScope.ACCOUNT\\) and the optimizer is in APPLY mode"),
    );
    Template.fromStack(f.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUDGET_SCOPE: 'account' }) },
    });
    const g = fixture();
    const dry = new ScalingBudget(g.stack, 'AccountBudget', { limit: 1000, alertTopic: g.alerts.topic, budgetScope: BudgetScope.ACCOUNT });
    new CostOptimizer(g.stack, 'Cost', { autoScalingGroup: g.group.autoScalingGroup, budget: dry, mode: CostOptimizerMode.DRY_RUN });
    expect(warnings(g.stack, 'whole account')).toEqual([]);
  });

  test('a budget imported by name must declare its scope in APPLY mode; ACCOUNT declared warns', () => {
    const f = fixture();
    const undeclared = ScalingBudget.fromBudgetName(f.stack, 'Shared', 'shared', { limit: 500 });
    expect(() => new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: undeclared })).toThrow(
      /^budget.budgetScope is required for a budget imported by name \('shared', Cost\/Shared\) in APPLY mode/,
    );
    const g = fixture();
    new CostOptimizer(g.stack, 'Cost', {
      autoScalingGroup: g.group.autoScalingGroup,
      budget: ScalingBudget.fromBudgetName(g.stack, 'Shared', 'shared', { limit: 500, budgetScope: BudgetScope.ACCOUNT }),
    });
    Annotations.fromStack(g.stack).hasWarning('/Cost/Cost', Match.stringLikeRegexp("'shared' \\(Cost/Shared\\) counts the whole account's spend"));
    Template.fromStack(g.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUDGET_NAME: 'shared', BUDGET_SCOPE: 'account' }) },
    });
    // Undeclared outside APPLY mode: accepted, counted as the whole account's (the optimizer changes nothing).
    const h = fixture();
    new CostOptimizer(h.stack, 'Cost', {
      autoScalingGroup: h.group.autoScalingGroup,
      budget: ScalingBudget.fromBudgetName(h.stack, 'Shared', 'shared', { limit: 500 }),
      mode: CostOptimizerMode.DRY_RUN,
    });
    Template.fromStack(h.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BUDGET_NAME: 'shared', BUDGET_SCOPE: 'account' }) },
    });
  });

  test('fromBudgetName refuses a scope outside the enum (a cast, plain JavaScript)', () => {
    const f = fixture();
    expect(() => ScalingBudget.fromBudgetName(f.stack, 'Shared', 'shared', { budgetScope: 'Service' as BudgetScope })).toThrow(
      /^budgetScope must be one of 'service', 'account', got 'Service'/,
    );
  });
});

test("the README's minimal example (budget: { limit: 800 }) caps the group only for the service's own tagged spend", () => {
  const app = new App();
  const stack = new Stack(app, 'Minimal', { env: ENV });
  const service = new ScalableService(stack, 'Web', { vpc: importedVpc(stack), budget: { limit: 800 } });
  const tag = service.budget!.costAllocationTag!;
  expect(service.budget!.budgetScope).toBe(BudgetScope.SERVICE);
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Budgets::Budget', { Budget: { CostFilters: { TagKeyValue: [`user:${tag.key}$${tag.value}`] } } });
  t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
    Tags: Match.arrayWith([{ Key: tag.key, Value: tag.value, PropagateAtLaunch: true }]),
  });
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Tags: Match.arrayWith([{ Key: tag.key, Value: tag.value }]) });
  t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ BUDGET_SCOPE: 'service' }) } });
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('whole account'))).toEqual([]);
});
