import { CfnResource } from 'aws-cdk-lib';
import { CfnTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import { literalNumber, literalString, resolve } from '../private/cfn-lookup';

/**
 * ELBv2 target groups of instances or IP addresses set their health check explicitly and
 * sanely: health checks not disabled; `HealthCheckIntervalSeconds`,
 * `HealthCheckTimeoutSeconds`, `HealthyThresholdCount` and `UnhealthyThresholdCount` all set
 * as literals; the timeout shorter than the interval; both thresholds between 2 and 10; and a
 * `HealthCheckPath` when the check is HTTP or HTTPS. Lambda target groups are not checked.
 *
 * The defaults depend on the protocol and target type and probe `/`, which often is not the
 * page that proves the application works. A timeout as long as the interval lets checks pile
 * up, and the thresholds decide how fast a failing instance stops taking traffic and is
 * replaced.
 */
export function targetGroupHealthCheck(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnTargetGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (literalString(node, node.targetType) === 'lambda') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (resolve(node, node.healthCheckEnabled) === false) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const interval = literalNumber(node, node.healthCheckIntervalSeconds);
  const timeout = literalNumber(node, node.healthCheckTimeoutSeconds);
  const healthy = literalNumber(node, node.healthyThresholdCount);
  const unhealthy = literalNumber(node, node.unhealthyThresholdCount);
  if (interval === undefined || timeout === undefined || healthy === undefined || unhealthy === undefined) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  if (timeout >= interval || !inRange(healthy, 2, 10) || !inRange(unhealthy, 2, 10)) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const protocol = (literalString(node, node.healthCheckProtocol) ?? literalString(node, node.protocol) ?? '').toUpperCase();
  if ((protocol === 'HTTP' || protocol === 'HTTPS') && literalString(node, node.healthCheckPath) === undefined) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.COMPLIANT;
}

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}
