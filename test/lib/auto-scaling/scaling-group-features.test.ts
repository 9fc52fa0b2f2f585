import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as hooktargets from 'aws-cdk-lib/aws-autoscaling-hooktargets';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CostOptimizerMode, ScalableService, ScalingGroup, type ScalingGroupProps, ScalingStandardsChecks } from '../../../lib';
import { importedVpc } from '../../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function fixture() {
  const app = new App();
  const stack = new Stack(app, 'Features', { env: ENV });
  const vpc = importedVpc(stack);
  return { app, stack, vpc };
}

function group(props: Partial<ScalingGroupProps> = {}) {
  const f = fixture();
  const scalingGroup = new ScalingGroup(f.stack, 'Web', { vpc: f.vpc, ...props });
  return { ...f, scalingGroup, template: () => Template.fromStack(f.stack) };
}

/** A KMS-encrypted, TLS-only topic, as AwsSolutions wants it. */
function hookTopic(stack: Stack): sns.Topic {
  return new sns.Topic(stack, 'HookTopic', {
    masterKey: new kms.Key(stack, 'HookKey', { enableKeyRotation: true }),
    enforceSSL: true,
  });
}

const spot = {
  instancesDistribution: {
    onDemandBaseCapacity: 2,
    onDemandPercentageAboveBaseCapacity: 25,
    spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
  },
  launchTemplateOverrides: [
    { instanceType: new ec2.InstanceType('t3.medium') },
    { instanceType: new ec2.InstanceType('t3a.medium') },
    { instanceType: new ec2.InstanceType('m5.large') },
  ],
};

describe('ScalableService with Spot, capacity rebalance, max lifetime and a lifecycle hook, under AwsSolutions and ScalingStandardsChecks', () => {
  let template: Template;
  let svc: ScalableService;

  beforeAll(() => {
    const f = fixture();
    const topic = hookTopic(f.stack);
    svc = new ScalableService(f.stack, 'Web', {
      vpc: f.vpc,
      capacity: {
        minCapacity: 2,
        maxCapacity: 10,
        instanceType: new ec2.InstanceType('t3.medium'),
        mixedInstancesPolicy: spot,
        capacityRebalance: true,
        maxInstanceLifetime: Duration.days(14),
        lifecycleHooks: [
          {
            lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
            lifecycleHookName: 'drain',
            heartbeatTimeout: Duration.minutes(5),
            defaultResult: autoscaling.DefaultResult.CONTINUE,
            notificationTarget: new hooktargets.TopicHook(topic),
          },
        ],
      },
      budget: { limit: 500 },
      costOptimizer: { mode: CostOptimizerMode.DRY_RUN, spot: { minOnDemandPercent: 0 } },
    });
    Validations.of(f.app).addPlugins(new AwsSolutionsChecks(f.app), new ScalingStandardsChecks(f.app));
    // Synthesizing runs both packs and the cost optimizer's Spot check: findings throw here.
    const assembly = f.app.synth();
    template = Template.fromJSON(assembly.getStackByName(f.stack.stackName).template);
  });

  test('the group has a MixedInstancesPolicy on our launch template (IMDSv2, encrypted root volume) and no LaunchTemplate of its own', () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 1);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LaunchTemplate: Match.absent(),
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandBaseCapacity: 2,
          OnDemandPercentageAboveBaseCapacity: 25,
          SpotAllocationStrategy: 'price-capacity-optimized',
        },
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('ScalingGroupLaunchTemplate') } },
          Overrides: [{ InstanceType: 't3.medium' }, { InstanceType: 't3a.medium' }, { InstanceType: 'm5.large' }],
        },
      },
      CapacityRebalance: true,
      MaxInstanceLifetime: 14 * 86400,
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    expect(svc.scalingGroup?.mixedInstancesPolicy).toBe(spot);
  });

  test('the cost optimizer gets its Spot lever (the synthesis check passed) and may launch from the template', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SPOT_MIN_ON_DEMAND_PERCENT: '0' }) },
    });
    expect(svc.costOptimizer).toBeDefined();
  });

  test('the lifecycle hook is created with the group, notifying the topic through a role that may publish to it', () => {
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: [
        {
          LifecycleHookName: 'drain',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          HeartbeatTimeout: 300,
          DefaultResult: 'CONTINUE',
          NotificationTargetARN: { Ref: Match.stringLikeRegexp('HookTopic') },
          RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('LifecycleHook1Role'), 'Arn'] },
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('HookTopic') } })]),
      },
    });
    // The role and its policy exist before the group sends the hook's test notification.
    const groups = template.findResources('AWS::AutoScaling::AutoScalingGroup');
    const dependsOn: string[] = Object.values(groups)[0].DependsOn ?? [];
    expect(dependsOn.some((d) => /LifecycleHook1Role[0-9A-F]{8}$/.test(d))).toBe(true);
    expect(dependsOn.some((d) => /LifecycleHook1RoleDefaultPolicy/.test(d))).toBe(true);
    expect(svc.scalingGroup?.lifecycleHooks.map((h) => h.lifecycleHookName)).toEqual(['drain']);
  });
});

describe('warm pool', () => {
  test('a WarmPool resource with the options, and the group exposes it with its defaults', () => {
    const { scalingGroup, template } = group({ warmPool: { minSize: 1, maxGroupPreparedCapacity: 4, reuseOnScaleIn: true } });
    template().hasResourceProperties('AWS::AutoScaling::WarmPool', {
      AutoScalingGroupName: { Ref: Match.stringLikeRegexp('WebGroup') },
      MinSize: 1,
      MaxGroupPreparedCapacity: 4,
      PoolState: 'Stopped',
      InstanceReusePolicy: { ReuseOnScaleIn: true },
    });
    expect(scalingGroup.warmPool).toBeInstanceOf(autoscaling.WarmPool);
    expect(scalingGroup.warmPoolOptions).toMatchObject({ minSize: 1, poolState: autoscaling.PoolState.STOPPED });
  });

  test('a hibernated pool configures hibernation on the launch template', () => {
    const { template } = group({ warmPool: { poolState: autoscaling.PoolState.HIBERNATED } });
    template().hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ HibernationOptions: { Configured: true } }),
    });
  });

  test('a service with a warm pool is clean under AwsSolutions and ScalingStandardsChecks', () => {
    const f = fixture();
    new ScalableService(f.stack, 'Web', { vpc: f.vpc, capacity: { warmPool: { minSize: 1 } } });
    Validations.of(f.app).addPlugins(new AwsSolutionsChecks(f.app), new ScalingStandardsChecks(f.app));
    const template = Template.fromJSON(f.app.synth().getStackByName(f.stack.stackName).template);
    template.resourceCountIs('AWS::AutoScaling::WarmPool', 1);
  });

  test.each([
    [{ warmPool: {}, mixedInstancesPolicy: spot }, /warmPool cannot be combined with mixedInstancesPolicy/],
    [{ warmPool: { minSize: -1 } }, /warmPool.minSize must be in \[0, 10000\], got -1/],
    [{ warmPool: { minSize: 1.5 } }, /warmPool.minSize must be an integer/],
    [{ warmPool: { maxGroupPreparedCapacity: 9 }, maxCapacity: 6 }, /warmPool.maxGroupPreparedCapacity \(9\) must be <= maxCapacity \(6\)/],
    [{ warmPool: { maxGroupPreparedCapacity: -2 } }, /warmPool.maxGroupPreparedCapacity must be a whole number >= 0 \(or -1/],
    [{ warmPool: { minSize: 3, maxGroupPreparedCapacity: 2 } }, /warmPool.minSize \(3\) must be <= warmPool.maxGroupPreparedCapacity \(2\)/],
  ])('rejects %j', (props, message) => {
    expect(() => group(props as Partial<ScalingGroupProps>)).toThrow(message);
  });
});

describe('mixed instances policy, capacity rebalance and max instance lifetime', () => {
  test('attribute-based instance requirements', () => {
    const { template } = group({
      mixedInstancesPolicy: {
        instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 },
        launchTemplateOverrides: [{ instanceRequirements: { vCpuCount: { min: 2, max: 4 }, memoryMiB: { min: 4096 } } }],
      },
    });
    template().hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: Match.objectLike({
        LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceRequirements: { VCpuCount: { Min: 2, Max: 4 }, MemoryMiB: { Min: 4096 } } }] }),
      }),
    });
  });

  test.each([
    [
      { mixedInstancesPolicy: { instancesDistribution: { onDemandPercentageAboveBaseCapacity: 120 } } },
      /mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity must be in \[0, 100\], got 120/,
    ],
    [{ mixedInstancesPolicy: { instancesDistribution: { onDemandBaseCapacity: -1 } } }, /onDemandBaseCapacity must be in \[0, 10000\], got -1/],
    [
      {
        mixedInstancesPolicy: {
          instancesDistribution: { spotInstancePools: 3, spotAllocationStrategy: autoscaling.SpotAllocationStrategy.CAPACITY_OPTIMIZED },
        },
      },
      /spotInstancePools \(3\) applies only with spotAllocationStrategy lowest-price, got capacity-optimized/,
    ],
    [
      { mixedInstancesPolicy: { instancesDistribution: { spotMaxPrice: 'cheap' } } },
      /spotMaxPrice must be a price in USD per hour above 0.*got 'cheap'/,
    ],
    [
      { mixedInstancesPolicy: { launchTemplateOverrides: [{}] } },
      /launchTemplateOverrides\[0\] must have exactly one of instanceType and instanceRequirements/,
    ],
    [
      { mixedInstancesPolicy: { launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('m6g.large') }] } },
      /launchTemplateOverrides\[0\].instanceType \(m6g.large, arm64\) must have the architecture of the launch template's AMI \(instanceType t3.micro, x86_64\)/,
    ],
    [
      {
        mixedInstancesPolicy: {
          launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('t3.small') }, { instanceType: new ec2.InstanceType('t3.small') }],
        },
      },
      /launchTemplateOverrides\[1\].instanceType \(t3.small\) is named twice/,
    ],
    [
      { mixedInstancesPolicy: { launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('t3.small'), weightedCapacity: 0 }] } },
      /launchTemplateOverrides\[0\].weightedCapacity must be in \[1, 999\], got 0/,
    ],
    [
      { mixedInstancesPolicy: { launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('t3.small'), launchTemplate: {} }] } },
      /launchTemplateOverrides\[0\].launchTemplate is not supported/,
    ],
    [
      {
        mixedInstancesPolicy: {
          launchTemplateOverrides: [
            { instanceType: new ec2.InstanceType('t3.small') },
            { instanceRequirements: { vCpuCount: { min: 2 }, memoryMiB: { min: 1 } } },
          ],
        },
      },
      /either instanceType in every entry or instanceRequirements in every entry/,
    ],
    [{ maxInstanceLifetime: Duration.hours(12) }, /maxInstanceLifetime must be a whole number of seconds between 1 day and 365 days, got 12 hours/],
    [{ maxInstanceLifetime: Duration.days(400) }, /maxInstanceLifetime must be .* got 400 days/],
  ])('rejects %j', (props, message) => {
    expect(() => group(props as unknown as Partial<ScalingGroupProps>)).toThrow(message);
  });

  test('capacityRebalance without a Spot share warns that it has no effect', () => {
    const { stack } = group({ capacityRebalance: true });
    Annotations.fromStack(stack).hasWarning('/Features/Web', Match.stringLikeRegexp('capacityRebalance is set but the group runs no Spot instances'));
  });
});

describe('lifecycle hooks', () => {
  test('hooks without a target are specified with the group, with generated names', () => {
    const { template, scalingGroup } = group({
      lifecycleHooks: [
        {
          lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_LAUNCHING,
          heartbeatTimeout: Duration.minutes(10),
          notificationMetadata: 'warm',
        },
        { lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING },
      ],
    });
    template().hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: [
        {
          LifecycleHookName: 'launching-1',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          HeartbeatTimeout: 600,
          NotificationMetadata: 'warm',
        },
        { LifecycleHookName: 'terminating-2', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING' },
      ],
    });
    template().resourceCountIs('AWS::IAM::Role', 1); // the instance role only
    expect(scalingGroup.lifecycleHooks.map((h) => h.role)).toEqual([undefined, undefined]);
  });

  test('a given role is used for the target', () => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'HookRole', 'arn:aws:iam::123456789012:role/hooks', { mutable: false });
    new ScalingGroup(f.stack, 'Web', {
      vpc: f.vpc,
      lifecycleHooks: [
        {
          lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_LAUNCHING,
          notificationTarget: new hooktargets.TopicHook(hookTopic(f.stack)),
          role,
        },
      ],
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: [Match.objectLike({ RoleARN: 'arn:aws:iam::123456789012:role/hooks' })],
    });
  });

  test('a target that reads options.lifecycleHook gets an error that says why', () => {
    const target: autoscaling.ILifecycleHookTarget = {
      bind: (_scope, options) => ({ createdRole: options.role!, notificationTargetArn: options.lifecycleHook.lifecycleHookName }),
    };
    expect(() =>
      group({ lifecycleHooks: [{ lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_LAUNCHING, notificationTarget: target }] }),
    ).toThrow(/lifecycleHooks\[0\].notificationTarget reads options.lifecycleHook, but the hook is created with the group/);
  });

  const launching = autoscaling.LifecycleTransition.INSTANCE_LAUNCHING;
  test.each([
    [
      [
        { lifecycleTransition: launching, lifecycleHookName: 'a' },
        { lifecycleTransition: launching, lifecycleHookName: 'a' },
      ],
      /lifecycleHooks\[1\].lifecycleHookName \(a\) is used by another hook/,
    ],
    [
      [{ lifecycleTransition: launching, lifecycleHookName: 'bad name' }],
      /lifecycleHooks\[0\].lifecycleHookName must be 1 to 255 letters.*got 'bad name'/,
    ],
    [
      [{ lifecycleTransition: launching, heartbeatTimeout: Duration.seconds(10) }],
      /lifecycleHooks\[0\].heartbeatTimeout must be .* between 30 seconds and 2 hours, got 10 seconds/,
    ],
    [
      [{ lifecycleTransition: launching, notificationMetadata: 'x'.repeat(1024) }],
      /lifecycleHooks\[0\].notificationMetadata must be at most 1023 characters, got 1024/,
    ],
    [[{ lifecycleTransition: 'sometimes' }], /lifecycleHooks\[0\].lifecycleTransition is required/],
  ])('rejects %#', (hooks, message) => {
    expect(() => group({ lifecycleHooks: hooks as autoscaling.BasicLifecycleHookProps[] })).toThrow(message);
  });

  test('a role without a notification target is rejected', () => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'HookRole', 'arn:aws:iam::123456789012:role/hooks');
    expect(() => new ScalingGroup(f.stack, 'Web', { vpc: f.vpc, lifecycleHooks: [{ lifecycleTransition: launching, role }] })).toThrow(
      /lifecycleHooks\[0\].role needs notificationTarget/,
    );
  });
});

describe('user data', () => {
  test('the launch template always carries user data, so an ECS capacity provider synthesizes without the launchTemplateDefaultUserData flag', () => {
    const f = fixture();
    expect(f.app.node.tryGetContext('@aws-cdk/aws-ec2:launchTemplateDefaultUserData')).toBeUndefined();
    const scalingGroup = new ScalingGroup(f.stack, 'Web', { vpc: f.vpc, minCapacity: 1, maxCapacity: 4 });
    const cluster = new ecs.Cluster(f.stack, 'Cluster', { vpc: f.vpc });
    cluster.addAsgCapacityProvider(
      new ecs.AsgCapacityProvider(f.stack, 'Capacity', {
        autoScalingGroup: scalingGroup.autoScalingGroup,
        enableManagedTerminationProtection: false,
      }),
    );
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::ECS::CapacityProvider', 1);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ UserData: Match.anyValue() }),
    });
    expect(JSON.stringify(template.findResources('AWS::EC2::LaunchTemplate'))).toContain('ECS_CLUSTER');
  });
});
