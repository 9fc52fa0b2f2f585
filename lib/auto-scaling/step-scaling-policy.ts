import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { IScalingPolicy, ScalingPolicyTarget } from './scaling-policy-types';
import { assertInRange, assertInteger, assertPositiveDuration } from './validation';

/** Options of a step scaling policy on any metric. */
export interface StepScalingOptions {
  /** The metric to scale on (any `IMetric`, e.g. a target group's 5xx count or a queue depth). */
  readonly metric: cloudwatch.IMetric;
  /**
   * The steps: metric intervals and the change each applies, as aws-cdk-lib's
   * `ScalingInterval` (`{ lower?, upper?, change }`). Between 2 and 40 steps, with at least one
   * scale-out or scale-in boundary.
   */
  readonly steps: autoscaling.ScalingInterval[];
  /**
   * How `change` is read.
   *
   * @default autoscaling.AdjustmentType.CHANGE_IN_CAPACITY
   */
  readonly adjustmentType?: autoscaling.AdjustmentType;
  /**
   * Time after a step before the instances it launched count toward the metric, emitted as the
   * policy's `EstimatedInstanceWarmup`. This is the step scaling cooldown: AWS accepts
   * `Cooldown` only on simple scaling policies (on a step policy it is ignored or, in some
   * regions, rejected at deploy time). Use {@link ScalingPolicy.simple} for a policy with a
   * literal `Cooldown`.
   *
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Periods of the metric the alarms evaluate.
   *
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching datapoints among `evaluationPeriods` that trigger a step.
   *
   * @default evaluationPeriods
   */
  readonly datapointsToAlarm?: number;
  /**
   * Minimum instances a percentage step changes.
   *
   * @default no minimum
   */
  readonly minAdjustmentMagnitude?: number;
}

/**
 * Step scaling on any metric: aws-cdk-lib's `StepScalingPolicy` (its own upper and lower
 * alarms), with the cooldown emitted as `EstimatedInstanceWarmup` on each policy.
 */
export class StepPolicy implements IScalingPolicy {
  public readonly type = 'horizontal' as const;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = false;

  constructor(public readonly options: StepScalingOptions) {
    const steps = options.steps ?? [];
    if (steps.length < 2 || steps.length > 40) {
      throw new Error(`steps must have between 2 and 40 intervals, got ${steps.length}`);
    }
    steps.forEach((s, i) => {
      if (s.lower === undefined && s.upper === undefined) throw new Error(`steps[${i}] needs lower or upper`);
      if (s.lower !== undefined && s.upper !== undefined && s.lower >= s.upper) {
        throw new Error(`steps[${i}].lower (${s.lower}) must be < steps[${i}].upper (${s.upper})`);
      }
      assertInteger(`steps[${i}].change`, s.change);
    });
    assertPositiveDuration('cooldown', options.cooldown);
    assertInRange('evaluationPeriods', options.evaluationPeriods, 1, 100);
    assertInteger('evaluationPeriods', options.evaluationPeriods);
    if (options.datapointsToAlarm !== undefined) {
      assertInRange('datapointsToAlarm', options.datapointsToAlarm, 1, options.evaluationPeriods ?? 1);
      assertInteger('datapointsToAlarm', options.datapointsToAlarm);
    }
    this.cooldown = options.cooldown ?? Duration.minutes(5);
    const bounds = steps.map((s) => `[${s.lower ?? '-inf'}, ${s.upper ?? '+inf'}) -> ${s.change >= 0 ? '+' : ''}${s.change}`).join(', ');
    this.trigger = `step alarms on ${describeMetric(options.metric)}`;
    this.action = `change capacity by step (${options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY}): ${bounds}`;
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct {
    return new autoscaling.StepScalingPolicy(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      metric: this.options.metric,
      scalingSteps: this.options.steps,
      adjustmentType: this.options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      estimatedInstanceWarmup: this.cooldown,
      evaluationPeriods: this.options.evaluationPeriods,
      datapointsToAlarm: this.options.datapointsToAlarm,
      minAdjustmentMagnitude: this.options.minAdjustmentMagnitude,
    });
  }
}

/** A short name for a metric in a policy description. */
export function describeMetric(metric: cloudwatch.IMetric): string {
  if (metric instanceof cloudwatch.Metric) return `${metric.namespace}/${metric.metricName} (${metric.statistic})`;
  if (metric instanceof cloudwatch.MathExpression) return `the expression ${metric.expression}`;
  return 'a metric';
}
