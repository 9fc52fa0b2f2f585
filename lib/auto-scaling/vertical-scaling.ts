import { type Duration, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IScalingPolicy } from './scaling-policy-types';
import { verticalProblems } from '../../lambda/contract/cost-optimizer';
import { throwProblems } from '../private/validation';

/**
 * Vertical scaling (rightsizing): when the group's utilization stays below / above a band for a
 * window, move one step down / up an instance-type ladder. This is configuration only: a
 * controller (the CostOptimizer) executes it by a new launch template version and an instance
 * refresh.
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

/**
 * Throws an error naming the field and the values when `config` is not usable: the cost
 * optimizer's rules for its `vertical` settings (the contract's), with the props named from
 * `path` (`''` for a config given alone).
 */
export function validateVerticalScalingConfig(config: VerticalScalingConfig, path = ''): void {
  const seconds = (d: Duration | undefined) => (d === undefined || d.isUnresolved() ? undefined : d.toSeconds({ integral: false }));
  throwProblems(
    verticalProblems(
      {
        instanceTypes: (config.instanceTypes ?? []).map((t) => t.toString()),
        lowerUtilizationPercent: config.lowerUtilizationPercent,
        upperUtilizationPercent: config.upperUtilizationPercent,
        evaluationWindowSeconds: seconds(config.evaluationWindow),
        minIntervalSeconds: seconds(config.minInterval),
      },
      (v) => Token.isUnresolved(v),
      path,
    ),
  );
}

/**
 * A vertical policy: the typed configuration, validated; `cooldown` is its `minInterval`.
 *
 * @deprecated vertical scaling is configuration of the cost optimizer, not a policy bound to the
 * group: use `CostOptimizerProps.vertical` (in `ScalableService`, `costOptimizer.vertical`).
 * `ScalableService` still reads it from `policies`, with a warning.
 */
export class VerticalPolicy implements IScalingPolicy {
  public readonly type = 'vertical' as const;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = false;

  constructor(public readonly config: VerticalScalingConfig) {
    validateVerticalScalingConfig(config);
    this.cooldown = config.minInterval;
    this.trigger = `utilization outside ${config.lowerUtilizationPercent}%..${config.upperUtilizationPercent}% for ${config.evaluationWindow.toHumanString()}`;
    this.action = `move one step along ${config.instanceTypes.map((t) => t.toString()).join(' < ')} (new launch template version and instance refresh)`;
  }

  /** Creates nothing: the configuration is executed by a controller (CostOptimizer). */
  public bind(): undefined {
    return undefined;
  }
}
