import { Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ECS_TASK_CAP_ENV } from '../../lambda/contract';
import { acknowledge } from '../private/acknowledge';
import { ECS_TASK_COUNT_CONDITIONS, scalableTargetsArn } from '../private/ecs-scalable-targets';
import { nagResource } from '../private/nag-finding';
import type { ScalerFunction } from '../private/scaler-function';
import { readEcsService } from '../auto-scaling/ecs-service-target';

/** The ECS service a {@link CostOptimizer} caps the tasks of. */
export interface CostOptimizerEcsService {
  /** The service (an `Ec2Service`) on the optimizer's group; it must be the only service of its cluster in the stack. */
  readonly service: ecs.IBaseService;
  /** How many of the service's tasks one instance of the group holds (e.g. the instance's memory over the task's reservation). Must be > 0. */
  readonly tasksPerInstance: number;
}

/**
 * The environment of a cost optimizer that caps an ECS service's tasks, checked: the group must
 * serve that service alone (the only `AWS::ECS::Service` of its cluster in the stack), since the
 * optimizer changes the group's bounds. Errors name the prop. Internal.
 */
export function ecsTaskCapEnv(
  scope: Construct,
  ecsService: CostOptimizerEcsService,
  group: autoscaling.IAutoScalingGroup,
  groupMaxSize: number,
): Record<string, string> {
  const { service, tasksPerInstance } = ecsService;
  if (!Token.isUnresolved(tasksPerInstance) && (!(tasksPerInstance > 0) || !Number.isFinite(tasksPerInstance))) {
    throw new Error(`ecsService.tasksPerInstance (${tasksPerInstance}) must be a number > 0`);
  }
  const stack = Stack.of(service);
  const cluster = JSON.stringify(stack.resolve(service.cluster.clusterName));
  const onCluster = stack.node
    .findAll()
    .filter((c): c is ecs.CfnService => c instanceof ecs.CfnService)
    .filter((c) => JSON.stringify(stack.resolve(c.cluster)) === cluster);
  if (onCluster.length > 1) {
    throw new Error(
      `ecsService ${service.node.path}: the cost optimizer changes the bounds of ${group.node.path}, which serves ${onCluster.length} services of its cluster (${onCluster.map((c) => c.node.path).join(', ')}); it may only cap a group that serves one service. Leave the group to ECS managed scaling and cap the tasks with the service's own maxCapacity.`,
    );
  }
  const facts = readEcsService(scope, service, group, {}, false);
  return {
    ...facts.env,
    // toJsonString: a deploy-time value (a token) renders as its reference, not as a number
    [ECS_TASK_CAP_ENV]: stack.toJsonString({
      tasksPerInstance,
      minCapacity: facts.configuration.minSize,
      maxCapacity: facts.configuration.maxSize,
      groupMaxSize,
    }),
  };
}

/** The grant of the task cap: RegisterScalableTarget on ECS services' task-count targets (ids are generated) and their read. */
export function grantEcsTaskCap(scope: Construct, scaler: ScalerFunction, service: ecs.IBaseService): void {
  const targets = scalableTargetsArn(scope);
  scaler.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'CapTheServiceTasks',
      actions: ['application-autoscaling:RegisterScalableTarget'],
      resources: [targets],
      conditions: ECS_TASK_COUNT_CONDITIONS,
    }),
  );
  scaler.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'RegisterOnTheService',
      // Application Auto Scaling validates the caller's permissions on the target resource when a
      // target is registered; for an ECS service AWS documents ecs:DescribeServices and
      // ecs:UpdateService ("IAM permissions required for Amazon ECS service auto scaling"). The
      // handler calls neither itself; the grant is on this one service only.
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [service.serviceArn],
    }),
  );
  scaler.allowReadOnly('ReadScalableTargets', ['application-autoscaling:DescribeScalableTargets'], "the handler reads the service's task bounds.");
  scaler.acknowledgeReadOnly();
  acknowledge(scaler.role, {
    id: `AwsSolutions-IAM5[Resource::${nagResource(scope, targets)}]`,
    reason:
      "Application Auto Scaling names a scalable target by an id it generates at registration, unknown at deploy time; the statement's conditions confine the write to ECS services' task counts (service-namespace ecs, scalable-dimension ecs:service:DesiredCount), and the handler writes only the MaxCapacity of the target of the service it is given.",
  });
}
