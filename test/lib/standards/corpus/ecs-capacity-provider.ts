/**
 * The aws-cdk-lib aws-ecs README's cluster with an Auto Scaling group capacity provider:
 * ECS managed scaling (the default) creates the group's target tracking policy at deploy time.
 */
import { type App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';

export function ecsCapacityProvider(app: App): Stack {
  const stack = new Stack(app, 'EcsCapacityProvider', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'ASG', {
    vpc,
    instanceType: new ec2.InstanceType('t2.micro'),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2(),
    minCapacity: 0,
    maxCapacity: 100,
  });
  const capacityProvider = new ecs.AsgCapacityProvider(stack, 'AsgCapacityProvider', { autoScalingGroup });
  cluster.addAsgCapacityProvider(capacityProvider);
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'TaskDef');
  taskDefinition.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample'),
    memoryReservationMiB: 256,
  });
  new ecs.Ec2Service(stack, 'EC2Service', {
    cluster,
    taskDefinition,
    capacityProviderStrategies: [{ capacityProvider: capacityProvider.capacityProviderName, weight: 1 }],
  });
  return stack;
}
