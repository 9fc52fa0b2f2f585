/**
 * A deploy that changes the launch template, rolled out by an instance refresh that
 * CloudFormation starts and watches (the `AutoScalingInstanceRefresh` update policy) instead of
 * its rolling update: SkipMatching, checkpoints and alarms; a refresh that fails or sees an alarm
 * fails the stack update, which CloudFormation then rolls back.
 */
import { type Duration, Lazy, Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Options of the instance refresh CloudFormation runs when a deploy changes the launch template. */
export interface InstanceRefreshOnDeployOptions {
  /**
   * Percentage of the desired capacity kept in service and healthy during the refresh (0 to 100).
   *
   * @default - the group's instance maintenance policy (`minHealthyPercentage`) when set, otherwise CloudFormation's (100 for a rolling refresh)
   */
  readonly minHealthyPercentage?: number;
  /**
   * Percentage of the desired capacity that may be in service or pending during the refresh (100 to 200).
   *
   * @default - the group's instance maintenance policy (`maxHealthyPercentage`) when set, otherwise CloudFormation's (110)
   */
  readonly maxHealthyPercentage?: number;
  /**
   * Percentages of the group replaced at which the refresh pauses for `checkpointDelay`, ascending, 1 to 100.
   *
   * @default [50, 100]
   */
  readonly checkpointPercentages?: number[];
  /**
   * How long the refresh waits at each checkpoint, so that the alarms see the new instances (at most 2 days).
   *
   * @default Duration.minutes(10)
   */
  readonly checkpointDelay?: Duration;
  /**
   * How long after the refresh completes CloudFormation waits before the update counts as done (at most 2 days).
   *
   * @default - no bake time
   */
  readonly bakeTime?: Duration;
  /**
   * Alarms that fail the refresh (and so the stack update, which CloudFormation rolls back) when
   * one goes to ALARM; at most 10 together with those added by `ScalingGroup.addDeployAlarm`.
   * Each needs a literal `alarmName`: the group's UpdatePolicy names them, and an alarm with a
   * generated name would be a reference, a circular dependency for an alarm on the group's own
   * metrics (which is why `ScalableService` does not add its monitor's alarms here).
   *
   * @default - no alarms: the refresh fails (and the update rolls back) only on failed launches and health checks
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

const MAX_ALARMS = 10;
const MAX_DELAY_SECONDS = 172_800;

/** Checks the options, naming the prop and the value. */
export function validateInstanceRefreshOnDeploy(o: InstanceRefreshOnDeployOptions, hasUpdatePolicy: boolean): void {
  const p = 'instanceRefreshOnDeploy';
  if (hasUpdatePolicy)
    throw new Error(`${p} and updatePolicy are exclusive: CloudFormation's AutoScalingInstanceRefresh policy replaces the rolling update (give one)`);
  const min = o.minHealthyPercentage;
  const max = o.maxHealthyPercentage;
  if (min !== undefined && !Token.isUnresolved(min) && !(Number.isInteger(min) && min >= 0 && min <= 100))
    throw new Error(`${p}.minHealthyPercentage must be an integer from 0 to 100, got ${min}`);
  if (max !== undefined && !Token.isUnresolved(max) && !(Number.isInteger(max) && max >= 100 && max <= 200))
    throw new Error(`${p}.maxHealthyPercentage must be an integer from 100 to 200, got ${max}`);
  if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && max - min > 100)
    throw new Error(`${p}.maxHealthyPercentage (${max}) - ${p}.minHealthyPercentage (${min}) must be at most 100`);
  const cps = o.checkpointPercentages;
  if (cps !== undefined) {
    const ok = cps.length > 0 && cps.every((c, i) => Number.isInteger(c) && c >= 1 && c <= 100 && (i === 0 || c > cps[i - 1]));
    if (!ok) throw new Error(`${p}.checkpointPercentages must be ascending integers from 1 to 100, got [${cps.join(', ')}]`);
  }
  for (const [name, d] of [
    ['checkpointDelay', o.checkpointDelay],
    ['bakeTime', o.bakeTime],
  ] as const) {
    if (d && !d.isUnresolved() && (d.toSeconds() < 0 || d.toSeconds() > MAX_DELAY_SECONDS))
      throw new Error(`${p}.${name} must be at most 2 days, got ${d.toHumanString()}`);
  }
  if ((o.alarms?.length ?? 0) > MAX_ALARMS)
    throw new Error(`${p}.alarms must be at most ${MAX_ALARMS} alarms (AWS's limit), got ${o.alarms!.length}`);
  for (const a of o.alarms ?? []) literalAlarmName(`${p}.alarms`, a);
}

/**
 * The alarm's name as a literal: the `alarmName` it was created with, or an imported alarm's
 * name. The group's UpdatePolicy names it; a reference (`Ref`) would make the group depend on the
 * alarm, a circular dependency for an alarm on the group's own metrics.
 */
export function literalAlarmName(prop: string, alarm: cloudwatch.IAlarm): string {
  if (!Token.isUnresolved(alarm.alarmName)) return alarm.alarmName;
  const cfn = alarm.node.defaultChild as { alarmName?: unknown } | undefined;
  if (cfn && typeof cfn.alarmName === 'string' && !Token.isUnresolved(cfn.alarmName)) return cfn.alarmName;
  throw new Error(
    `${prop}: the alarm ${alarm.node.path} has a generated name; give it an alarmName: the group's UpdatePolicy names it, and a reference to an alarm on the group's own metrics is a circular dependency`,
  );
}

/**
 * Sets the group's `UpdatePolicy.AutoScalingInstanceRefresh` (as a raw override, so that an
 * aws-cdk-lib whose types predate the policy renders it too). `alarms` is read at synthesis.
 */
export function applyInstanceRefreshOnDeploy(
  cfn: autoscaling.CfnAutoScalingGroup,
  o: InstanceRefreshOnDeployOptions,
  alarms: () => cloudwatch.IAlarm[],
): void {
  // Exclusive with the rolling update.
  cfn.addDeletionOverride('UpdatePolicy.AutoScalingRollingUpdate');
  cfn.addOverride('UpdatePolicy.AutoScalingInstanceRefresh', {
    Strategy: 'Rolling',
    Preferences: {
      SkipMatching: true,
      ...(o.minHealthyPercentage !== undefined ? { MinHealthyPercentage: o.minHealthyPercentage } : {}),
      ...(o.maxHealthyPercentage !== undefined ? { MaxHealthyPercentage: o.maxHealthyPercentage } : {}),
      CheckpointPercentages: o.checkpointPercentages ?? [50, 100],
      CheckpointDelay: o.checkpointDelay?.toSeconds() ?? 600,
      ...(o.bakeTime ? { BakeTime: o.bakeTime.toSeconds() } : {}),
      AlarmSpecification: Lazy.any({
        produce: () => {
          const all = alarms();
          if (all.length > MAX_ALARMS) throw new Error(`instanceRefreshOnDeploy: at most ${MAX_ALARMS} alarms (AWS's limit), got ${all.length}`);
          return all.length > 0 ? { Alarms: all.map((a) => literalAlarmName('instanceRefreshOnDeploy.alarms', a)) } : undefined;
        },
      }),
    },
  });
}
