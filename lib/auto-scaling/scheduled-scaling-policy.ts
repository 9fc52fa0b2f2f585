import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type { Construct } from 'constructs';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { assertCapacityRange, assertInRange, assertSchedule } from '../private/validation';

/** Options of a scheduled scaling action. */
export interface ScheduledScalingOptions {
  /** When the action runs, e.g. `autoscaling.Schedule.cron({ hour: '8', minute: '0', weekDay: 'MON-FRI' })`. */
  readonly schedule: autoscaling.Schedule;
  /**
   * The group's MinSize from then on.
   *
   * @default - unchanged
   */
  readonly minCapacity?: number;
  /**
   * The group's MaxSize from then on.
   *
   * @default - unchanged
   */
  readonly maxCapacity?: number;
  /**
   * The desired capacity to set at that time (a one-off change that other policies then adjust;
   * this is not the template's DesiredCapacity).
   *
   * @default - unchanged
   */
  readonly desiredCapacity?: number;
  /**
   * IANA time zone of the schedule, e.g. 'Europe/Berlin'.
   *
   * @default - UTC
   */
  readonly timeZone?: string;
  /**
   * When the schedule starts to apply.
   *
   * @default - as soon as it is created
   */
  readonly startTime?: Date;
  /**
   * When the schedule stops applying.
   *
   * @default - never
   */
  readonly endTime?: Date;
}

/** A scheduled action (e.g. a larger floor in working hours). It has no cooldown: `cooldown` is 0. */
export class ScheduledPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown = Duration.seconds(0);
  public readonly requiresTargetGroup = false;

  constructor(public readonly options: ScheduledScalingOptions) {
    if (options.minCapacity === undefined && options.maxCapacity === undefined && options.desiredCapacity === undefined) {
      throw new Error('A scheduled action needs at least one of minCapacity, maxCapacity or desiredCapacity');
    }
    assertCapacityRange('minCapacity', options.minCapacity, 'maxCapacity', options.maxCapacity);
    assertInRange('desiredCapacity', options.desiredCapacity, 0, Infinity, { integer: true });
    const desired = options.desiredCapacity;
    const known = (n: number | undefined): n is number => n !== undefined && !Token.isUnresolved(n);
    if (known(desired)) {
      if (known(options.minCapacity) && desired < options.minCapacity) {
        throw new Error(`desiredCapacity (${desired}) must be >= minCapacity (${options.minCapacity})`);
      }
      if (known(options.maxCapacity) && desired > options.maxCapacity) {
        throw new Error(`desiredCapacity (${desired}) must be <= maxCapacity (${options.maxCapacity})`);
      }
    }
    if (options.startTime && options.endTime && options.startTime.getTime() >= options.endTime.getTime()) {
      throw new Error(`startTime (${options.startTime.toISOString()}) must be before endTime (${options.endTime.toISOString()})`);
    }
    assertSchedule('schedule', options.schedule.expressionString, 'timeZone', options.timeZone);
    this.trigger = `schedule ${options.schedule.expressionString}${options.timeZone ? ` (${options.timeZone})` : ' (UTC)'}`;
    const parts: string[] = [];
    if (options.minCapacity !== undefined) parts.push(`min ${options.minCapacity}`);
    if (options.maxCapacity !== undefined) parts.push(`max ${options.maxCapacity}`);
    if (options.desiredCapacity !== undefined) parts.push(`desired ${options.desiredCapacity}`);
    this.action = `set the group's ${parts.join(', ')}`;
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    return new autoscaling.ScheduledAction(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      schedule: this.options.schedule,
      minCapacity: this.options.minCapacity,
      maxCapacity: this.options.maxCapacity,
      desiredCapacity: this.options.desiredCapacity,
      timeZone: this.options.timeZone,
      startTime: this.options.startTime,
      endTime: this.options.endTime,
    });
  }
}
