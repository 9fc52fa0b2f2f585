import type { CfnResource } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRules } from 'cdk-nag';
import { field, logicalIdOf, refersTo, resolve, resourcesInStack } from './cfn-lookup';

/** AWS managed policies that grant Auto Scaling write actions. */
const WRITE_MANAGED_POLICY = /:iam::aws:policy\/(AutoScalingFullAccess|AdministratorAccess|PowerUserAccess)"/;

/**
 * Auto Scaling actions that change no capacity: a lifecycle hook's completion and heartbeat, which
 * aws-cdk-lib's own helper functions call (the ECS drain hook of `addCapacity` and
 * `AsgCapacityProvider` completes the termination hook once the instance's tasks are drained).
 */
const LIFECYCLE_ONLY = /^autoscaling:(completelifecycleaction|recordlifecycleactionheartbeat)$/;

/**
 * Whether an IAM action grants an Auto Scaling write that can change capacity: `*`,
 * `autoscaling:*`, or any `autoscaling:` action (or pattern) that is not a `Describe*`/`Get*`
 * read nor a lifecycle hook's completion or heartbeat.
 */
export function isAutoScalingWriteAction(action: string): boolean {
  const a = action.toLowerCase();
  if (a === '*' || a === 'autoscaling:*') {
    return true;
  }
  return a.startsWith('autoscaling:') && !/^autoscaling:(describe|get)/.test(a) && !LIFECYCLE_ONLY.test(a);
}

/** A policy document's `Statement` or a statement's `Action`: one value or a list of them. */
function oneOrMany(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value as unknown[];
  }
  return value === undefined || value === null ? [] : [value];
}

/** Whether a resolved IAM policy document (JSON of unknown shape) allows an Auto Scaling write. */
function documentGrantsAutoScalingWrite(document: unknown): boolean {
  return oneOrMany(field(document, 'Statement')).some((s) => {
    if (field(s, 'Effect') !== 'Allow') {
      return false;
    }
    return oneOrMany(field(s, 'Action')).some((a) => typeof a === 'string' && isAutoScalingWriteAction(a));
  });
}

/**
 * Whether the role with logical id `roleLogicalId` in the stack of `from` is allowed an Auto
 * Scaling write: through its inline policies, an `AWS::IAM::Policy` or customer managed policy
 * attached to it in the same stack, or an AWS managed policy known to grant it.
 */
export function roleGrantsAutoScalingWrite(from: CfnResource, roleLogicalId: string): boolean {
  const resources = resourcesInStack(from);
  const role = resources.find((r): r is CfnRole => r instanceof CfnRole && logicalIdOf(r) === roleLogicalId);
  if (!role) {
    return false;
  }
  const inline = resolve(role, role.policies);
  if (Array.isArray(inline) && inline.some((p: unknown) => documentGrantsAutoScalingWrite(field(p, 'policyDocument')))) {
    return true;
  }
  const managedArns = resolve(role, role.managedPolicyArns);
  if (Array.isArray(managedArns)) {
    for (const arn of managedArns) {
      if (WRITE_MANAGED_POLICY.test(JSON.stringify(arn))) {
        return true;
      }
      const referenced: unknown = NagRules.resolveResourceFromIntrinsic(role, arn);
      const managed = resources.find((r): r is CfnManagedPolicy => r instanceof CfnManagedPolicy && logicalIdOf(r) === referenced);
      if (managed && documentGrantsAutoScalingWrite(resolve(managed, managed.policyDocument))) {
        return true;
      }
    }
  }
  return resources.some((r) => {
    if (r instanceof CfnPolicy || r instanceof CfnManagedPolicy) {
      const roles = resolve(r, r.roles);
      const attached = Array.isArray(roles) && roles.some((x: unknown) => refersTo(r, x, role));
      return attached && documentGrantsAutoScalingWrite(resolve(r, r.policyDocument));
    }
    return false;
  });
}
