import type { CfnResource } from 'aws-cdk-lib';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancing';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { field, literalNumber, literalString, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link classicHealthCheck}. */
export function diagnoseClassicHealthCheck(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnLoadBalancer)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const httpListener = listenerProtocols(node).some((p) => p === 'HTTP' || p === 'HTTPS');
  const fix = `an explicit healthCheck: ${httpListener ? "an HTTP or HTTPS check of a path that proves the application works (e.g. { port: 80, protocol: LoadBalancingProtocol.HTTP, path: '/health' })" : 'a target'}, interval (5 to 30 seconds), a timeout shorter than the interval, healthyThreshold and unhealthyThreshold between 2 and 10`;
  const check = resolve(node, node.healthCheck);
  if (check === undefined || check === null) {
    return finding("no HealthCheck: the load balancer probes TCP on the first listener's instance port with its defaults", fix);
  }
  const get = (camel: string) => field(check, camel);
  const target = literalString(node, get('target'));
  const interval = literalNumber(node, get('interval'));
  const timeout = literalNumber(node, get('timeout'));
  const healthy = literalNumber(node, get('healthyThreshold'));
  const unhealthy = literalNumber(node, get('unhealthyThreshold'));
  const targetProtocol = (target ?? '').split(':')[0].toUpperCase();
  const problems = [
    ...(target === undefined ? [`HealthCheck.Target ${shown(get('target'))}`] : []),
    ...(target !== undefined && httpListener && targetProtocol !== 'HTTP' && targetProtocol !== 'HTTPS'
      ? [`HealthCheck.Target ${shown(target)} only proves the port is open, while the listeners serve HTTP(S)`]
      : []),
    ...(interval === undefined ? [`HealthCheck.Interval ${shown(get('interval'))}`] : []),
    ...(interval !== undefined && (interval < 5 || interval > 30) ? [`HealthCheck.Interval ${interval} outside 5 to 30`] : []),
    ...(timeout === undefined ? [`HealthCheck.Timeout ${shown(get('timeout'))}`] : []),
    ...(interval !== undefined && timeout !== undefined && timeout >= interval
      ? [`HealthCheck.Timeout ${timeout} not below HealthCheck.Interval ${interval}`]
      : []),
    ...(healthy === undefined || healthy < 2 || healthy > 10 ? [`HealthCheck.HealthyThreshold ${shown(healthy ?? get('healthyThreshold'))}`] : []),
    ...(unhealthy === undefined || unhealthy < 2 || unhealthy > 10
      ? [`HealthCheck.UnhealthyThreshold ${shown(unhealthy ?? get('unhealthyThreshold'))}`]
      : []),
  ];
  return problems.length === 0 ? NagRuleCompliance.COMPLIANT : finding(problems.join('; '), fix);
}

/**
 * Classic load balancers (`AWS::ElasticLoadBalancing::LoadBalancer`) set their health check
 * explicitly and sanely: a literal `Target`, HTTP or HTTPS (with its path) when any listener
 * forwards HTTP or HTTPS to the instances, an `Interval` of 5 to 30 seconds, a `Timeout` shorter than the `Interval`, and
 * `HealthyThreshold` and `UnhealthyThreshold` between 2 and 10.
 *
 * A TCP check only proves that the port is open: an instance whose application fails keeps
 * taking traffic and, with ELB health checks on the group, is never replaced.
 */
export const classicHealthCheck = asRule(diagnoseClassicHealthCheck);

function listenerProtocols(node: CfnLoadBalancer): string[] {
  const listeners = resolve(node, node.listeners);
  if (!Array.isArray(listeners)) {
    return [];
  }
  return listeners.map((l: unknown) => {
    const protocol = field(l, 'instanceProtocol') ?? field(l, 'protocol');
    return typeof protocol === 'string' ? protocol.toUpperCase() : '';
  });
}
