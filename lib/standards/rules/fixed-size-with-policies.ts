import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance } from 'cdk-nag';
import { ScalerFunctionSelector } from '../scaler-function-selector';
import type { ScalingRule } from '../scaling-rule';
import { asRule, type Diagnose, finding } from '../private/diagnosis';
import {
  boundChangingScheduledActionsOf,
  ecsManagedScalingProvidersOf,
  isFixedSizeGroup,
  literalNumber,
  policiesOfGroup,
  resourcesInStack,
} from '../private/cfn-lookup';

/** The diagnosis behind {@link fixedSizeWithPolicies}. */
export function diagnoseFixedSizeWithPolicies(scalers: ScalerFunctionSelector): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnAutoScalingGroup) || !isFixedSizeGroup(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const policies = policiesOfGroup(node);
    const providers = ecsManagedScalingProvidersOf(node);
    if (policies.length + providers.length === 0 || boundChangingScheduledActionsOf(node).length > 0) {
      return NagRuleCompliance.COMPLIANT;
    }
    if (resourcesInStack(node).some((r) => r instanceof CfnFunction && scalers.matches(r))) {
      return NagRuleCompliance.COMPLIANT; // a scaler function may change the bounds at run time
    }
    const size = literalNumber(node, node.minSize);
    const acting = [...policies.map((p) => p.node.path), ...providers.map((p) => `${p.node.path} (ECS managed scaling)`)];
    return finding(
      `MinSize ${size} = MaxSize ${size}, and neither a scheduled action nor a scaler function in the stack changes them, yet ${acting.length} scaler${acting.length === 1 ? '' : 's'} can never act: ${acting.join(', ')}`,
      `a maxCapacity above minCapacity (${size}), a scheduled action that changes the bounds, or no scaling policy if the fleet is meant to stay at ${size}`,
    );
  };
}

/**
 * Auto Scaling groups whose bounds cannot change (literal `MinSize` equal to `MaxSize`, and no
 * `AWS::AutoScaling::ScheduledAction` in the stack that sets them, and no scaler function in the
 * stack as `scalers` chooses, which may change them at run time) have no scaling policy and no
 * ECS capacity provider with managed scaling.
 *
 * A policy can only move the desired capacity between MinSize and MaxSize: on a fixed group it
 * never acts, so the fleet looks scaled but is not. aws-cdk-lib's `AutoScalingGroup` defaults
 * to 1..1, so `scaleOnRequestCount` on a group without `maxCapacity` is this case.
 *
 * @param scalers which Lambda functions are scalers (default: those allowed Auto Scaling writes)
 */
export function fixedSizeWithPolicies(scalers: ScalerFunctionSelector = ScalerFunctionSelector.withAutoScalingWritePermissions()): ScalingRule {
  return asRule(diagnoseFixedSizeWithPolicies(scalers));
}
