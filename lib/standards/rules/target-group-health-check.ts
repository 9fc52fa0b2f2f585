import type { CfnResource } from 'aws-cdk-lib';
import { CfnTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { literalNumber, literalString, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link targetGroupHealthCheck}. */
export function diagnoseTargetGroupHealthCheck(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnTargetGroup) || literalString(node, node.targetType) === 'lambda') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const protocol = (literalString(node, node.healthCheckProtocol) ?? literalString(node, node.protocol) ?? '').toUpperCase();
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  // A path belongs to an HTTP or HTTPS check only: a TCP (or unknown) check is not told to add one.
  const fix = `targetGroup.configureHealthCheck({ enabled: true, ${http ? 'path, ' : ''}interval (${MIN_INTERVAL} to ${MAX_INTERVAL} seconds), timeout (shorter than interval), healthyThresholdCount and unhealthyThresholdCount between 2 and 10 })`;
  if (resolve(node, node.healthCheckEnabled) === false) {
    return finding('HealthCheckEnabled is false', fix);
  }
  const interval = literalNumber(node, node.healthCheckIntervalSeconds);
  const timeout = literalNumber(node, node.healthCheckTimeoutSeconds);
  const healthy = literalNumber(node, node.healthyThresholdCount);
  const unhealthy = literalNumber(node, node.unhealthyThresholdCount);
  const path = literalString(node, node.healthCheckPath);
  const problems = [
    ...(interval === undefined ? [`HealthCheckIntervalSeconds ${shown(resolve(node, node.healthCheckIntervalSeconds))}`] : []),
    ...(interval !== undefined && !inRange(interval, MIN_INTERVAL, MAX_INTERVAL)
      ? [`HealthCheckIntervalSeconds ${interval} outside ${MIN_INTERVAL} to ${MAX_INTERVAL}`]
      : []),
    ...(timeout === undefined ? [`HealthCheckTimeoutSeconds ${shown(resolve(node, node.healthCheckTimeoutSeconds))}`] : []),
    ...(interval !== undefined && timeout !== undefined && timeout >= interval
      ? [`HealthCheckTimeoutSeconds ${timeout} not below HealthCheckIntervalSeconds ${interval}`]
      : []),
    ...(healthy === undefined || !inRange(healthy, 2, 10)
      ? [`HealthyThresholdCount ${shown(healthy ?? resolve(node, node.healthyThresholdCount))}`]
      : []),
    ...(unhealthy === undefined || !inRange(unhealthy, 2, 10)
      ? [`UnhealthyThresholdCount ${shown(unhealthy ?? resolve(node, node.unhealthyThresholdCount))}`]
      : []),
    ...(http && path === undefined ? [`HealthCheckPath unset on an ${protocol} check (the default probes /)`] : []),
  ];
  return problems.length === 0 ? NagRuleCompliance.COMPLIANT : finding(problems.join('; '), fix);
}

/**
 * The interval bounds, in seconds: 5 is the least ELB accepts; above 30 (the default) a failing
 * target keeps taking traffic for minutes (a 60-second interval with 2 unhealthy checks: 2 minutes).
 */
const MIN_INTERVAL = 5;
const MAX_INTERVAL = 30;

/**
 * ELBv2 target groups of instances or IP addresses set their health check explicitly and
 * sanely: health checks not disabled; `HealthCheckIntervalSeconds` (5 to 30 seconds),
 * `HealthCheckTimeoutSeconds`, `HealthyThresholdCount` and `UnhealthyThresholdCount` all set
 * as literals; the timeout shorter than the interval; both thresholds between 2 and 10; and a
 * `HealthCheckPath` when the check is HTTP or HTTPS. Lambda target groups are not checked.
 *
 * The defaults depend on the protocol and target type and probe `/`, which often is not the
 * page that proves the application works. A timeout as long as the interval lets checks pile
 * up, and the thresholds decide how fast a failing instance stops taking traffic and is
 * replaced.
 */
export const targetGroupHealthCheck = asRule(diagnoseTargetGroupHealthCheck);

function inRange(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}
