import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { literalNumber, literalString, resolve } from '../private/cfn-lookup';

/**
 * Auto Scaling groups registered with a load balancer (`TargetGroupARNs` or
 * `LoadBalancerNames`) use ELB health checks (`HealthCheckType` includes `ELB`) with a
 * positive `HealthCheckGracePeriod`.
 *
 * With EC2 health checks only, an instance whose application fails the load balancer's health
 * check stays in service: it takes no traffic but counts as capacity, so the group neither
 * replaces it nor scales around it. Without a grace period, new instances are judged by the
 * load balancer before they finished booting and are replaced in a loop.
 */
export function elbHealthCheck(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const targetGroups = resolve(node, node.targetGroupArns);
  const classic = resolve(node, node.loadBalancerNames);
  const balanced = (Array.isArray(targetGroups) && targetGroups.length > 0) || (Array.isArray(classic) && classic.length > 0);
  if (!balanced) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const types = (literalString(node, node.healthCheckType) ?? '').split(',').map((t) => t.trim().toUpperCase());
  const grace = literalNumber(node, node.healthCheckGracePeriod);
  return types.includes('ELB') && grace !== undefined && grace > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
