import type { Duration } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { LoadMonitor } from '../load-monitoring/load-monitor';

/** Whether a policy changes the number of instances or their size. */
export enum ScalingPolicyType {
  /** The policy changes the number of instances. */
  HORIZONTAL = 'horizontal',
  /** The policy changes the size (instance type) of the instances. */
  VERTICAL = 'vertical',
}

/** What a policy is bound to. */
export interface ScalingPolicyTarget {
  /** The group the policy scales: one of this app or one imported by name. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /**
   * The ALB target group the group is registered with; needed by the policies that use the
   * load balancer's request count (it must already be attached to a load balancer listener).
   * The class, not `IApplicationTargetGroup`: the request-count policies' resource label needs
   * `firstLoadBalancerFullName`, which only a target group of this app knows.
   *
   * @default - none: policies that need it fail with an error that says so
   */
  readonly targetGroup?: elbv2.ApplicationTargetGroup;
  /**
   * The monitor of the group: a policy that creates alarms creates them with
   * `monitor.createAlarm` (alerts) or lists its scaling triggers with
   * `monitor.addAlarm(alarm, { notify: false })`, so that they are on its dashboard.
   *
   * @default - no monitor: the policy's alarms are on no dashboard
   */
  readonly monitor?: LoadMonitor;
}

/**
 * A scaling policy (a type, a trigger, an action and a cooldown) that
 * creates its resources when bound to a group. Made with the {@link ScalingPolicy} factories.
 */
export interface IScalingPolicy {
  /** `ScalingPolicyType.HORIZONTAL` (instance count) or `ScalingPolicyType.VERTICAL` (instance size). */
  readonly type: ScalingPolicyType;
  /** What starts the policy, in words (e.g. "average CPU utilization away from 50%"). */
  readonly trigger: string;
  /** What the policy does, in words (e.g. "add or remove instances to hold the target"). */
  readonly action: string;
  /**
   * The time the policy waits after a scaling activity before it acts on the group again.
   * How it is emitted depends on the kind: see each factory. `Duration.seconds(0)` for kinds
   * that have no cooldown (scheduled actions, AWS native predictive scaling).
   */
  readonly cooldown: Duration;
  /** Whether binding this policy needs {@link ScalingPolicyTarget.targetGroup}. */
  readonly requiresTargetGroup: boolean;
  /**
   * Creates the policy's resources under `scope` for `target`.
   *
   * @returns the construct created, or undefined when the policy creates no resource (a
   * vertical policy, which a controller such as the CostOptimizer executes)
   */
  bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined;
}
