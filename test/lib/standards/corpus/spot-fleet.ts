/**
 * The aws-cdk-lib aws-autoscaling README's mixed instances policy: Spot above one On-Demand
 * instance, three instance types, a launch template; CPU target tracking.
 */
import { type App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

export function spotFleet(app: App): Stack {
  const stack = new Stack(app, 'SpotFleet', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 1 });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceType: new ec2.InstanceType('t3.micro'),
  });
  const asg = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    minCapacity: 1,
    maxCapacity: 10,
    mixedInstancesPolicy: {
      instancesDistribution: {
        onDemandBaseCapacity: 1,
        onDemandPercentageAboveBaseCapacity: 0,
        spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
      },
      launchTemplate,
      launchTemplateOverrides: [
        { instanceType: new ec2.InstanceType('t3.micro') },
        { instanceType: new ec2.InstanceType('t3a.micro') },
        { instanceType: new ec2.InstanceType('t2.micro') },
      ],
    },
  });
  asg.scaleOnCpuUtilization('KeepSpareCPU', { targetUtilizationPercent: 50 });
  return stack;
}
