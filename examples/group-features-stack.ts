import { App, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as hooktargets from 'aws-cdk-lib/aws-autoscaling-hooktargets';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { CostOptimizerMode, ScalableService, ScalingStandardsChecks } from 'cdk-scaling-architecture';

/** Two fleets: one on Spot above an On-Demand base, one with a warm pool; both drain through a lifecycle hook. */
export class GroupFeaturesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });
    // Where the drain hook's notifications go (e.g. a runbook automation subscribes to it).
    const lifecycleEvents = new sns.Topic(this, 'LifecycleEvents', {
      masterKey: new kms.Key(this, 'LifecycleEventsKey', { enableKeyRotation: true }),
      enforceSSL: true,
    });
    const drain: autoscaling.BasicLifecycleHookProps = {
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      lifecycleHookName: 'drain',
      heartbeatTimeout: Duration.minutes(5),
      defaultResult: autoscaling.DefaultResult.CONTINUE,
      notificationTarget: new hooktargets.TopicHook(lifecycleEvents),
    };

    // Spot: 2 On-Demand instances, then half of the rest on Spot across two instance types; the
    // cost optimizer may shift the share toward Spot (down to 0% On-Demand) when the budget is tight.
    new ScalableService(this, 'Api', {
      vpc,
      capacity: {
        minCapacity: 2,
        maxCapacity: 12,
        instanceType: new ec2.InstanceType('m7i.large'),
        mixedInstancesPolicy: {
          instancesDistribution: {
            onDemandBaseCapacity: 2,
            onDemandPercentageAboveBaseCapacity: 50,
            spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
          },
          launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('m7i.large') }, { instanceType: new ec2.InstanceType('m6i.large') }],
        },
        capacityRebalance: true,
        maxInstanceLifetime: Duration.days(14),
        lifecycleHooks: [drain],
      },
      budget: { limit: 1200 },
      costOptimizer: { mode: CostOptimizerMode.DRY_RUN, spot: { minOnDemandPercent: 0 } },
    });

    // A warm pool: a stopped, pre-initialized instance is started on scale-out instead of a new
    // launch and boot, so new capacity serves sooner.
    new ScalableService(this, 'Web', {
      vpc,
      capacity: {
        minCapacity: 2,
        maxCapacity: 8,
        warmPool: { minSize: 1, reuseOnScaleIn: true },
        lifecycleHooks: [drain],
      },
      budget: { limit: 600 },
    });
  }
}

const app = new App();
// AwsSolutions and our scaling standards: a finding fails the synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app));
new GroupFeaturesStack(app, 'GroupFeatures', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
