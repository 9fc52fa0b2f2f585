import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IConstruct } from 'constructs';

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

/** What is attached to one group that wants to change its capacity, collected for its warnings. */
interface GroupScalers {
  readonly scalers: string[];
  bounds?: { minSize: number; maxSize: number };
}

const attached = new WeakMap<IConstruct, GroupScalers>();

/** Id of the one warning about a fixed-size group (MinSize = MaxSize) that something tries to scale. */
export const FIXED_SIZE_GROUP_WARNING = 'cdk-scaling-architecture:fixedSizeGroup';
/** Id of the one warning about a group driven by an ECS capacity provider with managed scaling that something else scales. */
export const ECS_MANAGED_SCALING_WARNING = 'cdk-scaling-architecture:ecsManagedScalingGroup';

/**
 * Records that `who` (e.g. `the predictive scaler`, `2 scaling policies`) changes the capacity
 * of `group`, whose configured bounds are `bounds` when known. Once the whole app is built (so
 * that policies, warm pools and capacity providers added later count), the group gets at most one
 * warning per cause, on the group itself, naming everything attached: fixed (MinSize = MaxSize,
 * `FIXED_SIZE_GROUP_WARNING`), or driven by an ECS capacity provider with managed scaling
 * (`ECS_MANAGED_SCALING_WARNING`). Only what is deployed is recorded, so no warning names a
 * scaler that is not there.
 */
export function warnAboutGroup(who: string, group: autoscaling.IAutoScalingGroup, bounds?: { minSize: number; maxSize: number }): void {
  let entry = attached.get(group);
  if (!entry) {
    const created: GroupScalers = { scalers: [] };
    entry = created;
    attached.set(group, created);
    group.node.addValidation({ validate: () => warnOnce(group, created) });
  }
  if (!entry.scalers.includes(who)) entry.scalers.push(who);
  if (bounds && !Token.isUnresolved(bounds.minSize) && !Token.isUnresolved(bounds.maxSize)) entry.bounds ??= bounds;
}

function warnOnce(group: autoscaling.IAutoScalingGroup, entry: GroupScalers): string[] {
  const who = listed(entry.scalers);
  const they = entry.scalers.length === 1 && !/policies$/.test(entry.scalers[0]) ? 'it' : 'they';
  if (entry.bounds && entry.bounds.minSize === entry.bounds.maxSize) {
    Annotations.of(group).addWarningV2(
      FIXED_SIZE_GROUP_WARNING,
      `The group ${group.node.path} is fixed at ${entry.bounds.minSize} instances (MinSize = MaxSize) but has ${who}: ${they} cannot change its capacity (scheduled actions that change MinSize or MaxSize still apply). Widen its maxCapacity, or remove ${they === 'it' ? 'it' : 'them'}.`,
    );
  }
  const providers = ecsManagedScalingProviders(group);
  if (providers.length > 0) {
    Annotations.of(group).addWarningV2(
      ECS_MANAGED_SCALING_WARNING,
      `The group ${group.node.path} is driven by the ECS capacity provider ${providers[0].node.path} with managed scaling: ECS sets its desired capacity from the tasks' needs (a target tracking policy on CapacityProviderReservation), so what ${who} change${they === 'it' ? 's' : ''} is undone by it. Plan the ECS service's tasks instead (PredictiveScaler's ecsService: the instances follow through managed scaling), or turn managed scaling off.`,
    );
  }
  return [];
}

/** `a`, `a and b`, `a, b and c`. */
function listed(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
