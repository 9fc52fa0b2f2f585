/**
 * Issue 25, the CDK design guidelines in the scalers' API: a role of the user's own (`role`), one
 * metric method per metric the handlers publish under one namespace scheme, an imported launch
 * template (`ec2.ILaunchTemplate`) and policies bound to an imported group (`IAutoScalingGroup`).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { COST_METRIC } from '../../lambda/cost-optimizer/telemetry';
import { METRIC } from '../../lambda/predictive-scaler/telemetry';
import { PredictiveScaler } from '../../lib/auto-scaling/predictive-scaler';
import { ScalingGroup } from '../../lib/auto-scaling/scaling-group';
import { ScalingPolicy } from '../../lib/auto-scaling/scaling-policy';
import { BudgetScope } from '../../lib/resource-management/budget-scope';
import { CostOptimizer } from '../../lib/resource-management/cost-optimizer';
import { ScalingBudget } from '../../lib/resource-management/scaling-budget';
import { importedVpc } from '../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };
const loadMetric = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', statistic: 'Sum' });
const LADDER = {
  instanceTypes: [new ec2.InstanceType('m5.large'), new ec2.InstanceType('m5.xlarge')],
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.days(3),
  minInterval: Duration.days(7),
};

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const group = new ScalingGroup(stack, 'Web', {
    vpc: importedVpc(stack),
    instanceType: new ec2.InstanceType('m5.large'),
    minCapacity: 2,
    maxCapacity: 20,
  });
  const budget = ScalingBudget.fromBudgetName(stack, 'Budget', 'web-monthly', { limit: 100, budgetScope: BudgetScope.SERVICE });
  return { stack, group, budget };
}

/** Sids of the statements of every IAM policy attached to `roleRef` (a `{ Ref }` or a role name). */
function sidsOn(template: Template, roleRef: unknown): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<{ Sid?: string }>).map((st) => st.Sid ?? '(logs)'));
}

function scalers(role?: iam.IRole) {
  const f = fixture();
  const predictive = new PredictiveScaler(f.stack, 'Predictive', {
    autoScalingGroup: f.group.autoScalingGroup,
    loadMetric,
    capacityPerInstance: 100,
    role,
  });
  const cost = new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: f.budget, vertical: LADDER, role });
  return { ...f, predictive, cost, template: Template.fromStack(f.stack) };
}

describe('role: a role of your own on both scalers', () => {
  test('a role of this app: the functions run as it, the same grants go to it, no role is created', () => {
    const app = new App();
    const stack = new Stack(app, 'Roles', { env: ENV });
    const role = new iam.Role(stack, 'ScalerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const group = new ScalingGroup(stack, 'Web', {
      vpc: importedVpc(stack),
      instanceType: new ec2.InstanceType('m5.large'),
      minCapacity: 2,
      maxCapacity: 20,
    });
    const budget = ScalingBudget.fromBudgetName(stack, 'Budget', 'web-monthly', { limit: 100, budgetScope: BudgetScope.SERVICE });
    const predictive = new PredictiveScaler(stack, 'Predictive', {
      autoScalingGroup: group.autoScalingGroup,
      loadMetric,
      capacityPerInstance: 100,
      role,
    });
    const cost = new CostOptimizer(stack, 'Cost', { autoScalingGroup: group.autoScalingGroup, budget, vertical: LADDER, role });
    expect(predictive.role).toBe(role);
    expect(cost.role).toBe(role);
    const t = Template.fromStack(stack);
    const ref = { Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) };
    // The group's instance role and the user's role only.
    expect(Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => !id.startsWith('WebInstanceRole'))).toEqual([ref.Ref]);
    for (const fn of Object.values(t.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [ref.Ref, 'Arn'] });
    }
    // Least privilege unchanged: the statements each scaler grants its own role, on the given one.
    const own = scalers();
    const ownSids = [
      ...sidsOn(own.template, { Ref: own.stack.getLogicalId(own.predictive.role.node.defaultChild as iam.CfnRole) }),
      ...sidsOn(own.template, { Ref: own.stack.getLogicalId(own.cost.role.node.defaultChild as iam.CfnRole) }),
    ].sort();
    // (Identical statements, the lease on the group's one table, are merged in the shared role's policy.)
    expect(new Set(sidsOn(t, ref))).toEqual(new Set(ownSids));
    expect(ownSids).toEqual(
      expect.arrayContaining(['ScaleTheManagedGroup', 'ReadBudget', 'ManageGroup', 'VersionLaunchTemplate', 'LaunchFromManagedTemplateOnly']),
    );
  });

  test('an imported role (iam.Role.fromRoleArn, mutable by default): the grants are a policy of this stack attached to it by name', () => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'Imported', 'arn:aws:iam::123456789012:role/team-scaler');
    const predictive = new PredictiveScaler(f.stack, 'Predictive', {
      autoScalingGroup: f.group.autoScalingGroup,
      loadMetric,
      capacityPerInstance: 100,
      role,
    });
    const t = Template.fromStack(f.stack);
    expect(predictive.role).toBe(role);
    t.hasResourceProperties('AWS::Lambda::Function', { Role: 'arn:aws:iam::123456789012:role/team-scaler' });
    expect(sidsOn(t, 'team-scaler').sort()).toEqual(['(logs)', 'ReadGroupsAndLoadMetric', 'ScaleTheManagedGroup', 'TakeTheGroupLease'].sort());
  });

  test('an immutable imported role (mutable: false): CDK drops every grant, the role must carry them already', () => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'Imported', 'arn:aws:iam::123456789012:role/team-scaler', { mutable: false });
    new PredictiveScaler(f.stack, 'Predictive', { autoScalingGroup: f.group.autoScalingGroup, loadMetric, capacityPerInstance: 100, role });
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Role: 'arn:aws:iam::123456789012:role/team-scaler' });
    // What really happens: no policy at all for the scaler (nor a role), the grants are gone: the
    // statements of the role's default policy are dropped by CDK, and the scaler's own policies
    // (read-only, conditional launch) are attached through the role, which takes none.
    expect(t.findResources('AWS::IAM::Policy')).toEqual({});
    expect(Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('Predictive'))).toEqual([]);
  });
});

describe('metrics: one method per metric the handlers publish, one namespace scheme', () => {
  /** The metric names of the construct's `metric*` methods (but the generic `metric`). */
  function methodMetrics(construct: object): Map<string, cloudwatch.Metric> {
    const names = Object.getOwnPropertyNames(Object.getPrototypeOf(construct)).filter((n) => /^metric[A-Z]/.test(n));
    return new Map(names.map((n) => [n, (construct as Record<string, () => cloudwatch.Metric>)[n]()]));
  }

  test('both namespaces are CdkScalingArchitecture/<construct>, rendered to the handler and used by the methods', () => {
    const { predictive, cost, template } = scalers();
    expect(PredictiveScaler.METRICS_NAMESPACE).toBe('CdkScalingArchitecture/PredictiveScaler');
    expect(CostOptimizer.METRICS_NAMESPACE).toBe('CdkScalingArchitecture/CostOptimizer');
    for (const [construct, ns] of [
      [predictive, 'CdkScalingArchitecture/PredictiveScaler'],
      [cost, 'CdkScalingArchitecture/CostOptimizer'],
    ] as const) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: ns }) },
      });
      for (const m of methodMetrics(construct).values()) {
        expect(m.namespace).toBe(ns);
        expect(Object.keys(m.dimensions ?? {})).toEqual(['AutoScalingGroupName']);
      }
    }
  });

  test("a metricsNamespace of your own reaches the handler and every method (0.2.x's 'CostOptimizer' kept this way)", () => {
    const f = fixture();
    const cost = new CostOptimizer(f.stack, 'Cost', {
      autoScalingGroup: f.group.autoScalingGroup,
      budget: f.budget,
      metricsNamespace: 'CostOptimizer',
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'CostOptimizer' }) },
    });
    expect([...methodMetrics(cost).values()].map((m) => m.namespace)).toEqual(Array(methodMetrics(cost).size).fill('CostOptimizer'));
  });

  test("the cost optimizer has a method for each metric its handler publishes per group (SkippedRuns has no dimension: the alarm's)", () => {
    const { cost } = scalers();
    const published = Object.values(COST_METRIC).filter((n) => n !== COST_METRIC.SKIPPED_RUNS);
    expect([...methodMetrics(cost).values()].map((m) => m.metricName).sort()).toEqual([...published].sort());
  });

  test("the predictive scaler's methods name metrics its handler publishes", () => {
    const { predictive } = scalers();
    const metrics = methodMetrics(predictive);
    expect([...metrics.keys()].sort()).toEqual(
      [
        'metricDecisionSkipped',
        'metricForecastLoad',
        'metricImmediateScaleOuts',
        'metricOperatorHold',
        'metricPlannedCapacity',
        'metricRealizedUnservedPercent',
        'metricRunErrors',
        'metricScheduledActionsPut',
        'metricScheduledActionsRemoved',
      ].sort(),
    );
    for (const m of metrics.values()) expect(Object.values(METRIC)).toContain(m.metricName);
  });

  test("the alarms use the methods' metrics", () => {
    const { cost, predictive, stack } = scalers();
    const resolved = (a: cloudwatch.Alarm) => stack.resolve((a.node.defaultChild as cloudwatch.CfnAlarm).metricName);
    expect(resolved(cost.forecastOverrunAlarm)).toBe(cost.metricForecastOverrunPercent().metricName);
    expect(resolved(cost.missingDataAlarm)).toBe(cost.metricMissingData().metricName);
    expect(resolved(predictive.missingDataAlarm)).toBe(predictive.metricDecisionSkipped().metricName);
    expect(resolved(predictive.realizedUnservedAlarm)).toBe(predictive.metricRealizedUnservedPercent().metricName);
  });
});

describe('interfaces where the class is not needed', () => {
  test('CostOptimizer launchTemplate: an imported template (ec2.ILaunchTemplate) by id is versioned and launched from; a warning names the PassRole it cannot grant', () => {
    const f = fixture();
    const launchTemplate = ec2.LaunchTemplate.fromLaunchTemplateAttributes(f.stack, 'Lt', {
      launchTemplateId: 'lt-0123456789abcdef0',
      versionNumber: '1',
    });
    new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: f.budget, launchTemplate, vertical: LADDER });
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0' }) },
    });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(statements.find((st) => st.Sid === 'VersionLaunchTemplate').Resource)).toMatch(/launch-template\/lt-0123456789abcdef0/);
    expect(statements.find((st) => st.Sid === 'PassInstanceRole')).toBeUndefined();
    Annotations.fromStack(f.stack).hasWarning('/S/Cost', Match.stringLikeRegexp('launchTemplate S/Lt is imported: .* not allowed iam:PassRole'));
  });

  test('CostOptimizer launchTemplate imported by name only: an error naming launchTemplate (the optimizer addresses it by id)', () => {
    const f = fixture();
    const launchTemplate = ec2.LaunchTemplate.fromLaunchTemplateAttributes(f.stack, 'Lt', { launchTemplateName: 'web' });
    expect(
      () => new CostOptimizer(f.stack, 'Cost', { autoScalingGroup: f.group.autoScalingGroup, budget: f.budget, launchTemplate, vertical: LADDER }),
    ).toThrow(/^launchTemplate \(S\/Lt\) has no launchTemplateId/);
  });

  test('a policy binds to a group imported by name (ScalingPolicyTarget.autoScalingGroup is an IAutoScalingGroup)', () => {
    const f = fixture();
    const legacy = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Legacy', 'legacy-web');
    ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }).bind(f.stack, 'LegacyCpu', { autoScalingGroup: legacy });
    ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '7', minute: '0' }), minCapacity: 3 }).bind(f.stack, 'LegacyMorning', {
      autoScalingGroup: legacy,
    });
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      AutoScalingGroupName: 'legacy-web',
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: 50 }),
    });
    t.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { AutoScalingGroupName: 'legacy-web', MinSize: 3 });
  });
});
