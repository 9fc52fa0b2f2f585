import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CostOptimizerMode, launchTemplateOf, ScalableService, type ScalableServiceProps, ScalingPolicy, ScalingStandardsChecks } from '../../lib';
import { importedVpc } from '../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Existing', { env: ENV });
  const vpc = importedVpc(stack);
  return { app, stack, vpc };
}

/** A team's own group: plain aws-cdk-lib, its own launch template, ELB health checks, its own request-count policy. */
function teamGroup(stack: Stack, vpc: ec2.IVpc, props: Partial<autoscaling.AutoScalingGroupProps> = {}) {
  const launchTemplate = new ec2.LaunchTemplate(stack, 'TeamTemplate', {
    instanceType: new ec2.InstanceType('t3.small'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    requireImdsv2: true,
    securityGroup: new ec2.SecurityGroup(stack, 'TeamInstances', { vpc, description: 'Team fleet', allowAllOutbound: true }),
    userData: ec2.UserData.forLinux(),
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true }) }],
  });
  const group = new autoscaling.AutoScalingGroup(stack, 'TeamGroup', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    launchTemplate,
    minCapacity: 2,
    maxCapacity: 8,
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: Duration.minutes(5),
    }),
    groupMetrics: [autoscaling.GroupMetrics.all()],
    notifications: [
      { topic: new sns.Topic(stack, 'TeamEvents', { masterKey: new kms.Key(stack, 'TeamKey', { enableKeyRotation: true }), enforceSSL: true }) },
    ],
    defaultInstanceWarmup: Duration.minutes(3),
    ...props,
  });
  return { group, launchTemplate };
}

function service(props: Partial<ScalableServiceProps> = {}, groupProps: Partial<autoscaling.AutoScalingGroupProps> = {}) {
  const f = fixture();
  const { group, launchTemplate } = teamGroup(f.stack, f.vpc, groupProps);
  const svc = new ScalableService(f.stack, 'Web', { vpc: f.vpc, existingAutoScalingGroup: group, ...props });
  return { ...f, group, launchTemplate, svc };
}

describe('ScalableService on an existing group, with budget, predictive scaler and cost optimizer, under AwsSolutions and ScalingStandardsChecks', () => {
  let template: Template;
  let svc: ScalableService;
  let group: autoscaling.AutoScalingGroup;
  let launchTemplate: ec2.LaunchTemplate;

  beforeAll(() => {
    const f = fixture();
    ({ group, launchTemplate } = teamGroup(f.stack, f.vpc));
    svc = new ScalableService(f.stack, 'Web', {
      vpc: f.vpc,
      existingAutoScalingGroup: group,
      policies: [
        ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
        ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 900 }),
      ],
      budget: { limit: 300 },
      costOptimizer: {
        mode: CostOptimizerMode.DRY_RUN,
        vertical: {
          instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
          lowerUtilizationPercent: 20,
          upperUtilizationPercent: 70,
          evaluationWindow: Duration.hours(24),
          minInterval: Duration.hours(24),
        },
      },
    });
    Validations.of(f.app).addPlugins(new AwsSolutionsChecks(f.app), new ScalingStandardsChecks(f.app));
    template = Template.fromJSON(f.app.synth().getStackByName(f.stack.stackName).template);
  });

  test("exactly one AutoScalingGroup and one launch template: the team's", () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    expect(svc.scalingGroup).toBeUndefined();
    expect(svc.autoScalingGroup).toBe(group);
    expect(svc.launchTemplate).toBe(launchTemplate);
  });

  test('the load balancer registers the given group; the policies, budget and both scalers attach to it', () => {
    const groupRef = { Ref: Match.stringLikeRegexp('^TeamGroup') };
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('LoadDistributionTargetGroup') }],
    });
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { AutoScalingGroupName: groupRef, PolicyType: 'TargetTrackingScaling' }, 2);
    template.resourceCountIs('AWS::Budgets::Budget', 1);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: { Variables: Match.objectLike({ AUTO_SCALING_GROUP_NAME: groupRef }) },
      },
      2,
    );
    expect(svc.predictiveScaler).toBeDefined();
    expect(svc.costOptimizer).toBeDefined();
  });

  test("vertical scaling versions the group's own launch template (found by launchTemplateOf)", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAUNCH_TEMPLATE_ID: { Ref: Match.stringLikeRegexp('^TeamTemplate') } }) },
    });
  });

  test('the monitor watches the given group and the target group, unhealthy-host alarm included once', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('^TeamGroup') } }],
    });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'UnHealthyHostCount' }, 1);
  });
});

describe('ScalableService on an existing group: defaults, derivations, warnings and errors', () => {
  test('no default policies for a given group (its own stay); without a request-count policy the predictive scaler is skipped with a warning', () => {
    const f = fixture();
    const { group } = teamGroup(f.stack, f.vpc);
    group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    const svc = new ScalableService(f.stack, 'Web', { vpc: f.vpc, existingAutoScalingGroup: group });
    expect(svc.policies).toEqual([]);
    expect(svc.predictiveScaler).toBeUndefined();
    Template.fromStack(f.stack).resourceCountIs('AWS::AutoScaling::ScalingPolicy', 1);
    Annotations.fromStack(f.stack).hasWarning('/Existing/Web', Match.stringLikeRegexp('The predictive scaler is not deployed'));
  });

  test('capacity with existingAutoScalingGroup is an error', () => {
    expect(() => service({ capacity: { minCapacity: 1 } })).toThrow(
      /capacity configures the group ScalableService creates: with existingAutoScalingGroup/,
    );
  });

  test('a vertical policy on a group whose launch template is not of this app is an error', () => {
    const f = fixture();
    const imported = ec2.LaunchTemplate.fromLaunchTemplateAttributes(f.stack, 'Imported', {
      launchTemplateId: 'lt-0123456789abcdef0',
      versionNumber: '1',
    });
    const group = new autoscaling.AutoScalingGroup(f.stack, 'TeamGroup', { vpc: f.vpc, launchTemplate: imported, minCapacity: 1, maxCapacity: 4 });
    expect(launchTemplateOf(group)).toBeUndefined();
    expect(
      () =>
        new ScalableService(f.stack, 'Web', {
          vpc: f.vpc,
          existingAutoScalingGroup: group,
          costOptimizer: {
            vertical: {
              instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
              lowerUtilizationPercent: 20,
              upperUtilizationPercent: 70,
              evaluationWindow: Duration.hours(24),
              minInterval: Duration.hours(24),
            },
          },
          budget: { limit: 100 },
        }),
    ).toThrow(/existingAutoScalingGroup has no launch template of this app/);
  });

  test('launchTemplateOf finds the template an L2 group made itself (its child LaunchTemplate)', () => {
    const app = new App({ context: { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true } });
    const stack = new Stack(app, 'S', { env: ENV });
    const group = new autoscaling.AutoScalingGroup(stack, 'G', {
      vpc: importedVpc(stack),
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(launchTemplateOf(group)).toBe(group.node.findChild('LaunchTemplate'));
  });

  test('a fixed-size group with scaling policies warns once, on the group, naming only what is deployed', () => {
    const { stack } = service(
      { policies: [ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 })], budget: { limit: 100 } },
      { minCapacity: 3, maxCapacity: 3 },
    );
    const a = Annotations.fromStack(stack);
    const fixed = a.findWarning('*', Match.stringLikeRegexp('fixed at'));
    expect(fixed.map((w) => [w.id, w.entry.data])).toEqual([
      [
        '/Existing/TeamGroup',
        expect.stringMatching(
          /^The group Existing\/TeamGroup is fixed at 3 instances \(MinSize = MaxSize\) but has 1 scaling policy and the cost optimizer: they cannot change its capacity .*\[ack: cdk-scaling-architecture:fixedSizeGroup\]$/,
        ),
      ],
    ]);
    // the predictive scaler is not deployed (no request-count policy): said once, and not named as attached
    expect(a.findWarning('*', Match.stringLikeRegexp('predictive scaler is not deployed'))).toHaveLength(1);
  });

  test('a fixed-size group of our own warns too (the predictive scaler and the default policy); a group that can scale does not', () => {
    const f = fixture();
    new ScalableService(f.stack, 'Fixed', { vpc: f.vpc, capacity: { minCapacity: 2, maxCapacity: 2 } });
    new ScalableService(f.stack, 'Scales', { vpc: f.vpc, capacity: { minCapacity: 2, maxCapacity: 4 } });
    const warnings = Annotations.fromStack(f.stack).findWarning('*', Match.stringLikeRegexp('MinSize = MaxSize'));
    expect(warnings.map((w) => w.id)).toEqual([expect.stringMatching(/^\/Existing\/Fixed\//)]);
    expect(warnings[0].entry.data).toMatch(/fixed at 2 instances .* but has .*the predictive scaler/);
  });
});

describe('ScalableService cross-checks of the group features', () => {
  const spot = {
    instancesDistribution: { onDemandPercentageAboveBaseCapacity: 50 },
    launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('t3.micro') }, { instanceType: new ec2.InstanceType('t3a.micro') }],
  };

  test("costOptimizer.targetUtilizationBand on a given group uses the group's own CPU policy; without one, the optimizer's warning, not an error", () => {
    const f = fixture();
    const { group } = teamGroup(f.stack, f.vpc);
    group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
    const svc = new ScalableService(f.stack, 'Web', {
      vpc: f.vpc,
      existingAutoScalingGroup: group,
      budget: { limit: 500 },
      costOptimizer: { targetUtilizationBand: { maxPercent: 80 } },
    });
    expect(svc.costOptimizer).toBeDefined();
    const noCpu = (stack: Stack) =>
      Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('costOptimizerNoCpuTargetTracking|has none in this stack'));
    expect(noCpu(f.stack)).toEqual([]);

    const g = fixture();
    const bare = teamGroup(g.stack, g.vpc).group;
    new ScalableService(g.stack, 'Web', {
      vpc: g.vpc,
      existingAutoScalingGroup: bare,
      budget: { limit: 500 },
      costOptimizer: { targetUtilizationBand: { maxPercent: 80 } },
    });
    expect(noCpu(g.stack)).toHaveLength(1);
  });

  test('costOptimizer.spot without a mixed instances policy is an error that names the props', () => {
    const f = fixture();
    expect(
      () => new ScalableService(f.stack, 'Web', { vpc: f.vpc, budget: { limit: 100 }, costOptimizer: { spot: { minOnDemandPercent: 0 } } }),
    ).toThrow(/costOptimizer.spot \(minOnDemandPercent 0\) needs capacity.mixedInstancesPolicy/);
  });

  test('costOptimizer.vertical with a mixed instances policy is an error', () => {
    const f = fixture();
    expect(
      () =>
        new ScalableService(f.stack, 'Web', {
          vpc: f.vpc,
          capacity: { mixedInstancesPolicy: spot },
          costOptimizer: {
            vertical: {
              instanceTypes: [new ec2.InstanceType('t3.micro'), new ec2.InstanceType('t3.small')],
              lowerUtilizationPercent: 20,
              upperUtilizationPercent: 70,
              evaluationWindow: Duration.hours(24),
              minInterval: Duration.hours(24),
            },
          },
        }),
    ).toThrow(/costOptimizer.vertical is set but the group has a mixed instances policy \(capacity.mixedInstancesPolicy\)/);
  });
});
