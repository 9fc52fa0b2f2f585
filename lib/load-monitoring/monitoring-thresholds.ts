import { Duration } from 'aws-cdk-lib';
import { assertInRange } from '../private/validation';

/**
 * Alarm thresholds of a {@link LoadMonitor}. Every field is optional; the defaults suit a
 * typical web fleet behind an Application Load Balancer.
 */
export interface MonitoringThresholds {
  /**
   * Average CPU utilization of the group, in percent, above which the CPU alarm fires.
   * Must be in (0, 100].
   *
   * @default 80
   */
  readonly cpuHighPercent?: number;

  /**
   * Share of requests answered with a 5xx by the targets, in percent
   * (`HTTPCode_Target_5XX_Count / RequestCount * 100`), above which the error-rate alarm fires.
   * Must be in (0, 100].
   *
   * @default 5
   */
  readonly target5xxRatePercent?: number;

  /**
   * 99th percentile of the target response time above which the latency alarm fires.
   * Must be more than zero.
   *
   * @default Duration.seconds(2)
   */
  readonly responseTimeP99?: Duration;

  /**
   * Width of the request-count anomaly band, in standard deviations of the model.
   * Must be more than zero.
   *
   * @default 3
   */
  readonly anomalyBandWidth?: number;

  /**
   * Number of consecutive periods that must breach before any of the alarms fires
   * (also its datapoints to alarm). Must be a whole number >= 1.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

/** {@link MonitoringThresholds} with every default applied (internal: the public type is `Required<MonitoringThresholds>`). */
export type ResolvedMonitoringThresholds = Required<MonitoringThresholds>;

/** The defaults documented on {@link MonitoringThresholds}. */
export const DEFAULT_MONITORING_THRESHOLDS: Required<MonitoringThresholds> = {
  cpuHighPercent: 80,
  target5xxRatePercent: 5,
  responseTimeP99: Duration.seconds(2),
  anomalyBandWidth: 3,
  evaluationPeriods: 3,
};

/**
 * Applies the defaults and validates the thresholds; errors name the prop and the value.
 * Unresolved tokens are not checked.
 */
export function resolveMonitoringThresholds(thresholds: MonitoringThresholds = {}): ResolvedMonitoringThresholds {
  const resolved: ResolvedMonitoringThresholds = {
    cpuHighPercent: thresholds.cpuHighPercent ?? DEFAULT_MONITORING_THRESHOLDS.cpuHighPercent,
    target5xxRatePercent: thresholds.target5xxRatePercent ?? DEFAULT_MONITORING_THRESHOLDS.target5xxRatePercent,
    responseTimeP99: thresholds.responseTimeP99 ?? DEFAULT_MONITORING_THRESHOLDS.responseTimeP99,
    anomalyBandWidth: thresholds.anomalyBandWidth ?? DEFAULT_MONITORING_THRESHOLDS.anomalyBandWidth,
    evaluationPeriods: thresholds.evaluationPeriods ?? DEFAULT_MONITORING_THRESHOLDS.evaluationPeriods,
  };
  assertInRange('thresholds.cpuHighPercent', resolved.cpuHighPercent, 0, 100, { lowOpen: true, unit: 'percent' });
  assertInRange('thresholds.target5xxRatePercent', resolved.target5xxRatePercent, 0, 100, { lowOpen: true, unit: 'percent' });
  if (!resolved.responseTimeP99.isUnresolved() && resolved.responseTimeP99.toMilliseconds() <= 0) {
    throw new Error(`thresholds.responseTimeP99 (${resolved.responseTimeP99.toHumanString()}) must be more than zero`);
  }
  assertInRange('thresholds.anomalyBandWidth', resolved.anomalyBandWidth, 0, Infinity, { lowOpen: true });
  assertInRange('thresholds.evaluationPeriods', resolved.evaluationPeriods, 1, Infinity, { integer: true });
  return resolved;
}
