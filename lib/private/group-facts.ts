import { Annotations, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct, IConstruct } from 'constructs';

/**
 * What the app already says about a group, read from the stack's resources that name it (its
 * scaling policies, warm pool, ECS capacity providers): the scalers take their defaults from it
 * and warn about what they cannot change. Resources are matched on the group's name as the
 * stack renders it (a `Ref` to an L2 group, or the literal name of an imported one). Internal.
 */

/** The group's name as the stack renders it, for matching. */
function nameKey(stack: Stack, group: autoscaling.IAutoScalingGroup): string {
  return JSON.stringify(stack.resolve(group.autoScalingGroupName));
}

/** The resources of type `T` in the group's stack whose `groupName(c)` is the group's name. */
function onGroup<T extends IConstruct>(group: autoscaling.IAutoScalingGroup, is: (c: IConstruct) => c is T, groupName: (c: T) => unknown): T[] {
  const stack = Stack.of(group);
  const key = nameKey(stack, group);
  return stack.node
    .findAll()
    .filter(is)
    .filter((c) => JSON.stringify(stack.resolve(groupName(c))) === key);
}

/** A field of a resolved CloudFormation value, in either key case (`targetValue` or `TargetValue`). */
function pick(o: unknown, camel: string): unknown {
  if (typeof o !== 'object' || o === null) return undefined;
  const record = o as Record<string, unknown>;
  return record[camel] ?? record[camel[0].toUpperCase() + camel.slice(1)];
}

/** A target tracking policy of the group on a predefined metric, with its target when literal. */
export interface TargetTrackingFact {
  readonly path: string;
  readonly predefinedMetricType: string;
  readonly targetValue?: number;
}

/** The group's target tracking policies on predefined metrics (aws-cdk-lib's `scaleOnCpuUtilization`, `scaleOnRequestCount`, ...). */
export function targetTrackingPolicies(group: autoscaling.IAutoScalingGroup): TargetTrackingFact[] {
  const stack = Stack.of(group);
  const policies = onGroup(
    group,
    (c): c is autoscaling.CfnScalingPolicy => c instanceof autoscaling.CfnScalingPolicy,
    (c) => c.autoScalingGroupName,
  );
  return policies.flatMap((p) => {
    const config: unknown = stack.resolve(p.targetTrackingConfiguration);
    const type = pick(pick(config, 'predefinedMetricSpecification'), 'predefinedMetricType');
    if (typeof type !== 'string') return [];
    const target = pick(config, 'targetValue');
    return [{ path: p.node.path, predefinedMetricType: type, ...(typeof target === 'number' ? { targetValue: target } : {}) }];
  });
}

/** The group's warm pool (our ScalingGroup's, aws-cdk-lib's `addWarmPool`, or a CfnWarmPool naming it), if any. */
export function warmPoolOf(group: autoscaling.IAutoScalingGroup): autoscaling.CfnWarmPool | undefined {
  return onGroup(
    group,
    (c): c is autoscaling.CfnWarmPool => c instanceof autoscaling.CfnWarmPool,
    (c) => c.autoScalingGroupName,
  )[0];
}

/** ECS capacity providers with managed scaling on the group (they name it in `AutoScalingGroupArn`, by name or ARN). */
export function ecsManagedScalingProviders(group: autoscaling.IAutoScalingGroup): ecs.CfnCapacityProvider[] {
  const stack = Stack.of(group);
  const key = nameKey(stack, group);
  return stack.node
    .findAll()
    .filter((c): c is ecs.CfnCapacityProvider => c instanceof ecs.CfnCapacityProvider)
    .filter((c) => {
      const provider: unknown = stack.resolve(c.autoScalingGroupProvider);
      const ref = JSON.stringify(pick(provider, 'autoScalingGroupArn') ?? null);
      const status = pick(pick(provider, 'managedScaling'), 'status');
      return status === 'ENABLED' && (ref === key || ref.includes(key.replace(/^"|"$/g, '')));
    });
}

/**
 * Warns, once the whole app is built (so that policies, warm pools and capacity providers added
 * after the scaler count), about a group the scaler cannot change: fixed (MinSize = MaxSize) or
 * driven by an ECS capacity provider with managed scaling.
 */
export function warnAboutGroup(
  scope: Construct,
  who: string,
  group: autoscaling.IAutoScalingGroup,
  bounds: { minSize: number; maxSize: number },
): void {
  const ids = { fixed: `cdk-scaling-architecture:${who}FixedSizeGroup`, ecs: `cdk-scaling-architecture:${who}EcsManagedScaling` };
  if (bounds.minSize === bounds.maxSize) {
    Annotations.of(scope).addWarningV2(
      ids.fixed,
      `The group ${group.node.path} is fixed at ${bounds.minSize} instances (MinSize = MaxSize): the ${who} cannot change its capacity. Widen its maxCapacity, or do not deploy the ${who} on it.`,
    );
  }
  scope.node.addValidation({
    validate: () => {
      const providers = ecsManagedScalingProviders(group);
      if (providers.length > 0) {
        Annotations.of(scope).addWarningV2(
          ids.ecs,
          `The group ${group.node.path} is driven by the ECS capacity provider ${providers[0].node.path} with managed scaling: ECS sets its desired capacity from the tasks' needs (a target tracking policy on CapacityProviderReservation), so the ${who}'s changes are undone by it. Scale the ECS service instead, or turn managed scaling off.`,
        );
      }
      return [];
    },
  });
}
