import { Aws, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ECS_SCALABLE_DIMENSION } from '../../lambda/contract';

/**
 * The Application Auto Scaling scalable targets of the stack's account and region. A target is
 * named by an id the service generates when it is registered, unknown at deploy time, so a grant
 * names them all and narrows them with `ECS_TASK_COUNT_CONDITIONS`.
 */
export function scalableTargetsArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${Aws.PARTITION}:application-autoscaling:${stack.region}:${stack.account}:scalable-target/*`;
}

/**
 * Conditions that confine an Application Auto Scaling write to ECS services' task counts
 * (`application-autoscaling:service-namespace` and `:scalable-dimension`, the condition keys the
 * Service Authorization Reference lists for RegisterScalableTarget, PutScheduledAction and
 * DeleteScheduledAction): not the DynamoDB tables, Aurora clusters or Lambda concurrency of a
 * shared account.
 */
export const ECS_TASK_COUNT_CONDITIONS = {
  StringEquals: {
    'application-autoscaling:service-namespace': 'ecs',
    'application-autoscaling:scalable-dimension': ECS_SCALABLE_DIMENSION,
  },
};
