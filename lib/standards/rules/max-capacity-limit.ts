import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { ScalingRule } from '../scaling-rule';
import { literalNumber } from '../private/cfn-lookup';

/**
 * Auto Scaling groups have a literal `MaxSize` no larger than `limit`.
 *
 * The maximum is the hard ceiling on what a runaway policy or scaler can spend. A `MaxSize`
 * that is a parameter or an intrinsic cannot be checked at synthesis and is reported too.
 *
 * @param limit the largest acceptable `MaxSize`
 */
export function maxCapacityWithinLimit(limit: number): ScalingRule {
  return (node: CfnResource) => {
    if (!(node instanceof CfnAutoScalingGroup)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const max = literalNumber(node, node.maxSize);
    return max !== undefined && max <= limit ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
