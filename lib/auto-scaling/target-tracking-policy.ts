import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type { Construct } from 'constructs';
import { albResourceLabel, requireTargetGroup } from './alb-resource-label';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { assertInRange, assertPositiveDuration, assertUtilizationPercent } from '../private/validation';

/** Options common to the target tracking policies. */
export interface TargetTrackingOptions {
  /**
   * Time a new instance needs before its metrics count toward the target, emitted as the
   * policy's `EstimatedInstanceWarmup`. For target tracking this is the cooldown: AWS ignores
   * `Cooldown` on target tracking policies and uses the warmup to avoid scaling again on
   * instances that are still starting.
   *
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Only scale out: leave scale-in to other policies or controllers.
   *
   * @default false
   */
  readonly disableScaleIn?: boolean;
}

/** Options of a target tracking policy on the group's average CPU utilization. */
export interface CpuTargetTrackingOptions extends TargetTrackingOptions {
  /** The average CPU utilization to hold, in percent, in (0, 100]. */
  readonly targetUtilizationPercent: number;
}

/** Options of a target tracking policy on the ALB request count per target. */
export interface RequestCountTargetTrackingOptions extends TargetTrackingOptions {
  /** Requests per target per minute to hold (the ALBRequestCountPerTarget metric), > 0. */
  readonly targetRequestsPerMinute: number;
}

const DEFAULT_COOLDOWN = Duration.minutes(5);

function validateCommon(options: TargetTrackingOptions): void {
  assertPositiveDuration('cooldown', options.cooldown);
}

/** Target tracking on the group's average CPU utilization (ASGAverageCPUUtilization). */
export class CpuTargetTrackingPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = false;

  constructor(public readonly options: CpuTargetTrackingOptions) {
    assertUtilizationPercent('targetUtilizationPercent', options.targetUtilizationPercent);
    validateCommon(options);
    this.cooldown = options.cooldown ?? DEFAULT_COOLDOWN;
    this.trigger = `average CPU utilization of the group away from ${options.targetUtilizationPercent}%`;
    this.action = options.disableScaleIn
      ? 'add instances to bring CPU utilization back to the target (scale-in disabled)'
      : 'add or remove instances to bring CPU utilization back to the target';
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    return new autoscaling.TargetTrackingScalingPolicy(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      predefinedMetric: autoscaling.PredefinedMetric.ASG_AVERAGE_CPU_UTILIZATION,
      targetValue: this.options.targetUtilizationPercent,
      estimatedInstanceWarmup: this.cooldown,
      disableScaleIn: this.options.disableScaleIn,
    });
  }
}

/** Target tracking on the ALB request count per target (ALBRequestCountPerTarget). */
export class RequestCountTargetTrackingPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = true;

  constructor(public readonly options: RequestCountTargetTrackingOptions) {
    assertInRange('targetRequestsPerMinute', options.targetRequestsPerMinute, 0, Number.MAX_SAFE_INTEGER, { lowOpen: true });
    validateCommon(options);
    this.cooldown = options.cooldown ?? DEFAULT_COOLDOWN;
    this.trigger = `ALB requests per target per minute away from ${options.targetRequestsPerMinute}`;
    this.action = options.disableScaleIn
      ? 'add instances to bring requests per target back to the target (scale-in disabled)'
      : 'add or remove instances to bring requests per target back to the target';
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    const targetGroup = requireTargetGroup('A request-count target tracking policy', target);
    const policy = new autoscaling.TargetTrackingScalingPolicy(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      predefinedMetric: autoscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
      resourceLabel: albResourceLabel(targetGroup),
      targetValue: this.options.targetRequestsPerMinute,
      estimatedInstanceWarmup: this.cooldown,
      disableScaleIn: this.options.disableScaleIn,
    });
    // The resource label is derived from the listener's ARN, so CloudFormation creates the policy
    // after the listener (the metric exists only once the target group is attached).
    return policy;
  }
}
