import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { findAlarmThresholds, normalizeIntervals } from 'aws-cdk-lib/aws-autoscaling-common';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { describeMetric } from './metric-description';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { newAlarm } from '../private/alarm-factory';
import { assertInRange, assertInteger, assertPositiveDuration } from '../private/validation';

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
   * @default - evaluationPeriods
   */
  readonly datapointsToAlarm?: number;
  /**
   * Minimum instances a percentage step changes, an integer >= 1; only with `adjustmentType`
   * `PERCENT_CHANGE_IN_CAPACITY`.
   *
   * @default - no minimum
   */
  readonly minAdjustmentMagnitude?: number;
}

/**
 * Step scaling on any metric: an upper alarm with a `StepScaling` policy for the steps that add
 * capacity and a lower alarm with one for the steps that remove it (the same split as
 * aws-cdk-lib's `StepScalingPolicy`), with the cooldown emitted as `EstimatedInstanceWarmup` on
 * each policy. Built on the L1 resources, because the L2 passes a deprecated `cooldown` through
 * and prints a deprecation warning on every synthesis.
 */
export class StepPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
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
    const adjustmentType = options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY;
    if (options.minAdjustmentMagnitude !== undefined) {
      if (adjustmentType !== autoscaling.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY) {
        throw new Error(
          `minAdjustmentMagnitude (${options.minAdjustmentMagnitude}) applies only with adjustmentType PERCENT_CHANGE_IN_CAPACITY, got ${adjustmentType}`,
        );
      }
      assertInRange('minAdjustmentMagnitude', options.minAdjustmentMagnitude, 1, Infinity, { integer: true });
    }
    // Throws on overlapping or gapped intervals, naming them.
    const intervals = normalizeIntervals(steps, adjustmentType === autoscaling.AdjustmentType.EXACT_CAPACITY);
    const alarms = findAlarmThresholds(intervals);
    if (alarms.lowerAlarmIntervalIndex === undefined && alarms.upperAlarmIntervalIndex === undefined) {
      throw new Error('steps must contain at least one interval that changes capacity');
    }
    const bound = (n: number) => (n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n));
    // The first interval is unbounded below and the last unbounded above, as emitted.
    const bounds = intervals
      .map((iv, i) => ({ ...iv, lower: i === 0 ? -Infinity : iv.lower, upper: i === intervals.length - 1 ? Infinity : iv.upper }))
      .filter((iv) => iv.change !== undefined)
      .map((iv) => `[${bound(iv.lower)}, ${bound(iv.upper)}) -> ${iv.change! >= 0 ? '+' : ''}${iv.change}`)
      .join(', ');
    this.trigger = `step alarms on ${describeMetric(options.metric)}`;
    this.action = `change capacity by step (${adjustmentType}): ${bounds}`;
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    const construct = new Construct(scope, id);
    const adjustmentType = this.options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY;
    const intervals = normalizeIntervals(this.options.steps, adjustmentType === autoscaling.AdjustmentType.EXACT_CAPACITY);
    const alarms = findAlarmThresholds(intervals);
    const common = {
      autoScalingGroupName: target.autoScalingGroup.autoScalingGroupName,
      policyType: 'StepScaling',
      adjustmentType,
      estimatedInstanceWarmup: this.cooldown.toSeconds(),
      metricAggregationType: aggregationOf(this.options.metric),
      minAdjustmentMagnitude: this.options.minAdjustmentMagnitude,
    };
    const alarm = (name: string, threshold: number, comparisonOperator: cloudwatch.ComparisonOperator, policy: autoscaling.CfnScalingPolicy) => {
      const a = newAlarm(construct, name, {
        metric: this.options.metric,
        alarmDescription: `${name === 'UpperAlarm' ? 'Scale out' : 'Scale in'} of ${target.autoScalingGroup.node.path}: ${this.trigger}`,
        comparisonOperator,
        threshold,
        evaluationPeriods: this.options.evaluationPeriods ?? 1,
        datapointsToAlarm: this.options.datapointsToAlarm,
      });
      a.addAlarmAction({ bind: () => ({ alarmActionArn: policy.attrArn }) });
      // A scaling trigger: on the dashboard's alarm widget, but its action is the policy, not people.
      target.monitor?.addAlarm(a, { notify: false });
    };

    if (alarms.lowerAlarmIntervalIndex !== undefined) {
      const threshold = intervals[alarms.lowerAlarmIntervalIndex].upper;
      const stepAdjustments: autoscaling.CfnScalingPolicy.StepAdjustmentProperty[] = [];
      for (let i = alarms.lowerAlarmIntervalIndex; i >= 0; i--) {
        stepAdjustments.push({
          scalingAdjustment: intervals[i].change!,
          metricIntervalLowerBound: i !== 0 ? intervals[i].lower - threshold : undefined,
          metricIntervalUpperBound: intervals[i].upper - threshold,
        });
      }
      const policy = new autoscaling.CfnScalingPolicy(construct, 'LowerPolicy', { ...common, stepAdjustments });
      alarm('LowerAlarm', threshold, cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD, policy);
    }
    if (alarms.upperAlarmIntervalIndex !== undefined) {
      const threshold = intervals[alarms.upperAlarmIntervalIndex].lower;
      const stepAdjustments: autoscaling.CfnScalingPolicy.StepAdjustmentProperty[] = [];
      for (let i = alarms.upperAlarmIntervalIndex; i < intervals.length; i++) {
        stepAdjustments.push({
          scalingAdjustment: intervals[i].change!,
          metricIntervalLowerBound: intervals[i].lower - threshold,
          metricIntervalUpperBound: i !== intervals.length - 1 ? intervals[i].upper - threshold : undefined,
        });
      }
      const policy = new autoscaling.CfnScalingPolicy(construct, 'UpperPolicy', { ...common, stepAdjustments });
      alarm('UpperAlarm', threshold, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, policy);
    }
    return construct;
  }
}

/** The step policy's aggregation from the metric's statistic (Average unless Minimum or Maximum). */
function aggregationOf(metric: cloudwatch.IMetric): autoscaling.MetricAggregationType {
  const statistic = metric.toMetricConfig().metricStat?.statistic;
  if (statistic === 'Minimum') return autoscaling.MetricAggregationType.MINIMUM;
  if (statistic === 'Maximum') return autoscaling.MetricAggregationType.MAXIMUM;
  return autoscaling.MetricAggregationType.AVERAGE;
}
