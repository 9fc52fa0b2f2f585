import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { ScalingPolicyTarget } from './scaling-policy-types';

// Internal helpers of the policies that use the ALB request count (not exported from the package).

/** The ALB resource label (`app/<lb>/<id>/targetgroup/<tg>/<id>`) of a target group, for request-count metrics. */
export function albResourceLabel(targetGroup: elbv2.ApplicationTargetGroup): string {
  return `${targetGroup.firstLoadBalancerFullName}/${targetGroup.targetGroupFullName}`;
}

/** Throws the error every request-count policy gives when bound without a target group. */
export function requireTargetGroup(policyName: string, target: ScalingPolicyTarget): elbv2.ApplicationTargetGroup {
  if (!target.targetGroup) {
    throw new Error(
      `${policyName} needs the group to be registered with an ALB target group (targetGroup): attach the group to a target group (ScalingGroup.attachToTargetGroup) before adding this policy`,
    );
  }
  return target.targetGroup;
}
