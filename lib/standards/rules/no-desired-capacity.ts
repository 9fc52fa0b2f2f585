import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { resolve } from '../private/cfn-lookup';

/**
 * Auto Scaling groups leave `DesiredCapacity` unset.
 *
 * A `DesiredCapacity` in the template resets the group to that value on every deployment that
 * touches the group, undoing whatever the scaling policies or a scaler decided.
 */
export function noDesiredCapacity(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const desired = resolve(node, node.desiredCapacity);
  return desired === undefined || desired === null ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
