/**
 * The group's target tracking policies, read from the emulator (which stores them but never
 * evaluates their alarms) as the core's group model evaluates them
 * (lambda/core/backtest/target-tracking.ts: AWS's alarm rules, several policies).
 *
 * No instances run in the emulator, so the metrics are models of the load per instance in
 * service: ALBRequestCountPerTarget = load / instances; ASGAverageCPUUtilization = 100 x load /
 * (instances x the load one instance serves at 100%). Other metric types are not modelled (the
 * policy is reported and left out).
 */
import { type AutoScalingClient, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import type { TrackedPolicy } from '../../lambda/core/backtest/target-tracking';

/** A target tracking policy of the group, as the group model evaluates it. */
export interface GroupTrackedPolicy extends TrackedPolicy {
  readonly metric: 'ALBRequestCountPerTarget' | 'ASGAverageCPUUtilization';
}

/** The model of a predefined metric: metric = load / (instances in service x loadPerUnit). */
export function trackedPolicy(
  name: string,
  metric: GroupTrackedPolicy['metric'],
  target: number,
  capacityPerInstance: number,
  disableScaleIn = false,
): GroupTrackedPolicy {
  return { name, metric, target, disableScaleIn, loadPerUnit: metric === 'ALBRequestCountPerTarget' ? 1 : capacityPerInstance / 100 };
}

/** Reads the group's target tracking policies; returns those the model covers and the names of the others. */
export async function readTrackedPolicies(
  asg: AutoScalingClient,
  groupName: string,
  capacityPerInstance: number,
): Promise<{ policies: GroupTrackedPolicy[]; unmodelled: string[] }> {
  const policies: GroupTrackedPolicy[] = [];
  const unmodelled: string[] = [];
  let token: string | undefined;
  do {
    const res = await asg.send(
      new DescribePoliciesCommand({ AutoScalingGroupName: groupName, PolicyTypes: ['TargetTrackingScaling'], NextToken: token }),
    );
    for (const p of res.ScalingPolicies ?? []) {
      const c = p.TargetTrackingConfiguration;
      const type = c?.PredefinedMetricSpecification?.PredefinedMetricType;
      if ((type === 'ALBRequestCountPerTarget' || type === 'ASGAverageCPUUtilization') && c?.TargetValue !== undefined && c.TargetValue > 0) {
        policies.push(trackedPolicy(p.PolicyName!, type, c.TargetValue, capacityPerInstance, c.DisableScaleIn ?? false));
      } else {
        unmodelled.push(`${p.PolicyName} (${type ?? 'customized metric'})`);
      }
    }
    token = res.NextToken;
  } while (token);
  return { policies, unmodelled };
}
