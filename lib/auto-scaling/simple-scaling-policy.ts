import { Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { describeMetric } from './metric-description';
import { newAlarm } from '../private/alarm-factory';
import { assertInRange, assertInteger, assertPositiveDuration } from '../private/validation';

/** Options of a simple scaling policy: one alarm, one adjustment, then a cooldown. */
export interface SimpleScalingOptions {
  /** The metric the alarm watches. */
  readonly metric: cloudwatch.IMetric;
  /** The alarm threshold. */
  readonly threshold: number;
  /** How the metric is compared with the threshold. */
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** The change in capacity when the alarm fires (negative to scale in); not 0. */
  readonly adjustment: number;
  /**
   * How `adjustment` is read.
   *
   * @default autoscaling.AdjustmentType.CHANGE_IN_CAPACITY
   */
  readonly adjustmentType?: autoscaling.AdjustmentType;
  /**
   * Time after the adjustment during which this policy does not act again, emitted as the
   * policy's `Cooldown` (simple scaling is the policy type AWS applies it to).
   *
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Periods the alarm evaluates.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;
}

/** Simple scaling: an alarm on any metric and a `SimpleScaling` policy with a literal `Cooldown`. */
export class SimplePolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = false;

  constructor(public readonly options: SimpleScalingOptions) {
    assertInteger('adjustment', options.adjustment);
    if (options.adjustment === 0) throw new Error('adjustment must not be 0');
    assertPositiveDuration('cooldown', options.cooldown);
    assertInRange('evaluationPeriods', options.evaluationPeriods, 1, 100);
    assertInteger('evaluationPeriods', options.evaluationPeriods);
    this.cooldown = options.cooldown ?? Duration.minutes(5);
    this.trigger = `${describeMetric(options.metric)} ${options.comparisonOperator} ${options.threshold}`;
    this.action = `change capacity by ${options.adjustment} (${options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY}), then wait ${this.cooldown.toHumanString()}`;
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    const construct = new Construct(scope, id);
    const policy = new autoscaling.CfnScalingPolicy(construct, 'Policy', {
      autoScalingGroupName: target.autoScalingGroup.autoScalingGroupName,
      policyType: 'SimpleScaling',
      adjustmentType: this.options.adjustmentType ?? autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingAdjustment: this.options.adjustment,
      cooldown: String(this.cooldown.toSeconds()),
    });
    const alarm = newAlarm(construct, 'Alarm', {
      alarmDescription: `Simple scaling of ${target.autoScalingGroup.node.path} in ${Stack.of(scope).stackName}: ${this.trigger}`,
      metric: this.options.metric,
      threshold: this.options.threshold,
      comparisonOperator: this.options.comparisonOperator,
      evaluationPeriods: this.options.evaluationPeriods ?? 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: policy.attrArn }) });
    // A scaling trigger: on the dashboard's alarm widget, but its action is the policy, not people.
    target.monitor?.addAlarm(alarm, { notify: false });
    return construct;
  }
}
