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
  const balanced = registers(resolve(node, node.targetGroupArns)) || registers(resolve(node, node.loadBalancerNames));
  if (!balanced) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const types = (literalString(node, node.healthCheckType) ?? '').split(',').map((t) => t.trim().toUpperCase());
  const grace = literalNumber(node, node.healthCheckGracePeriod);
  return types.includes('ELB') && grace !== undefined && grace > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** Whether a resolved list property registers the group: a non-empty list, or an intrinsic (a list known only at deploy time). */
function registers(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}
