/**
 * Our own ScalingGroup handed to ECS as a capacity provider with managed scaling: ECS owns the
 * group's scaling policy, so no policy of ours is added. (ScalingGroup's launch template has no
 * user data unless given one, and AsgCapacityProvider needs to add to it.)
 */
import { type App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ScalingGroup } from '../../../../lib';

export function scalingGroupEcs(app: App): Stack {
  const stack = new Stack(app, 'ScalingGroupEcs', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  // ECS adds its cluster line to the user data, so the launch template must have one.
  const group = new ScalingGroup(stack, 'Fleet', {
    vpc,
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
    userData: ec2.UserData.forLinux(),
    minCapacity: 0,
    maxCapacity: 8,
  });
  const capacityProvider = new ecs.AsgCapacityProvider(stack, 'CapacityProvider', { autoScalingGroup: group.autoScalingGroup });
  cluster.addAsgCapacityProvider(capacityProvider);
  return stack;
}
