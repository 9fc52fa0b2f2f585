import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { COORDINATION_PARTITION_KEY } from '../../lambda/contract/coordination';

/**
 * The coordination table of a group (internal): one per group and stack, shared by the predictive
 * scaler and the cost optimizer of that group, so that their runs never act on the group at the
 * same time (a lease per group, taken with a conditional write) and the cost optimizer's state is
 * signed with a key only the two functions can read. Only their roles are granted access
 * (dynamodb:UpdateItem on this table). It holds a lease and a key per group: nothing to back up
 * beyond point-in-time recovery, and deleted with the stack.
 */
export function coordinationTable(scope: Construct, group: autoscaling.IAutoScalingGroup): dynamodb.Table {
  const stack = Stack.of(scope);
  const id = `ScalingCoordination${Names.uniqueId(group)}`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as dynamodb.Table;
  return new dynamodb.Table(stack, id, {
    partitionKey: { name: COORDINATION_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
