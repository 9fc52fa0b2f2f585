/**
 * The aws-cdk-lib aws-autoscaling README's warm pool: pre-initialized stopped instances, IMDSv2
 * required, a default instance warmup and CPU target tracking.
 */
import { type App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

export function warmPool(app: App): Stack {
  const stack = new Stack(app, 'WarmPool', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 1 });
  const asg = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    requireImdsv2: true,
    minCapacity: 1,
    maxCapacity: 6,
    defaultInstanceWarmup: Duration.minutes(3),
  });
  asg.addWarmPool({ minSize: 1, poolState: autoscaling.PoolState.STOPPED });
  asg.scaleOnCpuUtilization('KeepSpareCPU', { targetUtilizationPercent: 50 });
  return stack;
}
