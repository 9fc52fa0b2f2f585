import { NagRuleCompliance } from 'cdk-nag';
import { type AlarmTarget, alarmsOn, alarmsWithActionOn } from './cfn-lookup';
import { type Diagnosis, finding } from './diagnosis';

/**
 * The shared diagnosis of the alarm rules: every metric in `metricNames` needs an alarm with an
 * alarm action on the resource; the finding names the metrics without one and the alarms that
 * watch them but notify no one.
 */
export function diagnoseAlarms(target: Omit<AlarmTarget, 'metricName'>, metricNames: ReadonlyArray<string>, what: string): Diagnosis {
  const missing = metricNames.filter((metricName) => alarmsWithActionOn({ ...target, metricName }).length === 0);
  if (missing.length === 0) {
    return NagRuleCompliance.COMPLIANT;
  }
  const silent = missing.flatMap((metricName) => alarmsOn({ ...target, metricName }).map((a) => `${a.node.path} (${metricName})`));
  const seen =
    `no alarm with an alarm action in the stack watches ${missing.join(', ')} (${target.namespaces.join(' or ')}, dimension ${target.dimensionName} = this ${what})` +
    (silent.length > 0 ? `; alarms without an action (or with actions disabled): ${silent.join(', ')}` : '');
  return finding(
    seen,
    `one alarm per metric, in the same stack, on ${missing.join(', ')} with the dimension ${target.dimensionName} of this ${what} and at least one alarm action (e.g. alarm.addAlarmAction(new SnsAction(topic)))`,
  );
}
