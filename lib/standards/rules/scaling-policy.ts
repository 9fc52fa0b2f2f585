import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { isFixedSizeGroup, policiesOfGroup } from '../private/cfn-lookup';

/**
 * Auto Scaling groups that can change size (MinSize below MaxSize) have at least one scaling
 * policy (`AWS::AutoScaling::ScalingPolicy` of any type) in their stack.
 *
 * Without a policy the group stays at its minimum whatever the load, and the room up to
 * MaxSize is never used. Groups with equal literal MinSize and MaxSize are fixed fleets and
 * are not checked.
 */
export function scalingPolicy(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnAutoScalingGroup) || isFixedSizeGroup(node)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return policiesOfGroup(node).length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
