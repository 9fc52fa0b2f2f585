import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/*
 * The package's one alarm factory (internal): every CloudWatch alarm of the package is created
 * here, and every alarm that notifies people notifies one topic both ways (in ALARM and back to
 * OK). `LoadMonitor.createAlarm` calls it with the monitor's topic and lists the alarm on the
 * dashboard; a construct used without a monitor calls it with its own `alertTopic`.
 */

/** Where an alarm of a construct goes: a monitor (its topic and dashboard), or a topic alone. */
export interface AlarmDestination {
  /** The monitor that creates the alarm: notifies its topic and lists the alarm on its dashboard. */
  readonly monitor?: AlarmMonitor;
  /** The topic to notify when there is no monitor. */
  readonly alertTopic?: sns.ITopic;
}

/** What the factory needs of a monitor (LoadMonitor implements it). */
export interface AlarmMonitor {
  createAlarm(scope: Construct, id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm;
}

/** A construct given both a monitor and a topic: which one its alarms notify would be a guess. */
export function assertOneDestination(destination: AlarmDestination): void {
  if (destination.monitor && destination.alertTopic) {
    throw new Error("give monitor or alertTopic, not both: the alarms notify the monitor's alert topic");
  }
}

/** An alarm notifying `alertTopic` (when given) in ALARM and back to OK. */
export function newAlarm(scope: Construct, id: string, props: cloudwatch.AlarmProps, alertTopic?: sns.ITopic): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  if (alertTopic) notifyTopic(alarm, alertTopic);
  return alarm;
}

/** An alarm created by the destination's monitor, or notifying its topic when there is none. */
export function alarmFor(destination: AlarmDestination, scope: Construct, id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  return destination.monitor ? destination.monitor.createAlarm(scope, id, props) : newAlarm(scope, id, props, destination.alertTopic);
}

/**
 * Adds `topic` to the alarm's ALARM and OK actions, unless they list it already (an alarm of a
 * construct given the same topic, then handed to a monitor).
 */
export function notifyTopic(alarm: cloudwatch.AlarmBase, topic: sns.ITopic): void {
  const action = new cloudwatchActions.SnsAction(topic);
  if (!listsTopic(alarm, 'alarmActions', topic)) alarm.addAlarmAction(action);
  if (!listsTopic(alarm, 'okActions', topic)) alarm.addOkAction(action);
}

/** Whether the alarm's CloudFormation resource already lists the topic in `actions`. */
function listsTopic(alarm: cloudwatch.AlarmBase, actions: 'alarmActions' | 'okActions', topic: sns.ITopic): boolean {
  const cfn = alarm.node.defaultChild;
  if (!(cfn instanceof cloudwatch.CfnAlarm || cfn instanceof cloudwatch.CfnCompositeAlarm)) return false;
  const stack = Stack.of(alarm);
  const resolved: unknown = stack.resolve(cfn[actions]);
  const current: unknown[] = Array.isArray(resolved) ? (resolved as unknown[]) : [];
  const topicArn = JSON.stringify(stack.resolve(topic.topicArn));
  return current.some((arn) => JSON.stringify(arn) === topicArn);
}
