import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';
import { asRule, type Diagnose, finding, shown } from '../private/diagnosis';
import { ecsManagedScalingProvidersOf, isFixedSizeGroup, literalNumber, policiesOfGroup, resolve, scheduledActionsOf } from '../private/cfn-lookup';

/** The diagnosis behind {@link scalingPolicy}. */
export function diagnoseScalingPolicy(): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnAutoScalingGroup) || isFixedSizeGroup(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    if (policiesOfGroup(node).length > 0 || ecsManagedScalingProvidersOf(node).length > 0 || scheduledActionsOf(node).length > 0) {
      return NagRuleCompliance.COMPLIANT;
    }
    const min = literalNumber(node, node.minSize) ?? resolve(node, node.minSize);
    const max = literalNumber(node, node.maxSize) ?? resolve(node, node.maxSize);
    return finding(
      `MinSize ${shown(min)} and MaxSize ${shown(max)} leave room to scale, but nothing in the stack changes the capacity: no AWS::AutoScaling::ScalingPolicy or ScheduledAction refers to the group, and no ECS capacity provider with managed scaling ENABLED uses it`,
      'a target tracking (e.g. scaleOnCpuUtilization, scaleOnRequestCount), step or predictive scaling policy or a scheduled action on the group, or an ECS capacity provider with managed scaling',
    );
  };
}

/**
 * Auto Scaling groups that can change size (MinSize below MaxSize) have something in their
 * stack that changes their capacity: a scaling policy (`AWS::AutoScaling::ScalingPolicy` of any
 * type), a scheduled action (`AWS::AutoScaling::ScheduledAction`), an ECS capacity provider
 * (`AWS::ECS::CapacityProvider`) with managed scaling `ENABLED` (which creates the group's
 * target tracking policy itself).
 *
 * Without a policy the group stays at its minimum whatever the load, and the room up to
 * MaxSize is never used. Groups with equal literal MinSize and MaxSize are fixed fleets and
 * are not checked (see `fixedSizeWithPolicies`).
 */
export const scalingPolicy: ScalingRule = asRule(diagnoseScalingPolicy());
