import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ECS_SERVICE_TARGET_ENV, encodeGroupBaseline } from '../../lambda/contract';
import { acknowledge } from '../private/acknowledge';
import { cfnGroupOf, type GroupConfiguration } from '../private/group-baseline';
import { ecsManagedScalingProviders } from '../private/group-facts';
import { ECS_TASK_COUNT_CONDITIONS, scalableTargetsArn } from '../private/ecs-scalable-targets';
import { nagResource } from '../private/nag-finding';
import type { ScalerFunction } from '../private/scaler-function';
import { defaultLaunchLeadSeconds } from '../private/launch-lead';

/**
 * Time from placing a task on an instance with room until it serves (image pull, container
 * start, target registration), added to the instances' launch lead by default.
 */
export const DEFAULT_ECS_TASK_START = Duration.minutes(1);

/** What a scaler needs of an ECS service it plans tasks for. Internal. */
export interface EcsServiceFacts {
  /** Task bounds in the shape of a group's configuration (the capacity group's L1 for its warmup). */
  readonly configuration: GroupConfiguration;
  /** ECS_SERVICE_TARGET, rendered. */
  readonly env: Record<string, string>;
  /** The default launch lead: the instances' (launch and warmup of the capacity group) plus a task's start. */
  readonly defaultLaunchLead: Duration;
}

/** The service's scalable target (aws-cdk-lib's `autoScaleTaskCount`), found under the service or by its resource id in the stack. */
function scalableTargetOf(service: ecs.IBaseService): appscaling.CfnScalableTarget | undefined {
  const is = (c: unknown): c is appscaling.CfnScalableTarget => c instanceof appscaling.CfnScalableTarget;
  const own = service.node.findAll().find(is);
  if (own) return own;
  const stack = Stack.of(service);
  const key = JSON.stringify(stack.resolve(`service/${service.cluster.clusterName}/${service.serviceName}`));
  return stack.node
    .findAll()
    .filter(is)
    .find((t) => JSON.stringify(stack.resolve(t.resourceId)) === key);
}

/**
 * Reads the task bounds of `service` (its scalable target's literal MinCapacity and MaxCapacity,
 * or the given ones) and renders what the handler needs. Errors name the prop.
 */
export function readEcsService(
  scope: Construct,
  service: ecs.IBaseService,
  group: autoscaling.IAutoScalingGroup,
  given: { minCapacity?: number; maxCapacity?: number },
  warmPool: boolean,
): EcsServiceFacts {
  const target = scalableTargetOf(service);
  const literal = (v: unknown) => (typeof v === 'number' && !Token.isUnresolved(v) ? v : undefined);
  const min = given.minCapacity ?? literal(target?.minCapacity);
  const max = given.maxCapacity ?? literal(target?.maxCapacity);
  if (!target && (given.minCapacity === undefined || given.maxCapacity === undefined)) {
    throw new Error(
      `ecsService ${service.node.path} has no scalable target in this stack: call service.autoScaleTaskCount({ minCapacity, maxCapacity }) before the scaler, or give minCapacity and maxCapacity (tasks) for a target registered elsewhere`,
    );
  }
  if (min === undefined || max === undefined) {
    throw new Error(
      `ecsService ${service.node.path}: the task count's minCapacity and maxCapacity are not literals; give minCapacity and maxCapacity (tasks)`,
    );
  }
  // GROUP_BASELINE takes integers >= 0: anything else would fail every run of the handler.
  for (const [prop, v] of [
    ['minCapacity', min],
    ['maxCapacity', max],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${prop} must be a literal integer >= 0 (tasks of ecsService), got ${v}`);
  }
  if (min > max) throw new Error(`minCapacity (${min}) must be <= maxCapacity (${max}) (tasks of ecsService)`);
  const cfnGroup = cfnGroupOf(group);
  const instanceLead = defaultLaunchLeadSeconds(cfnGroup?.defaultInstanceWarmup, warmPool);
  const stack = Stack.of(scope);
  return {
    configuration: { cfnGroup, minSize: min, maxSize: max, baselineEnv: encodeGroupBaseline({ minSize: min, maxSize: max, schedules: [] }) },
    env: { [ECS_SERVICE_TARGET_ENV]: stack.toJsonString({ cluster: service.cluster.clusterName, service: service.serviceName }) },
    defaultLaunchLead: Duration.seconds(Math.min(3600, instanceLead + DEFAULT_ECS_TASK_START.toSeconds())),
  };
}

/**
 * Warns, once the app is built, when the tasks the scaler raises have no instances to follow:
 * the capacity group has no ECS capacity provider with managed scaling.
 */
export function warnWithoutManagedScaling(scope: Construct, service: ecs.IBaseService, group: autoscaling.IAutoScalingGroup): void {
  scope.node.addValidation({
    validate: () => {
      if (ecsManagedScalingProviders(group).length === 0) {
        Annotations.of(scope).addWarningV2(
          'cdk-scaling-architecture:ecsServiceWithoutManagedScaling',
          `ecsService ${service.node.path} runs on ${group.node.path}, which no ECS capacity provider with managed scaling drives in this stack: the scaler raises the tasks ahead of the load, but no instance is added for them (tasks wait in PROVISIONING). Add the group through an AsgCapacityProvider with managed scaling (the default) and use it in the service's capacityProviderStrategies.`,
        );
      }
      return [];
    },
  });
}

/**
 * The grants of a scaler on an ECS service: writes only on Application Auto Scaling scalable
 * targets of ECS services' task counts in the account and region (an id the service generates,
 * so `scalable-target/*` with conditions), and the service's reads; no Auto Scaling write on the
 * group.
 */
export function grantEcsService(scope: Construct, scaler: ScalerFunction, service: ecs.IBaseService): void {
  const targets = scalableTargetsArn(scope);
  scaler.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PlanTheServiceTasks',
      actions: [
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:DeleteScheduledAction',
      ],
      resources: [targets],
      conditions: ECS_TASK_COUNT_CONDITIONS,
    }),
  );
  scaler.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadTheService',
      // The handler reads the service's desired and running counts. Application Auto Scaling
      // validates the caller's permissions on the target resource when a target is registered;
      // for an ECS service AWS documents ecs:DescribeServices and ecs:UpdateService ("IAM
      // permissions required for Amazon ECS service auto scaling"). The handler never calls
      // UpdateService itself; the grant is on this one service only.
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [service.serviceArn],
    }),
  );
  scaler.allowReadOnly(
    'ReadScalableTargetsAndLoadMetric',
    [
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScheduledActions',
      'cloudwatch:GetMetricData',
      'autoscaling:DescribeAutoScalingGroups',
    ],
    "the handler reads the service's scalable target, its scheduled actions, the load metric and the hosting group's tags (the operator's pause tag).",
  );
  scaler.acknowledgeReadOnly();
  acknowledge(scaler.role, {
    id: `AwsSolutions-IAM5[Resource::${nagResource(scope, targets)}]`,
    reason:
      "Application Auto Scaling names a scalable target by an id it generates at registration, unknown at deploy time; the statement's conditions confine the writes to ECS services' task counts (service-namespace ecs, scalable-dimension ecs:service:DesiredCount), and the handler writes only the target of the service it is given (resource id service/<cluster>/<service>), as its tests show.",
  });
}
