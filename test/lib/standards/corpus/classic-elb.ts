/**
 * The aws-cdk-lib aws-elasticloadbalancing README's classic load balancer in front of an Auto
 * Scaling group, with a CPU target tracking policy and room to scale (1..4).
 */
import { type App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';

export function classicElb(app: App): Stack {
  const stack = new Stack(app, 'ClassicElb', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 1 });
  const asg = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity: 1,
    maxCapacity: 4,
  });
  const lb = new elb.LoadBalancer(stack, 'LB', {
    vpc,
    internetFacing: true,
    healthCheck: { port: 80 },
  });
  lb.addTarget(asg);
  const listener = lb.addListener({ externalPort: 80 });
  listener.connections.allowDefaultPortFromAnyIpv4('Open to the world');
  asg.scaleOnCpuUtilization('KeepSpareCPU', { targetUtilizationPercent: 50 });
  return stack;
}

/** The same without the optional healthCheck: the load balancer falls back to a TCP check. */
export function classicElbDefaults(app: App): Stack {
  const stack = new Stack(app, 'ClassicElbDefaults', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 1 });
  const asg = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity: 1,
    maxCapacity: 4,
  });
  const lb = new elb.LoadBalancer(stack, 'LB', { vpc, internetFacing: true });
  lb.addTarget(asg);
  lb.addListener({ externalPort: 80 });
  asg.scaleOnCpuUtilization('KeepSpareCPU', { targetUtilizationPercent: 50 });
  return stack;
}
