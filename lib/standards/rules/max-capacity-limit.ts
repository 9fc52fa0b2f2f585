import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';
import { asRule, type Diagnose, finding, shown } from '../private/diagnosis';
import { literalNumber, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link maxCapacityWithinLimit}. */
export function diagnoseMaxCapacityWithinLimit(limit: number): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnAutoScalingGroup)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const max = literalNumber(node, node.maxSize);
    if (max !== undefined && max <= limit) {
      return NagRuleCompliance.COMPLIANT;
    }
    return finding(
      `MaxSize is ${shown(max ?? resolve(node, node.maxSize))}, the limit is ${limit}`,
      `a literal maxCapacity of at most ${limit}, or a larger pack option maxCapacityLimit if the larger fleet is intended`,
    );
  };
}

/**
 * Auto Scaling groups have a literal `MaxSize` no larger than `limit`.
 *
 * The maximum is the hard ceiling on what a runaway policy or scaler can spend. A `MaxSize`
 * that is a parameter or an intrinsic cannot be checked at synthesis and is reported too.
 *
 * @param limit the largest acceptable `MaxSize`
 */
export function maxCapacityWithinLimit(limit: number): ScalingRule {
  return asRule(diagnoseMaxCapacityWithinLimit(limit));
}
