import { type Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { assertInRange } from '../private/validation';
import { acknowledge } from '../private/acknowledge';

/**
 * One entry of {@link ScalingGroupMixedInstancesPolicy.launchTemplateOverrides}: aws-cdk-lib's
 * `LaunchTemplateOverrides` without its `launchTemplate` (every instance launches from the
 * group's own launch template, with IMDSv2 required and an encrypted root volume).
 */
export interface ScalingGroupLaunchTemplateOverride {
  /**
   * The instance requirements EC2 Auto Scaling picks instance types by (at most four entries).
   * Exactly one of `instanceRequirements` and `instanceType`.
   *
   * @default - no instance requirements: `instanceType` names the type
   */
  readonly instanceRequirements?: autoscaling.CfnAutoScalingGroup.InstanceRequirementsProperty;
  /**
   * The instance type, of the architecture of the launch template's AMI. Exactly one of
   * `instanceRequirements` and `instanceType`.
   *
   * @default - no instance type: `instanceRequirements` selects the types
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The capacity units this entry provides towards the desired capacity, 1 to 999.
   *
   * @default - no weight (each instance counts as one unit)
   */
  readonly weightedCapacity?: number;
}

/**
 * The mixed instances policy of a {@link ScalingGroup}: aws-cdk-lib's `MixedInstancesPolicy`
 * without its `launchTemplate`, which is the group's own.
 */
export interface ScalingGroupMixedInstancesPolicy {
  /**
   * On-Demand base capacity, On-Demand share above it, and the Spot allocation strategy.
   *
   * @default - aws-cdk-lib's (and EC2 Auto Scaling's) defaults: base 0, 100% On-Demand above it
   * (no Spot), lowest-price Spot allocation
   */
  readonly instancesDistribution?: autoscaling.InstancesDistribution;
  /**
   * Instance types, or attribute-based instance requirements, the group may launch; each entry
   * has exactly one of `instanceType` and `instanceRequirements`. At most 40 entries (at most 4
   * with instance requirements).
   *
   * @default - the launch template's instance type only
   */
  readonly launchTemplateOverrides?: ScalingGroupLaunchTemplateOverride[];
}

/** A lifecycle hook created with the group (see `ScalingGroupOptions.lifecycleHooks`). */
export interface ScalingGroupLifecycleHook {
  /** The hook's name in the group. */
  readonly lifecycleHookName: string;
  /** Launching or terminating. */
  readonly lifecycleTransition: autoscaling.LifecycleTransition;
  /** The role Auto Scaling uses to notify the target, when the hook has a notification target. */
  readonly role?: iam.IRole;
  /** ARN of the notification target (topic or queue), when the hook has one. */
  readonly notificationTargetArn?: string;
}

/** The most instance types a mixed instances policy may name (EC2 Auto Scaling quota). */
const MAX_OVERRIDES = 40;
/** The most sets of instance requirements a mixed instances policy may name. */
const MAX_INSTANCE_REQUIREMENTS = 4;
/** The most lifecycle hooks a group may have (EC2 Auto Scaling quota). */
const MAX_LIFECYCLE_HOOKS = 50;
const HOOK_NAME = /^[A-Za-z0-9\-_/]{1,255}$/;

/**
 * Validates a mixed instances policy against the group's launch template; errors name the prop
 * and the values.
 */
export function validateMixedInstancesPolicy(policy: ScalingGroupMixedInstancesPolicy, instanceType: ec2.InstanceType): void {
  const d = policy.instancesDistribution ?? {};
  assertInRange('mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity', d.onDemandBaseCapacity, 0, 10_000, { integer: true });
  assertInRange('mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity', d.onDemandPercentageAboveBaseCapacity, 0, 100, {
    integer: true,
  });
  if (d.spotInstancePools !== undefined) {
    assertInRange('mixedInstancesPolicy.instancesDistribution.spotInstancePools', d.spotInstancePools, 1, 20, { integer: true });
    const strategy = d.spotAllocationStrategy ?? autoscaling.SpotAllocationStrategy.LOWEST_PRICE;
    if (strategy !== autoscaling.SpotAllocationStrategy.LOWEST_PRICE) {
      throw new Error(
        `mixedInstancesPolicy.instancesDistribution.spotInstancePools (${d.spotInstancePools}) applies only with spotAllocationStrategy lowest-price, got ${strategy}`,
      );
    }
  }
  if (d.spotMaxPrice !== undefined && d.spotMaxPrice !== '' && !Token.isUnresolved(d.spotMaxPrice) && !(Number(d.spotMaxPrice) > 0)) {
    throw new Error(
      `mixedInstancesPolicy.instancesDistribution.spotMaxPrice must be a price in USD per hour above 0 (or '' for the On-Demand price), got '${d.spotMaxPrice}'`,
    );
  }
  const overrides = policy.launchTemplateOverrides ?? [];
  if (overrides.length > MAX_OVERRIDES) {
    throw new Error(`mixedInstancesPolicy.launchTemplateOverrides may name at most ${MAX_OVERRIDES} instance types, got ${overrides.length}`);
  }
  const withRequirements = overrides.filter((o) => o.instanceRequirements !== undefined).length;
  if (withRequirements > MAX_INSTANCE_REQUIREMENTS) {
    throw new Error(
      `mixedInstancesPolicy.launchTemplateOverrides may have at most ${MAX_INSTANCE_REQUIREMENTS} entries with instanceRequirements, got ${withRequirements}`,
    );
  }
  if (withRequirements > 0 && withRequirements < overrides.length) {
    throw new Error(
      'mixedInstancesPolicy.launchTemplateOverrides must use either instanceType in every entry or instanceRequirements in every entry, not both kinds',
    );
  }
  const seen = new Set<string>();
  overrides.forEach((o, i) => {
    const where = `mixedInstancesPolicy.launchTemplateOverrides[${i}]`;
    if ((o as { launchTemplate?: unknown }).launchTemplate !== undefined) {
      throw new Error(
        `${where}.launchTemplate is not supported: every instance launches from the group's own launch template (IMDSv2 required, encrypted root volume)`,
      );
    }
    if ((o.instanceType === undefined) === (o.instanceRequirements === undefined)) {
      throw new Error(`${where} must have exactly one of instanceType and instanceRequirements`);
    }
    assertInRange(`${where}.weightedCapacity`, o.weightedCapacity, 1, 999, { integer: true });
    if (o.instanceType) {
      const name = o.instanceType.toString();
      if (seen.has(name)) throw new Error(`${where}.instanceType (${name}) is named twice`);
      seen.add(name);
      if (o.instanceType.architecture !== instanceType.architecture) {
        throw new Error(
          `${where}.instanceType (${name}, ${o.instanceType.architecture}) must have the architecture of the launch template's AMI (instanceType ${instanceType.toString()}, ${instanceType.architecture})`,
        );
      }
    }
  });
}

/** Validates warm pool options against the group; errors name the prop and the values. */
export function validateWarmPool(options: autoscaling.WarmPoolOptions, maxCapacity: number, mixed: boolean): void {
  if (mixed) {
    throw new Error(
      'warmPool cannot be combined with mixedInstancesPolicy: EC2 Auto Scaling does not support warm pools on groups with a mixed instances policy or Spot instances',
    );
  }
  assertInRange('warmPool.minSize', options.minSize, 0, 10_000, { integer: true });
  const prepared = options.maxGroupPreparedCapacity;
  if (prepared !== undefined && !Token.isUnresolved(prepared)) {
    if (!Number.isInteger(prepared) || prepared < -1) {
      throw new Error(`warmPool.maxGroupPreparedCapacity must be a whole number >= 0 (or -1 for the group's maxCapacity), got ${prepared}`);
    }
    if (prepared !== -1 && !Token.isUnresolved(maxCapacity) && prepared > maxCapacity) {
      throw new Error(`warmPool.maxGroupPreparedCapacity (${prepared}) must be <= maxCapacity (${maxCapacity})`);
    }
    const minSize = options.minSize ?? 0;
    if (prepared !== -1 && !Token.isUnresolved(minSize) && minSize > prepared) {
      throw new Error(`warmPool.minSize (${minSize}) must be <= warmPool.maxGroupPreparedCapacity (${prepared})`);
    }
  }
}

/** Validates maxInstanceLifetime: 1 to 365 days, whole seconds (EC2 Auto Scaling's range). */
export function validateMaxInstanceLifetime(lifetime: Duration | undefined): void {
  if (lifetime === undefined || lifetime.isUnresolved()) return;
  const seconds = lifetime.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 86_400 || seconds > 31_536_000) {
    throw new Error(`maxInstanceLifetime must be a whole number of seconds between 1 day and 365 days, got ${lifetime.toHumanString()}`);
  }
}

/**
 * Renders lifecycle hooks for the group's `LifecycleHookSpecificationList`, so that they apply
 * from the group's first instances (a separate `AWS::AutoScaling::LifecycleHook` is created only
 * after the group, whose first instances launch without it). Each target is bound under its own
 * construct in `scope` (for the role and whatever the target creates, e.g. FunctionHook's topic).
 */
export function renderLifecycleHooks(
  scope: Construct,
  hooks: autoscaling.BasicLifecycleHookProps[],
): {
  specifications: autoscaling.CfnAutoScalingGroup.LifecycleHookSpecificationProperty[];
  hooks: ScalingGroupLifecycleHook[];
} {
  if (hooks.length > MAX_LIFECYCLE_HOOKS) {
    throw new Error(`lifecycleHooks may have at most ${MAX_LIFECYCLE_HOOKS} hooks, got ${hooks.length}`);
  }
  const names = new Set<string>();
  const rendered = hooks.map((hook, i) => {
    const where = `lifecycleHooks[${i}]`;
    if (!hook || !Object.values(autoscaling.LifecycleTransition).includes(hook.lifecycleTransition)) {
      throw new Error(`${where}.lifecycleTransition is required: LifecycleTransition.INSTANCE_LAUNCHING or INSTANCE_TERMINATING`);
    }
    const name =
      hook.lifecycleHookName ??
      `${hook.lifecycleTransition === autoscaling.LifecycleTransition.INSTANCE_LAUNCHING ? 'launching' : 'terminating'}-${i + 1}`;
    if (!Token.isUnresolved(name)) {
      if (!HOOK_NAME.test(name)) throw new Error(`${where}.lifecycleHookName must be 1 to 255 letters, digits, '-', '_' or '/', got '${name}'`);
      if (names.has(name)) throw new Error(`${where}.lifecycleHookName (${name}) is used by another hook of the group`);
      names.add(name);
    }
    if (hook.heartbeatTimeout && !hook.heartbeatTimeout.isUnresolved()) {
      const s = hook.heartbeatTimeout.toSeconds({ integral: false });
      if (!Number.isInteger(s) || s < 30 || s > 7200) {
        throw new Error(
          `${where}.heartbeatTimeout must be a whole number of seconds between 30 seconds and 2 hours, got ${hook.heartbeatTimeout.toHumanString()}`,
        );
      }
    }
    if (hook.notificationMetadata !== undefined && !Token.isUnresolved(hook.notificationMetadata) && hook.notificationMetadata.length > 1023) {
      throw new Error(`${where}.notificationMetadata must be at most 1023 characters, got ${hook.notificationMetadata.length}`);
    }
    if (hook.role && !hook.notificationTarget) {
      throw new Error(`${where}.role needs notificationTarget: the role is what Auto Scaling uses to notify the target`);
    }
    let role: iam.IRole | undefined;
    let targetArn: string | undefined;
    if (hook.notificationTarget) {
      const hookScope = new Construct(scope, `LifecycleHook${i + 1}`);
      const config = hook.notificationTarget.bind(hookScope, bindOptions(where, hook.role));
      role = config.createdRole;
      targetArn = config.notificationTargetArn;
      if (role instanceof iam.Role && role.node.path.startsWith(`${hookScope.node.path}/`)) {
        acknowledge(role, {
          id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason:
            "Granted by aws-cdk-lib's grantPublish/grantSendMessages on the notification target's own KMS key only (the statement's resource is that key): publishing to an encrypted topic or queue needs the GenerateDataKey family of actions.",
        });
      }
    }
    const specification: autoscaling.CfnAutoScalingGroup.LifecycleHookSpecificationProperty = {
      lifecycleHookName: name,
      lifecycleTransition: hook.lifecycleTransition,
      defaultResult: hook.defaultResult,
      heartbeatTimeout: hook.heartbeatTimeout?.toSeconds(),
      notificationMetadata: hook.notificationMetadata,
      notificationTargetArn: targetArn,
      roleArn: role?.roleArn,
    };
    return {
      specification,
      hook: { lifecycleHookName: name, lifecycleTransition: hook.lifecycleTransition, role, notificationTargetArn: targetArn },
    };
  });
  return { specifications: rendered.map((r) => r.specification), hooks: rendered.map((r) => r.hook) };
}

/**
 * The options a lifecycle hook target is bound with. aws-cdk-lib's targets (TopicHook,
 * QueueHook, FunctionHook) use only `role`; there is no `LifecycleHook` construct, since the hook
 * is part of the group, so a target that reads `lifecycleHook` gets an error saying so.
 */
function bindOptions(where: string, role: iam.IRole | undefined): autoscaling.BindHookTargetOptions {
  return {
    role,
    get lifecycleHook(): autoscaling.LifecycleHook {
      throw new Error(
        `${where}.notificationTarget reads options.lifecycleHook, but the hook is created with the group (LifecycleHookSpecificationList) and has no LifecycleHook construct: use a target of aws-cdk-lib's aws-autoscaling-hooktargets, or one that uses only options.role`,
      );
    },
  };
}

/**
 * The launch template an aws-cdk-lib `AutoScalingGroup` launches from, for vertical scaling:
 * the one it created itself (its child `LaunchTemplate`, i.e. `group.node.findChild('LaunchTemplate')`,
 * created when the group was given `machineImage` and `instanceType` under the
 * `@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig` feature flag), or the
 * `ec2.LaunchTemplate` of this app it was given as `launchTemplate` or
 * `mixedInstancesPolicy.launchTemplate`.
 *
 * @returns the template, or undefined when the group uses a launch configuration or an imported template
 */
export function launchTemplateOf(group: autoscaling.AutoScalingGroup): ec2.LaunchTemplate | undefined {
  const own = group.node.tryFindChild('LaunchTemplate');
  if (own instanceof ec2.LaunchTemplate) return own;
  const cfn = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
  const stack = Stack.of(group);
  const spec: unknown =
    stack.resolve(cfn.launchTemplate) ??
    propertyOf(propertyOf(stack.resolve(cfn.mixedInstancesPolicy), 'launchTemplate'), 'launchTemplateSpecification');
  const id = propertyOf(spec, 'launchTemplateId') ?? propertyOf(spec, 'LaunchTemplateId');
  if (id === undefined) return undefined;
  const wanted = JSON.stringify(id);
  return stack.node
    .findAll()
    .find(
      (c): c is ec2.LaunchTemplate =>
        c instanceof ec2.LaunchTemplate && c.launchTemplateId !== undefined && JSON.stringify(stack.resolve(c.launchTemplateId)) === wanted,
    );
}

/** A property of a resolved L1 struct (JSON of unknown shape), or `undefined` when it is not an object. */
function propertyOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
