import {
  type CpuTargetTrackingOptions,
  CpuTargetTrackingPolicy,
  type RequestCountTargetTrackingOptions,
  RequestCountTargetTrackingPolicy,
} from './target-tracking-policy';
import { type MetricTargetTrackingOptions, MetricTargetTrackingPolicy } from './metric-target-tracking-policy';
import { type NativePredictiveScalingOptions, NativePredictiveScalingPolicy } from './native-predictive-scaling';
import { ScheduledPolicy, type ScheduledScalingOptions } from './scheduled-scaling-policy';
import { SimplePolicy, type SimpleScalingOptions } from './simple-scaling-policy';
import { StepPolicy, type StepScalingOptions } from './step-scaling-policy';

/**
 * Factories of the scaling policies (each with a type, a trigger, an action and a cooldown). Each returns an
 * {@link IScalingPolicy} that `ScalingGroup.addPolicy` or `ScalableService` binds to the group.
 *
 * @example
 * ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 });
 * ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '8', minute: '0' }), minCapacity: 4 });
 */
export class ScalingPolicy {
  /** Target tracking on average CPU utilization; the cooldown is the policy's instance warmup. */
  public static targetTrackingCpu(options: CpuTargetTrackingOptions): CpuTargetTrackingPolicy {
    return new CpuTargetTrackingPolicy(options);
  }

  /** Target tracking on ALB requests per target; needs the group in a target group. */
  public static targetTrackingRequestCount(options: RequestCountTargetTrackingOptions): RequestCountTargetTrackingPolicy {
    return new RequestCountTargetTrackingPolicy(options);
  }

  /**
   * Target tracking on any CloudWatch metric or `MathExpression` (e.g. `m1 / m2`), with 10, 30
   * or 60 second periods (10 and 30: high resolution); the cooldown is the policy's instance warmup.
   */
  public static targetTrackingMetric(options: MetricTargetTrackingOptions): MetricTargetTrackingPolicy {
    return new MetricTargetTrackingPolicy(options);
  }

  /** Step scaling on any metric; the cooldown is emitted as `EstimatedInstanceWarmup`. */
  public static step(options: StepScalingOptions): StepPolicy {
    return new StepPolicy(options);
  }

  /** Simple scaling on any metric with a literal `Cooldown`. */
  public static simple(options: SimpleScalingOptions): SimplePolicy {
    return new SimplePolicy(options);
  }

  /** A scheduled action (min/max/desired at a time, in a time zone). */
  public static scheduled(options: ScheduledScalingOptions): ScheduledPolicy {
    return new ScheduledPolicy(options);
  }

  /** AWS's native predictive scaling policy. */
  public static nativePredictive(options: NativePredictiveScalingOptions): NativePredictiveScalingPolicy {
    return new NativePredictiveScalingPolicy(options);
  }

  private constructor() {}
}
