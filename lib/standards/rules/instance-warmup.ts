import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { isFixedSizeGroup, literalNumber, literalString, policiesOfGroup, resolve } from '../private/cfn-lookup';

/**
 * Auto Scaling groups that can change size tell the scaling policies how long a new instance
 * takes to be ready: either the group's `DefaultInstanceWarmup` (0 or more; -1 turns it off),
 * or, for every dynamic policy of the group, its own `EstimatedInstanceWarmup` (target
 * tracking and step scaling) or `Cooldown` (simple scaling, or the group's `Cooldown`). A
 * group with neither a default warmup nor a dynamic policy is reported.
 *
 * Without a warmup, instances still booting count as if they were serving: their low CPU
 * drags the group's average down, and policies scale in or stop scaling out too early, which
 * makes the group oscillate.
 */
export function instanceWarmup(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnAutoScalingGroup) || isFixedSizeGroup(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const defaultWarmup = literalNumber(node, node.defaultInstanceWarmup);
  if (defaultWarmup !== undefined && defaultWarmup >= 0) {
    return NagRuleCompliance.COMPLIANT;
  }
  const groupCooldown = resolve(node, node.cooldown);
  const dynamic = policiesOfGroup(node)
    .map((p) => ({ policy: p, type: literalString(p, p.policyType) ?? 'SimpleScaling' }))
    .filter(({ type }) => type !== 'PredictiveScaling');
  if (dynamic.length === 0) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const allWarm = dynamic.every(({ policy, type }) =>
    type === 'SimpleScaling'
      ? resolve(policy, policy.cooldown) !== undefined || groupCooldown !== undefined
      : resolve(policy, policy.estimatedInstanceWarmup) !== undefined,
  );
  return allWarm ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
