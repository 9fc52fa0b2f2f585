import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';
import { diagnoseAlarms } from '../private/alarm-diagnosis';
import { groupLiteralName } from '../private/cfn-lookup';
import { asRule, type Diagnose } from '../private/diagnosis';

/** The diagnosis behind {@link groupAlarms}. */
export function diagnoseGroupAlarms(metricNames: ReadonlyArray<string>): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnAutoScalingGroup) || metricNames.length === 0) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return diagnoseAlarms(
      { namespaces: ['AWS/EC2', 'AWS/AutoScaling'], dimensionName: 'AutoScalingGroupName', resource: node, literalName: groupLiteralName(node) },
      metricNames,
      'group',
    );
  };
}

/**
 * Auto Scaling groups have, in their stack, an alarm with at least one alarm action on each
 * of the given `AWS/EC2` (or `AWS/AutoScaling`) metrics with the dimension
 * `AutoScalingGroupName` referring to the group. An empty list turns the rule off.
 *
 * The alarms that target tracking creates are managed by AWS and notify no one. A group that
 * runs hot at its maximum, or cannot launch instances, is only noticed through an alarm of its
 * own with an action.
 *
 * @param metricNames metric names each group needs an alarm on, e.g. `['CPUUtilization']`
 */
export function groupAlarms(metricNames: ReadonlyArray<string>): ScalingRule {
  return asRule(diagnoseGroupAlarms(metricNames));
}
