/**
 * The aws-cdk-lib README's "Auto Scaling group behind an Application Load Balancer", as written
 * there: default capacity (1..1), EC2 health checks, a request-count target tracking policy.
 */
import { type App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

export function albAsg(app: App): Stack {
  const stack = new Stack(app, 'AlbAsg', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 1 });
  const asg = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const lb = new elbv2.ApplicationLoadBalancer(stack, 'LB', { vpc, internetFacing: true });
  const listener = lb.addListener('Listener', { port: 80 });
  listener.addTargets('Target', { port: 80, targets: [asg] });
  listener.connections.allowDefaultPortFromAnyIpv4('Open to the world');
  asg.scaleOnRequestCount('AModestLoad', { targetRequestsPerMinute: 60 });
  return stack;
}
