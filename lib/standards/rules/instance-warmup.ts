import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding } from '../private/diagnosis';
import { ecsManagedScalingProvidersOf, isFixedSizeGroup, literalNumber, literalString, policiesOfGroup, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link instanceWarmup}. */
export function diagnoseInstanceWarmup(node: CfnResource): Diagnosis {
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
  const ecsManaged = ecsManagedScalingProvidersOf(node).length > 0;
  const noDefault = defaultWarmup === undefined ? 'DefaultInstanceWarmup is unset' : `DefaultInstanceWarmup is ${defaultWarmup} (off)`;
  const fix =
    'defaultInstanceWarmup on the group (the time an instance needs to serve), or estimatedInstanceWarmup on every target tracking and step policy (cooldown on simple scaling policies)';
  if (dynamic.length === 0) {
    // ECS managed scaling creates the group's only dynamic policy, with the provider's instance warmup period
    return ecsManaged ? NagRuleCompliance.COMPLIANT : finding(`${noDefault} and the group has no dynamic scaling policy that sets a warmup`, fix);
  }
  const cold = dynamic.filter(({ policy, type }) =>
    type === 'SimpleScaling'
      ? resolve(policy, policy.cooldown) === undefined && groupCooldown === undefined
      : resolve(policy, policy.estimatedInstanceWarmup) === undefined,
  );
  if (cold.length === 0) {
    return NagRuleCompliance.COMPLIANT;
  }
  const names = cold.map(
    ({ policy, type }) => `${policy.node.path} (${type}, ${type === 'SimpleScaling' ? 'no Cooldown' : 'no EstimatedInstanceWarmup'})`,
  );
  return finding(`${noDefault} and ${cold.length} of ${dynamic.length} dynamic policies set no warmup: ${names.join(', ')}`, fix);
}

/**
 * Auto Scaling groups that can change size tell the scaling policies how long a new instance
 * takes to be ready: either the group's `DefaultInstanceWarmup` (0 or more; -1 turns it off),
 * or, for every dynamic policy of the group, its own `EstimatedInstanceWarmup` (target
 * tracking and step scaling) or `Cooldown` (simple scaling, or the group's `Cooldown`). A
 * group with neither a default warmup nor a dynamic policy is reported, unless an ECS capacity
 * provider with managed scaling uses it (ECS's policy carries the provider's instance warmup
 * period).
 *
 * Without a warmup, instances still booting count as if they were serving: their low CPU
 * drags the group's average down, and policies scale in or stop scaling out too early, which
 * makes the group oscillate.
 */
export const instanceWarmup = asRule(diagnoseInstanceWarmup);
