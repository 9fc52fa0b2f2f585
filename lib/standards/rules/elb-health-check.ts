import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { literalNumber, literalString, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link elbHealthCheck}. */
export function diagnoseElbHealthCheck(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const targetGroups = resolve(node, node.targetGroupArns);
  const classic = resolve(node, node.loadBalancerNames);
  if (!registers(targetGroups) && !registers(classic)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const type = literalString(node, node.healthCheckType);
  const types = (type ?? '').split(',').map((t) => t.trim().toUpperCase());
  const grace = literalNumber(node, node.healthCheckGracePeriod);
  if (types.includes('ELB') && grace !== undefined && grace > 0) {
    return NagRuleCompliance.COMPLIANT;
  }
  const behind = registers(targetGroups)
    ? 'registered with a target group (TargetGroupARNs)'
    : 'registered with a classic load balancer (LoadBalancerNames)';
  return finding(
    `${behind} with HealthCheckType ${shown(type ?? resolve(node, node.healthCheckType))} and HealthCheckGracePeriod ${shown(grace ?? resolve(node, node.healthCheckGracePeriod))}`,
    'HealthCheckType "ELB" (or "EC2,ELB") and a HealthCheckGracePeriod above 0 seconds (in aws-cdk-lib: healthChecks: HealthChecks.withAdditionalChecks({ additionalTypes: [AdditionalHealthCheckType.ELB], gracePeriod }))',
  );
}

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
export const elbHealthCheck = asRule(diagnoseElbHealthCheck);

/** Whether a resolved list property registers the group: a non-empty list, or an intrinsic (a list known only at deploy time). */
function registers(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}
