import { type Duration, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { instanceSizeRank } from '../../lambda/contract/cost-optimizer';
import { assertPositiveDuration, assertUtilizationPercent } from '../private/validation';

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

/** Throws an error naming the field and the values when `config` is not usable. */
export function validateVerticalScalingConfig(config: VerticalScalingConfig): void {
  const types = (config.instanceTypes ?? []).map((t) => t.toString());
  if (types.length < 2) throw new Error(`instanceTypes must list at least 2 instance types (small to large), got [${types.join(', ')}]`);
  const dup = types.find((t, i) => types.indexOf(t) !== i);
  if (dup) throw new Error(`instanceTypes must not repeat an instance type, got ${dup} twice in [${types.join(', ')}]`);
  for (let i = 1; i < types.length; i++) {
    const a = instanceSizeRank(types[i - 1]);
    const b = instanceSizeRank(types[i]);
    if (a !== undefined && b !== undefined && b < a) {
      throw new Error(
        `instanceTypes must be ordered small to large: ${types[i]} is smaller than ${types[i - 1]} in [${types.join(', ')}] (a hot group would be moved to the smaller type)`,
      );
    }
  }
  assertUtilizationPercent('lowerUtilizationPercent', config.lowerUtilizationPercent);
  assertUtilizationPercent('upperUtilizationPercent', config.upperUtilizationPercent);
  if (
    !Token.isUnresolved(config.lowerUtilizationPercent) &&
    !Token.isUnresolved(config.upperUtilizationPercent) &&
    config.lowerUtilizationPercent >= config.upperUtilizationPercent
  ) {
    throw new Error(
      `lowerUtilizationPercent (${config.lowerUtilizationPercent}) must be < upperUtilizationPercent (${config.upperUtilizationPercent})`,
    );
  }
  if (!config.evaluationWindow.isUnresolved() && config.evaluationWindow.toSeconds({ integral: false }) < 3600) {
    throw new Error(`evaluationWindow must be at least 1 hour, got ${config.evaluationWindow.toHumanString()}`);
  }
  assertPositiveDuration('minInterval', config.minInterval);
}

/**
 * A vertical policy: the typed configuration, validated; `cooldown` is its `minInterval`.
 *
 * @deprecated vertical scaling is configuration of the cost optimizer, not a policy bound to the
 * group: use `CostOptimizerProps.vertical` (in `ScalableService`, `costOptimizer.vertical`).
 * `ScalableService` still reads it from `policies`, with a warning.
 */
export class VerticalPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.VERTICAL;
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
  public bind(_scope: Construct, _id: string, _target: ScalingPolicyTarget): Construct | undefined {
    return undefined;
  }
}
