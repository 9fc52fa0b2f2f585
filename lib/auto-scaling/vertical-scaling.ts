import type { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Vertical scaling (rightsizing): when the group's utilization stays below / above a band for a
 * window, move one step down / up an instance-type ladder. This is configuration only: a
 * controller (the CostOptimizer) executes it by a new launch template version and an instance
 * refresh. The cost optimizer's settings contract checks it (errors name `vertical.<field>`).
 */
export interface VerticalScalingConfig {
  /** The instance-type ladder, small to large, at least 2 distinct types. */
  readonly instanceTypes: ec2.InstanceType[];
  /**
   * CPU utilization (percent, in (0, 100]) that the window's 95th percentile must stay below for
   * one step down: the busiest minutes of the window fit a smaller type.
   */
  readonly lowerUtilizationPercent: number;
  /**
   * CPU utilization (percent, in (0, 100], above `lowerUtilizationPercent`) that the window's
   * median must exceed for one step up: the group runs hot most of the window.
   */
  readonly upperUtilizationPercent: number;
  /** How long utilization must stay outside the band before a step (at least 1 hour). */
  readonly evaluationWindow: Duration;
  /** The least time between two steps (the vertical cooldown), > 0. */
  readonly minInterval: Duration;
}
