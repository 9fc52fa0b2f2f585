import type { CfnResource } from 'aws-cdk-lib';
import { CfnTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';
import { diagnoseAlarms } from '../private/alarm-diagnosis';
import { literalString } from '../private/cfn-lookup';
import { asRule, type Diagnose } from '../private/diagnosis';

/** The diagnosis behind {@link targetGroupAlarms}. */
export function diagnoseTargetGroupAlarms(metricNames: ReadonlyArray<string>): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnTargetGroup) || metricNames.length === 0 || literalString(node, node.targetType) === 'lambda') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return diagnoseAlarms(
      { namespaces: ['AWS/ApplicationELB', 'AWS/NetworkELB', 'AWS/GatewayELB'], dimensionName: 'TargetGroup', resource: node },
      metricNames,
      'target group',
    );
  };
}

/**
 * ELBv2 target groups of instances or IP addresses have, in their stack, an alarm with at
 * least one alarm action on each of the given load balancer metrics (`AWS/ApplicationELB`,
 * `AWS/NetworkELB` or `AWS/GatewayELB`) with the dimension `TargetGroup` referring to the
 * target group. An empty list turns the rule off.
 *
 * Unhealthy hosts are the first sign of a failing deployment or of instances overwhelmed
 * before scaling caught up; the group replaces them silently unless someone is told.
 *
 * @param metricNames metric names each target group needs an alarm on, e.g. `['UnHealthyHostCount']`
 */
export function targetGroupAlarms(metricNames: ReadonlyArray<string>): ScalingRule {
  return asRule(diagnoseTargetGroupAlarms(metricNames));
}
