import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, Diagnosis, finding } from '../private/diagnosis';
import { boundChangingScheduledActionsOf, ecsManagedScalingProvidersOf, isFixedSizeGroup, literalNumber, policiesOfGroup } from '../private/cfn-lookup';

/** The diagnosis behind {@link fixedSizeWithPolicies}. */
export function diagnoseFixedSizeWithPolicies(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup) || !isFixedSizeGroup(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policies = policiesOfGroup(node);
  const providers = ecsManagedScalingProvidersOf(node);
  if (policies.length + providers.length === 0 || boundChangingScheduledActionsOf(node).length > 0) {
    return NagRuleCompliance.COMPLIANT;
  }
  const size = literalNumber(node, node.minSize);
  const scalers = [
    ...policies.map((p) => p.node.path),
    ...providers.map((p) => `${p.node.path} (ECS managed scaling)`),
  ];
  return finding(
    `MinSize ${size} = MaxSize ${size}, and no scheduled action changes them, yet ${scalers.length} scaler${scalers.length === 1 ? '' : 's'} can never act: ${scalers.join(', ')}`,
    `a maxCapacity above minCapacity (${size}), a scheduled action that changes the bounds, or no scaling policy if the fleet is meant to stay at ${size}`,
  );
}

/**
 * Auto Scaling groups whose bounds cannot change (literal `MinSize` equal to `MaxSize`, and no
 * `AWS::AutoScaling::ScheduledAction` in the stack that sets them) have no scaling policy and
 * no ECS capacity provider with managed scaling.
 *
 * A policy can only move the desired capacity between MinSize and MaxSize: on a fixed group it
 * never acts, so the fleet looks scaled but is not. aws-cdk-lib's `AutoScalingGroup` defaults
 * to 1..1, so `scaleOnRequestCount` on a group without `maxCapacity` is this case.
 */
export const fixedSizeWithPolicies = asRule(diagnoseFixedSizeWithPolicies);
