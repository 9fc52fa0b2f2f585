import type { CfnResource } from 'aws-cdk-lib';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancing';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';
import { diagnoseAlarms } from '../private/alarm-diagnosis';
import { literalString } from '../private/cfn-lookup';
import { asRule, type Diagnose } from '../private/diagnosis';

/** The diagnosis behind {@link classicLoadBalancerAlarms}. */
export function diagnoseClassicLoadBalancerAlarms(metricNames: ReadonlyArray<string>): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnLoadBalancer) || metricNames.length === 0) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return diagnoseAlarms(
      { namespaces: ['AWS/ELB'], dimensionName: 'LoadBalancerName', resource: node, literalName: literalString(node, node.loadBalancerName) },
      metricNames,
      'load balancer',
    );
  };
}

/**
 * Classic load balancers have, in their stack, an alarm with at least one alarm action on each
 * of the given `AWS/ELB` metrics with the dimension `LoadBalancerName` referring to the load
 * balancer. An empty list turns the rule off.
 *
 * @param metricNames metric names each classic load balancer needs an alarm on, e.g. `['UnHealthyHostCount']`
 */
export function classicLoadBalancerAlarms(metricNames: ReadonlyArray<string>): ScalingRule {
  return asRule(diagnoseClassicLoadBalancerAlarms(metricNames));
}
