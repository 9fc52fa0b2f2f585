import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link noDesiredCapacity}. */
export function diagnoseNoDesiredCapacity(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const desired = resolve(node, node.desiredCapacity);
  return desired === undefined || desired === null
    ? NagRuleCompliance.COMPLIANT
    : finding(`DesiredCapacity is ${shown(desired)}`, 'leave desiredCapacity unset (DesiredCapacity out of the template)');
}

/**
 * Auto Scaling groups leave `DesiredCapacity` unset.
 *
 * A `DesiredCapacity` in the template resets the group to that value on every deployment that
 * touches the group, undoing whatever the scaling policies or a scaler decided.
 */
export const noDesiredCapacity = asRule(diagnoseNoDesiredCapacity);
