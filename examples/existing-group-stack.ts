import { App, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ScalableService, ScalingPolicy, ScalingStandardsChecks } from 'cdk-scaling-architecture';

/** A team's own Auto Scaling group, with our load balancer, monitoring, budget and scalers attached. */
export class ExistingGroupStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });

    // The group as the team already defines it, with its own launch template and notifications.
    const launchTemplate = new ec2.LaunchTemplate(this, 'FleetTemplate', {
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      securityGroup: new ec2.SecurityGroup(this, 'FleetInstances', { vpc, description: 'Fleet instances' }),
      userData: ec2.UserData.forLinux(),
      requireImdsv2: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true }) }],
    });
    const group = new autoscaling.AutoScalingGroup(this, 'Fleet', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: 2,
      maxCapacity: 10,
      defaultInstanceWarmup: Duration.minutes(3),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [
        {
          topic: new sns.Topic(this, 'FleetEvents', {
            masterKey: new kms.Key(this, 'FleetEventsKey', { enableKeyRotation: true }),
            enforceSSL: true,
          }),
        },
      ],
    });

    // No second group or template: the load balancer registers `group`; the policies, monitoring,
    // budget, predictive scaler and cost optimizer (with vertical scaling on the team's own
    // template, found by launchTemplateOf) act on it.
    new ScalableService(this, 'Web', {
      vpc,
      existingAutoScalingGroup: group,
      policies: [
        ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
        ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }),
      ],
      budget: { limit: 800 },
      costOptimizer: {
        vertical: {
          instanceTypes: ['t3.small', 't3.medium', 't3.large'].map((t) => new ec2.InstanceType(t)),
          lowerUtilizationPercent: 20,
          upperUtilizationPercent: 70,
          evaluationWindow: Duration.days(3),
          minInterval: Duration.days(7),
        },
      },
    });
  }
}

const app = new App();
// AwsSolutions and our scaling standards: a finding fails the synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app));
new ExistingGroupStack(app, 'ExistingGroup', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
