/**
 * The group's target tracking policies, evaluated on the simulated clock as AWS would evaluate
 * their alarms (the emulator stores the policies but never evaluates alarms): a policy scales out
 * to the capacity its metric needs after 3 consecutive one-minute datapoints above the target,
 * and scales in after 15 consecutive datapoints below 90% of it; the group scales in only when
 * every policy wants less (AWS's rule for several target tracking policies), never below MinSize
 * and never above MaxSize.
 *
 * No instances run in the emulator, so the metrics are models of the load:
 * ALBRequestCountPerTarget = load / desired capacity; ASGAverageCPUUtilization = 100 x load /
 * (desired capacity x the load one instance serves at 100%). Other metric types are not
 * modelled (the policy is reported and left out).
 */
import { AutoScalingClient, DescribePoliciesCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { GroupCapacity } from './simulate';

/** A target tracking policy the simulation evaluates. */
export interface TrackedPolicy {
  readonly name: string;
  readonly metric: 'ALBRequestCountPerTarget' | 'ASGAverageCPUUtilization';
  readonly target: number;
  readonly disableScaleIn: boolean;
}

/** Datapoints above the target before a scale-out, and below 90% of it before a scale-in (AWS's alarms). */
export const SCALE_OUT_POINTS = 3;
export const SCALE_IN_POINTS = 15;
export const SCALE_IN_RATIO = 0.9;

/** Reads the group's target tracking policies; returns those it can model and the names of the others. */
export async function readTrackedPolicies(asg: AutoScalingClient, groupName: string): Promise<{ policies: TrackedPolicy[]; unmodelled: string[] }> {
  const policies: TrackedPolicy[] = [];
  const unmodelled: string[] = [];
  let token: string | undefined;
  do {
    const res = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: groupName, PolicyTypes: ['TargetTrackingScaling'], NextToken: token }));
    for (const p of res.ScalingPolicies ?? []) {
      const c = p.TargetTrackingConfiguration;
      const type = c?.PredefinedMetricSpecification?.PredefinedMetricType;
      if ((type === 'ALBRequestCountPerTarget' || type === 'ASGAverageCPUUtilization') && c?.TargetValue !== undefined && c.TargetValue > 0) {
        policies.push({ name: p.PolicyName!, metric: type, target: c.TargetValue, disableScaleIn: c.DisableScaleIn ?? false });
      } else {
        unmodelled.push(`${p.PolicyName} (${type ?? 'customized metric'})`);
      }
    }
    token = res.NextToken;
  } while (token);
  return { policies, unmodelled };
}

/** The modelled metric value for a minute's load at `desired` instances. */
export function metricValue(metric: TrackedPolicy['metric'], load: number, desired: number, capacityPerInstance: number): number {
  if (desired <= 0) return Infinity;
  return metric === 'ALBRequestCountPerTarget' ? load / desired : (100 * load) / (desired * capacityPerInstance);
}

/** Evaluates the policies minute by minute, like their CloudWatch alarms. Pure except for {@link apply}. */
export class TargetTrackingSimulator {
  private readonly above = new Map<string, number>();
  private readonly below = new Map<string, number>();

  constructor(private readonly policies: readonly TrackedPolicy[], private readonly capacityPerInstance: number) {}

  /**
   * The desired capacity the policies ask for after a minute with `load` at the group's current
   * settings, or undefined when no alarm fires.
   */
  decide(load: number, group: GroupCapacity): number | undefined {
    if (!Number.isFinite(load) || this.policies.length === 0) return undefined;
    let out: number | undefined;
    const inWants: number[] = [];
    let allWantIn = true;
    for (const p of this.policies) {
      const v = metricValue(p.metric, load, group.desired, this.capacityPerInstance);
      // the capacity that brings the metric to the target (the metric scales as 1 / capacity)
      const needed = Math.ceil((v * group.desired) / p.target - 1e-9);
      const a = v > p.target ? (this.above.get(p.name) ?? 0) + 1 : 0;
      const b = v < SCALE_IN_RATIO * p.target ? (this.below.get(p.name) ?? 0) + 1 : 0;
      this.above.set(p.name, a);
      this.below.set(p.name, b);
      if (a >= SCALE_OUT_POINTS && needed > group.desired) out = Math.max(out ?? 0, needed);
      if (b >= SCALE_IN_POINTS && !p.disableScaleIn) inWants.push(needed); else allWantIn = false;
    }
    const clamp = (n: number) => Math.min(group.max, Math.max(group.min, n));
    if (out !== undefined && clamp(out) > group.desired) return this.fired(clamp(out));
    if (allWantIn && inWants.length > 0) {
      const target = clamp(Math.max(...inWants));
      if (target < group.desired) return this.fired(target);
    }
    return undefined;
  }

  /** Sets the desired capacity the policies asked for (as Auto Scaling would). */
  async apply(asg: AutoScalingClient, groupName: string, desired: number): Promise<void> {
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: groupName, DesiredCapacity: desired, HonorCooldown: false }));
  }

  private fired(desired: number): number {
    // a scaling activity resets the alarms' evaluation
    this.above.clear();
    this.below.clear();
    return desired;
  }
}
