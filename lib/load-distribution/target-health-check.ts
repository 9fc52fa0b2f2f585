import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { assertInRange } from '../private/validation';

/**
 * How the load balancer checks the health of each target. Failing targets stop receiving
 * traffic; a group with ELB health checks also replaces them.
 */
export interface TargetHealthCheckOptions {
  /**
   * HTTP path the load balancer requests. Must start with '/' (at most 1024 characters).
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * Port the health check is sent to: a port number, or 'traffic-port' for the target port.
   *
   * @default 'traffic-port'
   */
  readonly port?: number | 'traffic-port';

  /**
   * Time between two health checks of one target; 5 to 300 seconds.
   *
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;

  /**
   * Time without a response after which a check fails; 2 to 120 seconds, and less than `interval`.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive successful checks before an unhealthy target is healthy again; 2 to 10.
   *
   * @default 3
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failed checks before a target is unhealthy; 2 to 10.
   *
   * @default 2
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * HTTP codes of a successful check (the matcher): codes from 200 to 499 as a list
   * ('200,202') or a range ('200-299').
   *
   * @default '200'
   */
  readonly healthyHttpCodes?: string;
}

/** The defaults documented on {@link TargetHealthCheckOptions}. */
export const DEFAULT_TARGET_HEALTH_CHECK = {
  path: '/',
  port: 'traffic-port' as const,
  interval: Duration.seconds(15),
  timeout: Duration.seconds(5),
  healthyThresholdCount: 3,
  unhealthyThresholdCount: 2,
  healthyHttpCodes: '200',
};

const HTTP_CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/;

/**
 * Applies the defaults, checks every field against the limits of Elastic Load Balancing and
 * returns the aws-cdk-lib health check. Errors name the prop and its value; unresolved tokens
 * are not checked.
 */
export function renderTargetHealthCheck(options: TargetHealthCheckOptions = {}): elbv2.HealthCheck {
  const hc = { ...DEFAULT_TARGET_HEALTH_CHECK, ...stripUndefined(options) };

  if (!Token.isUnresolved(hc.path)) {
    if (!hc.path.startsWith('/') || hc.path.length > 1024) {
      throw new Error(`healthCheck.path ('${hc.path}') must start with '/' and be at most 1024 characters`);
    }
  }
  if (hc.port !== 'traffic-port') {
    assertInRange('healthCheck.port', hc.port, 1, 65535, { integer: true });
  }
  const interval = seconds(hc.interval);
  const timeout = seconds(hc.timeout);
  assertInRange('healthCheck.interval', interval, 5, 300, { unit: 'seconds' });
  assertInRange('healthCheck.timeout', timeout, 2, 120, { unit: 'seconds' });
  if (interval !== undefined && timeout !== undefined && timeout >= interval) {
    throw new Error(`healthCheck.timeout (${hc.timeout.toHumanString()}) must be less than healthCheck.interval (${hc.interval.toHumanString()})`);
  }
  assertInRange('healthCheck.healthyThresholdCount', hc.healthyThresholdCount, 2, 10, { integer: true });
  assertInRange('healthCheck.unhealthyThresholdCount', hc.unhealthyThresholdCount, 2, 10, { integer: true });
  if (!Token.isUnresolved(hc.healthyHttpCodes)) {
    validateHttpCodes(hc.healthyHttpCodes);
  }

  return {
    enabled: true,
    protocol: elbv2.Protocol.HTTP,
    path: hc.path,
    port: String(hc.port),
    interval: hc.interval,
    timeout: hc.timeout,
    healthyThresholdCount: hc.healthyThresholdCount,
    unhealthyThresholdCount: hc.unhealthyThresholdCount,
    healthyHttpCodes: hc.healthyHttpCodes,
  };
}

function validateHttpCodes(codes: string): void {
  const problem = `healthCheck.healthyHttpCodes ('${codes}') must be HTTP codes from 200 to 499 as a list ('200,202') or a range ('200-299')`;
  if (!HTTP_CODES.test(codes)) throw new Error(problem);
  for (const part of codes.split(',')) {
    const [low, high = low] = part.split('-').map(Number);
    if (low < 200 || high > 499 || low > high) throw new Error(problem);
  }
}

/** Seconds of a duration, or undefined when it is an unresolved token. */
function seconds(duration: Duration): number | undefined {
  return duration.isUnresolved() ? undefined : duration.toSeconds({ integral: false });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
