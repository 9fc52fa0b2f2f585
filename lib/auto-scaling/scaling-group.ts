import { Annotations, Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  renderLifecycleHooks,
  type ScalingGroupLifecycleHook,
  type ScalingGroupMixedInstancesPolicy,
  validateMaxInstanceLifetime,
  validateMixedInstancesPolicy,
  validateWarmPool,
} from './group-features';
import {
  type AvailabilityZoneImpairmentPolicy,
  type CapacityReservation,
  renderAvailabilityZoneImpairmentPolicy,
  renderCapacityReservation,
  validateHealthyPercentages,
} from './group-availability';
import {
  applyInstanceRefreshOnDeploy,
  literalAlarmName,
  type InstanceRefreshOnDeployOptions,
  validateInstanceRefreshOnDeploy,
} from './deploy-rollout';
import type { IScalingPolicy } from './scaling-policy-types';
import type { LoadMonitor } from '../load-monitoring/load-monitor';
import { assertCapacityRange, assertDurationRange } from '../private/validation';
import { acknowledge } from '../private/acknowledge';

/** Options of {@link ScalingGroup}: everything but the VPC (the capacity part of `ScalableService`). */
export interface ScalingGroupOptions {
  /**
   * Where in the VPC the instances run.
   *
   * @default - private subnets with egress (`SubnetType.PRIVATE_WITH_EGRESS`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The instance type.
   *
   * @default - t3.micro
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The AMI.
   *
   * @default - the latest Amazon Linux 2023 for the instance type's architecture (SSM parameter)
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * User data run at boot (e.g. to install and start the web server).
   *
   * @default - the machine image's default (empty for Linux)
   */
  readonly userData?: ec2.UserData;
  /**
   * The group's MinSize, an integer >= 0.
   *
   * @default - 2 (one instance in each of two Availability Zones)
   */
  readonly minCapacity?: number;
  /**
   * The group's MaxSize, an integer >= 1 and >= minCapacity. There is no desiredCapacity: the
   * template never sets it, so a deploy never resets what the scalers chose.
   *
   * @default - 6, or minCapacity when that is larger
   */
  readonly maxCapacity?: number;
  /**
   * Time a new instance needs before it serves and its metrics count (DefaultInstanceWarmup),
   * 0 to 1 hour.
   *
   * @default Duration.minutes(3)
   */
  readonly defaultInstanceWarmup?: Duration;
  /**
   * Time after launch before health checks can mark an instance unhealthy, 0 to 2 hours.
   * Once the group is attached to a target group, ELB health checks apply after it.
   *
   * @default Duration.minutes(5)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * The group's default cooldown (Cooldown), used by simple scaling policies that set none;
   * 1 second to 1 day.
   *
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Size of the encrypted gp3 root volume, 1 GiB to 16 TiB; it must be at least the AMI's
   * snapshot size (8 GiB for Amazon Linux 2023).
   *
   * @default Size.gibibytes(20)
   */
  readonly rootVolumeSize?: Size;
  /**
   * Device name of the root volume in the AMI.
   *
   * @default - '/dev/xvda' (Amazon Linux)
   */
  readonly rootDeviceName?: string;
  /**
   * The instances' security group.
   *
   * @default - a new security group allowing all outbound traffic and no inbound traffic (the load
   * balancer is allowed in when the group is attached to it)
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * The instances' IAM role.
   *
   * @default - a new role for EC2 with no permissions; grant what the application needs to `role`
   */
  readonly role?: iam.IRole;
  /**
   * One-minute (detailed) instance monitoring, so CPU-based policies react within minutes.
   *
   * @default true
   */
  readonly detailedMonitoring?: boolean;
  /**
   * Topic notified of every launch, termination and their failures.
   *
   * @default - no notifications
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How CloudFormation replaces instances when the launch template changes.
   *
   * @default - a rolling update, one instance at a time, keeping minCapacity in service (when
   * minCapacity < maxCapacity); size properties the scalers changed are left alone
   * (IgnoreUnmodifiedGroupSizeProperties). Not with `instanceRefreshOnDeploy`.
   */
  readonly updatePolicy?: autoscaling.UpdatePolicy;
  /**
   * Roll a deploy that changes the launch template out with an instance refresh that
   * CloudFormation starts and watches (its `AutoScalingInstanceRefresh` update policy) instead of
   * the rolling update: SkipMatching, checkpoints, alarms; a refresh that fails or sees an alarm
   * fails the update, which CloudFormation rolls back. Not with `updatePolicy`.
   *
   * @default - the rolling update of `updatePolicy`
   */
  readonly instanceRefreshOnDeploy?: InstanceRefreshOnDeployOptions;
  /**
   * Which instances go first on scale-in.
   *
   * @default - [OLDEST_LAUNCH_TEMPLATE, DEFAULT]: instances on an outdated launch template first
   */
  readonly terminationPolicies?: autoscaling.TerminationPolicy[];
  /**
   * Spot and several instance types: the On-Demand base and share above it, the Spot allocation
   * strategy, and instance types or attribute-based instance requirements (aws-cdk-lib's
   * `MixedInstancesPolicy` without its launch template: instances launch from the group's own,
   * with IMDSv2 required and an encrypted root volume). The cost optimizer's `spot` lever shifts
   * the On-Demand share of such a group. Not with `warmPool`.
   *
   * @default - no mixed instances policy: On-Demand instances of `instanceType` only
   */
  readonly mixedInstancesPolicy?: ScalingGroupMixedInstancesPolicy;
  /**
   * Capacity Rebalancing: launch a replacement when EC2 signals that a Spot instance is at an
   * elevated risk of interruption, before it is interrupted. Useful only with a Spot share
   * (`mixedInstancesPolicy`).
   *
   * @default false
   */
  readonly capacityRebalance?: boolean;
  /**
   * The longest an instance may serve before the group replaces it (1 to 365 days), e.g. to
   * roll fresh AMIs and keep long-running hosts from drifting.
   *
   * @default - instances are never replaced for their age
   */
  readonly maxInstanceLifetime?: Duration;
  /**
   * A warm pool of pre-initialized (stopped, hibernated or running) instances: a scale-out
   * takes a warm instance, which serves after it starts rather than after a full launch and
   * boot (user data), so scale-outs serve sooner. Warm instances are not in the group's
   * desired capacity and do not count toward MinSize or scheduled floors. Launch lifecycle
   * hooks also run when an instance enters the pool. Not with `mixedInstancesPolicy`.
   *
   * @default - no warm pool
   */
  readonly warmPool?: autoscaling.WarmPoolOptions;
  /**
   * Lifecycle hooks (aws-cdk-lib's `BasicLifecycleHookProps`), created with the group in its
   * `LifecycleHookSpecificationList`, so that the group's first instances pass through them too
   * (`AutoScalingGroup.addLifecycleHook` creates the hook after the group, and instances
   * launched before it miss it). A hook with a `notificationTarget` gets a role to notify it
   * (or uses `role`). A hook without `lifecycleHookName` is named `launching-<n>` or
   * `terminating-<n>` (n its position from 1).
   *
   * @default - no lifecycle hooks
   */
  readonly lifecycleHooks?: autoscaling.BasicLifecycleHookProps[];
  /**
   * The instance maintenance policy's lower bound: the percentage of the desired capacity kept
   * in service and healthy while instances are replaced (health check replacements, instance
   * refreshes that set no value of their own), an integer from 0 to 100. Set with
   * `maxHealthyPercentage`; their difference is at most 100. The cost optimizer's vertical step
   * uses it as its refresh's MinHealthyPercentage in `ScalableService`.
   *
   * @default - no instance maintenance policy (terminate, then launch)
   */
  readonly minHealthyPercentage?: number;
  /**
   * The instance maintenance policy's upper bound: the percentage of the desired capacity that
   * may be in service or pending while instances are replaced (above 100 launches replacements
   * before terminating), an integer from 100 to 200. Set with `minHealthyPercentage`.
   *
   * @default - no instance maintenance policy
   */
  readonly maxHealthyPercentage?: number;
  /**
   * The Availability Zone impairment policy: zonal shift, and the health check behaviour in an
   * impaired zone.
   *
   * @default - no impairment policy (the group is not registered for zonal shift)
   */
  readonly availabilityZoneImpairmentPolicy?: AvailabilityZoneImpairmentPolicy;
  /**
   * The group's Capacity Reservation preference, and the reservations or resource groups it
   * launches into.
   *
   * @default - no preference on the group (the launch template's, or an open reservation that matches)
   */
  readonly capacityReservation?: CapacityReservation;
}

/** Props of {@link ScalingGroup}. */
export interface ScalingGroupProps extends ScalingGroupOptions {
  /** The VPC the instances run in. */
  readonly vpc: ec2.IVpc;
}

/** Called when the group is attached to an ALB target group, by whatever code attaches it. */
type AttachHook = (targetGroup: elbv2.IApplicationTargetGroup) => void;

/** An AutoScalingGroup that tells its owner when it is attached to an ALB target group. */
class ObservedAutoScalingGroup extends autoscaling.AutoScalingGroup {
  public onAttach?: AttachHook;

  public attachToApplicationTargetGroup(targetGroup: elbv2.IApplicationTargetGroup): elbv2.LoadBalancerTargetProps {
    const result = super.attachToApplicationTargetGroup(targetGroup);
    this.onAttach?.(targetGroup);
    return result;
  }
}

/**
 * An EC2 Auto Scaling group for a web fleet: a launch template (IMDSv2 required, encrypted gp3
 * root volume, detailed monitoring), MinSize/MaxSize but never DesiredCapacity, default instance
 * warmup, group metrics collection, and a health check that switches to ELB (with the grace
 * period) as soon as the group is attached to a target group, so that instances failing the
 * load balancer's health check are replaced.
 */
export class ScalingGroup extends Construct {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template the group launches from. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The instance type of the launch template. */
  public readonly instanceType: ec2.InstanceType;
  /** The instances' security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The instances' IAM role. */
  public readonly role: iam.IRole;
  /** MinSize as configured. */
  public readonly minCapacity: number;
  /** MaxSize as configured. */
  public readonly maxCapacity: number;
  /** The policies added, in order. */
  public readonly policies: IScalingPolicy[] = [];
  /** The mixed instances policy, when one was given (its launch template is `launchTemplate`). */
  public readonly mixedInstancesPolicy?: ScalingGroupMixedInstancesPolicy;
  /**
   * The warm pool, when one was configured. Warm instances serve sooner than new launches (they
   * skip the launch and the boot's user data); schedulers that plan ahead of the load may count
   * a shorter lead for them.
   */
  public readonly warmPool?: autoscaling.WarmPool;
  /** The warm pool's options with their defaults applied (pool state Stopped, min size 0), when there is a warm pool. */
  public readonly warmPoolOptions?: autoscaling.WarmPoolOptions;
  /** The lifecycle hooks created with the group, in order. */
  public readonly lifecycleHooks: ScalingGroupLifecycleHook[] = [];
  /** The instance refresh CloudFormation runs on a deploy that changes the launch template, when configured. */
  public readonly instanceRefreshOnDeploy?: InstanceRefreshOnDeployOptions;
  private readonly deployAlarms: cloudwatch.IAlarm[] = [];

  private _targetGroup?: elbv2.ApplicationTargetGroup;
  private policyCount = 0;

  constructor(scope: Construct, id: string, props: ScalingGroupProps) {
    super(scope, id);
    if (!props || !props.vpc) throw new Error('ScalingGroup: vpc is required');

    this.minCapacity = props.minCapacity ?? 2;
    this.maxCapacity = props.maxCapacity ?? (Token.isUnresolved(this.minCapacity) ? 6 : Math.max(6, this.minCapacity));
    assertCapacityRange('minCapacity', this.minCapacity, 'maxCapacity', this.maxCapacity);
    assertDurationRange('defaultInstanceWarmup', props.defaultInstanceWarmup, 0, 3600);
    assertDurationRange('healthCheckGracePeriod', props.healthCheckGracePeriod, 0, 7200);
    assertDurationRange('cooldown', props.cooldown, 1, 86400);
    const rootSize = props.rootVolumeSize ?? Size.gibibytes(20);
    if (!rootSize.isUnresolved()) {
      const gib = rootSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(gib) || gib < 1 || gib > 16384)
        throw new Error(`rootVolumeSize must be a whole number of GiB between 1 and 16384, got ${gib} GiB`);
    }

    this.instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);
    if (props.mixedInstancesPolicy) validateMixedInstancesPolicy(props.mixedInstancesPolicy, this.instanceType);
    if (props.warmPool) validateWarmPool(props.warmPool, this.maxCapacity, props.mixedInstancesPolicy !== undefined);
    validateMaxInstanceLifetime(props.maxInstanceLifetime);
    validateHealthyPercentages(props.minHealthyPercentage, props.maxHealthyPercentage);
    if (props.instanceRefreshOnDeploy) validateInstanceRefreshOnDeploy(props.instanceRefreshOnDeploy, props.updatePolicy !== undefined);
    const impairment = props.availabilityZoneImpairmentPolicy && renderAvailabilityZoneImpairmentPolicy(props.availabilityZoneImpairmentPolicy);
    const reservation = props.capacityReservation && renderCapacityReservation(props.capacityReservation);
    const machineImage =
      props.machineImage ??
      ec2.MachineImage.latestAmazonLinux2023({
        cpuType: this.instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      });

    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `Instances of ${this.node.path}: inbound only from the load balancer`,
        allowAllOutbound: true,
      });
    this.role =
      props.role ??
      new iam.Role(this, 'InstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: `Instances of ${this.node.path}`,
      });

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: this.instanceType,
      machineImage,
      // Always user data (the image's default when none is given), so that `addUserData` works,
      // e.g. for an ECS capacity provider, without the launchTemplateDefaultUserData feature flag.
      userData: props.userData ?? machineImage.getImage(this).userData,
      // A hibernated warm pool needs hibernation on the template (the root volume is encrypted).
      hibernationConfigured: props.warmPool?.poolState === autoscaling.PoolState.HIBERNATED ? true : undefined,
      securityGroup: this.securityGroup,
      role: this.role,
      requireImdsv2: true,
      httpPutResponseHopLimit: 2,
      detailedMonitoring: props.detailedMonitoring ?? true,
      blockDevices: [
        {
          deviceName: props.rootDeviceName ?? '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(rootSize.toGibibytes(), {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    const gracePeriod = props.healthCheckGracePeriod ?? Duration.minutes(5);
    const group = new ObservedAutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ...(props.mixedInstancesPolicy
        ? { mixedInstancesPolicy: { ...props.mixedInstancesPolicy, launchTemplate: this.launchTemplate } }
        : { launchTemplate: this.launchTemplate }),
      capacityRebalance: props.capacityRebalance,
      minHealthyPercentage: props.minHealthyPercentage,
      maxHealthyPercentage: props.maxHealthyPercentage,
      maxInstanceLifetime: props.maxInstanceLifetime,
      minCapacity: this.minCapacity,
      maxCapacity: this.maxCapacity,
      defaultInstanceWarmup: props.defaultInstanceWarmup ?? Duration.minutes(3),
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod }),
      cooldown: props.cooldown ?? Duration.minutes(5),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: props.notificationTopic ? [{ topic: props.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }] : undefined,
      updatePolicy: props.instanceRefreshOnDeploy
        ? undefined
        : (props.updatePolicy ??
          autoscaling.UpdatePolicy.rollingUpdate({
            maxBatchSize: 1,
            minInstancesInService:
              !Token.isUnresolved(this.minCapacity) && !Token.isUnresolved(this.maxCapacity) && this.minCapacity < this.maxCapacity
                ? this.minCapacity
                : undefined,
          })),
      terminationPolicies: props.terminationPolicies ?? [autoscaling.TerminationPolicy.OLDEST_LAUNCH_TEMPLATE, autoscaling.TerminationPolicy.DEFAULT],
    });
    group.onAttach = (targetGroup) => this.onAttached(targetGroup);
    const cfnGroup = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    // Not in aws-cdk-lib's L2: set on the L1 (its types have them from the oldest aws-cdk-lib supported).
    if (impairment) cfnGroup.availabilityZoneImpairmentPolicy = impairment;
    if (reservation) cfnGroup.capacityReservationSpecification = reservation;
    if (props.instanceRefreshOnDeploy) {
      this.deployAlarms.push(...(props.instanceRefreshOnDeploy.alarms ?? []));
      applyInstanceRefreshOnDeploy(cfnGroup, props.instanceRefreshOnDeploy, () => this.deployAlarms);
    }
    this.instanceRefreshOnDeploy = props.instanceRefreshOnDeploy;
    this.autoScalingGroup = group;
    this.mixedInstancesPolicy = props.mixedInstancesPolicy;
    if (props.mixedInstancesPolicy) {
      acknowledge(group.node.defaultChild!, {
        id: 'AwsSolutions-EC26',
        reason:
          "cdk-nag's EC26 reads only the group's LaunchTemplate property and fails on a group whose template is in its MixedInstancesPolicy; that template is this construct's own, whose only block device, the root volume, is always encrypted (not configurable).",
      });
    }

    if (props.capacityRebalance && !hasSpotShare(props.mixedInstancesPolicy)) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:capacityRebalanceWithoutSpot',
        'capacityRebalance is set but the group runs no Spot instances (mixedInstancesPolicy with onDemandPercentageAboveBaseCapacity below 100 is needed): it has no effect',
      );
    }
    if (props.lifecycleHooks && props.lifecycleHooks.length > 0) this.addLifecycleHookSpecifications(props.lifecycleHooks);
    if (props.warmPool) {
      this.warmPoolOptions = {
        ...props.warmPool,
        poolState: props.warmPool.poolState ?? autoscaling.PoolState.STOPPED,
        minSize: props.warmPool.minSize ?? 0,
      };
      this.warmPool = group.addWarmPool(this.warmPoolOptions);
    }
  }

  /** Lifecycle hooks in the group's own LifecycleHookSpecificationList, so that its first instances get them. */
  private addLifecycleHookSpecifications(hooks: autoscaling.BasicLifecycleHookProps[]): void {
    const rendered = renderLifecycleHooks(this, hooks);
    const cfn = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    cfn.lifecycleHookSpecificationList = rendered.specifications;
    this.lifecycleHooks.push(...rendered.hooks);
    // The hooks' roles and their policies must exist before the group sends its test notifications.
    for (const hook of rendered.hooks) {
      if (hook.role) this.autoScalingGroup.node.addDependency(hook.role);
    }
  }

  /**
   * Adds an alarm that fails (and so rolls back) the instance refresh of a deploy
   * (`instanceRefreshOnDeploy`); at most 10 in all, each with a literal `alarmName`.
   */
  public addDeployAlarm(alarm: cloudwatch.IAlarm): void {
    if (!this.instanceRefreshOnDeploy)
      throw new Error('addDeployAlarm needs instanceRefreshOnDeploy: without it a deploy rolls out by the rolling update');
    literalAlarmName('addDeployAlarm', alarm);
    if (!this.deployAlarms.includes(alarm)) this.deployAlarms.push(alarm);
  }

  /** The ALB target group the group is registered with, once attached. */
  public get targetGroup(): elbv2.ApplicationTargetGroup | undefined {
    return this._targetGroup;
  }

  /**
   * Registers the group with an ALB target group and switches the group's health check to ELB
   * (with the grace period), so that instances the load balancer finds unhealthy are replaced.
   * Attaching the group by `targetGroup.addTarget(group.autoScalingGroup)` (as
   * `LoadDistribution.addTarget` does) has the same effect.
   */
  public attachToTargetGroup(targetGroup: elbv2.IApplicationTargetGroup): void {
    targetGroup.addTarget(this.autoScalingGroup);
  }

  /**
   * Binds a scaling policy (see {@link ScalingPolicy}) to the group.
   *
   * @param policy the policy
   * @param id construct id of the policy's resources; `Policy<n>` when left out (n counts from 1)
   * @param monitor the group's monitor, whose dashboard lists the policy's alarms; none when left out
   */
  public addPolicy(policy: IScalingPolicy, id?: string, monitor?: LoadMonitor): void {
    this.policyCount += 1;
    policy.bind(this, id ?? `Policy${this.policyCount}`, {
      autoScalingGroup: this.autoScalingGroup,
      targetGroup: this._targetGroup,
      monitor,
    });
    this.policies.push(policy);
  }

  private onAttached(targetGroup: elbv2.IApplicationTargetGroup): void {
    const cfn = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    cfn.healthCheckType = 'ELB';
    if (targetGroup instanceof elbv2.ApplicationTargetGroup) {
      if (this._targetGroup && this._targetGroup !== targetGroup) {
        Annotations.of(this).addWarningV2(
          'cdk-scaling-architecture:multipleTargetGroups',
          `The group is attached to more than one target group; request-count policies use the first (${this._targetGroup.node.path})`,
        );
        return;
      }
      this._targetGroup = targetGroup;
    }
  }
}

/** Whether a mixed instances policy puts some capacity on Spot. */
function hasSpotShare(policy: ScalingGroupMixedInstancesPolicy | undefined): boolean {
  if (!policy) return false;
  const share = policy.instancesDistribution?.onDemandPercentageAboveBaseCapacity;
  return share === undefined ? false : Token.isUnresolved(share) || share < 100;
}
