import { Annotations, type Duration, Stack, Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PREDICTIVE_SCALER_DEFAULTS, PREDICTIVE_SCALER_SETTINGS, numberProblem } from '../lambda/contract';
import {
  launchTemplateOf,
  CpuTargetTrackingPolicy,
  type IScalingPolicy,
  PredictiveScaler,
  type PredictiveScalerOptions,
  RequestCountTargetTrackingPolicy,
  ScalingGroup,
  type ScalingGroupOptions,
  ScalingPolicy,
  ScalingPolicyType,
  ScheduledPolicy,
  type VerticalScalingConfig,
} from './auto-scaling';
import { LoadDistribution, type LoadDistributionOptions } from './load-distribution';
import { AlertTopic, DEFAULT_MONITORING_THRESHOLDS, LoadMonitor, type MonitoringThresholds } from './load-monitoring';
import { CostOptimizer, type CostOptimizerOptions, ScalingBudget, type ScalingBudgetOptions } from './resource-management';
import { warnAboutGroup } from './private/group-facts';
import { withPropPath } from './private/prop-path';

/** Monitoring options of {@link ScalableService}: alert e-mails, dashboard, alarm period. */
export interface ScalableServiceMonitoringOptions {
  /**
   * E-mail addresses subscribed to the alert topic (each confirms by e-mail first).
   *
   * @default - no subscriptions
   */
  readonly alertEmails?: string[];
  /**
   * Name of the CloudWatch dashboard.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Period of the monitoring alarms' metrics.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Name of the alert topic.
   *
   * @default - a name CloudFormation generates
   */
  readonly topicName?: string;
  /**
   * KMS key of the alert topic.
   *
   * @default - a key with rotation is created
   */
  readonly alertTopicKey?: kms.IKey;
  /**
   * Send the group's launch and termination events (and their failures) to the alert topic
   * (ignored when `capacity.notificationTopic` names another topic).
   *
   * @default true
   */
  readonly scalingNotifications?: boolean;
}

/** Props of {@link ScalableService}. */
export interface ScalableServiceProps {
  /** The VPC of the load balancer and the instances. */
  readonly vpc: ec2.IVpc;
  /**
   * The group: capacity (min/max), instance type, AMI, user data, warmup, health check grace,
   * Spot and mixed instances, capacity rebalance, maximum instance lifetime, warm pool,
   * lifecycle hooks. Not with `existingAutoScalingGroup`.
   *
   * @default - the ScalingGroup defaults: t3.micro on Amazon Linux 2023, min 2, max 6
   */
  readonly capacity?: ScalingGroupOptions;
  /**
   * A group of your own (an aws-cdk-lib `AutoScalingGroup` of this app) instead of a new one:
   * no group or launch template is created; the load balancer registers it, and the monitoring,
   * budget, predictive scaler and cost optimizer attach to it. Its own settings (health checks,
   * notifications, policies) stay as you made them; give it ELB health checks so that the
   * instances the load balancer finds unhealthy are replaced (a warning says so otherwise).
   * Vertical scaling needs its launch template, found with {@link launchTemplateOf}. The class, not
   * an `IAutoScalingGroup`: the service registers it with its target group (the group's own
   * TargetGroupARNs), tags it for the budget and reads its bounds from its resource, none of which
   * a group imported by name has in this app (give the scalers an imported group directly).
   *
   * @default - a new {@link ScalingGroup} configured by `capacity`
   */
  readonly existingAutoScalingGroup?: autoscaling.AutoScalingGroup;
  /**
   * The scaling policies (see {@link ScalingPolicy}), dispatched on their declared `type`: each is
   * bound to the group (`bind`), so a policy of your own that implements {@link IScalingPolicy}
   * works like ours. Only the `'horizontal'` ones count as the group's capacity policies (the
   * cross-part checks, `capacityPerInstance`). Vertical scaling by this package is configuration
   * of the cost optimizer: `costOptimizer.vertical`. A `'vertical'` policy of your own must not be
   * combined with it (two controllers would change the instance type).
   *
   * @default - target tracking on CPU at 50% and on 1000 ALB requests per target per minute for a
   * new group; none for `existingAutoScalingGroup` (its own policies stay)
   */
  readonly policies?: IScalingPolicy[];
  /**
   * Alarm thresholds of the load monitor.
   *
   * @default - the LoadMonitor defaults (CPU 80%, target 5xx 5%, p99 2 s, anomaly band 3)
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Alert e-mails, dashboard name, alarm period.
   *
   * @default - no e-mail subscriptions, generated names
   */
  readonly monitoring?: ScalableServiceMonitoringOptions;
  /**
   * The load balancer, listeners and target group.
   *
   * @default - an internet-facing ALB with an HTTP listener on port 80 to targets on port 80
   */
  readonly loadBalancing?: LoadDistributionOptions;
  /**
   * The monthly budget; created when given.
   *
   * @default - no budget
   */
  readonly budget?: ScalingBudgetOptions;
  /**
   * Our own predictive scaler: forecasts the target group's request count minute by minute and
   * schedules capacity ahead of it, beside the target tracking policies.
   *
   * @default - enabled in forecast-only mode (it publishes its forecast and plan; set
   * `mode: PredictiveScalerMode.FORECAST_AND_SCALE` to act), as AWS's predictive scaling does,
   * when `capacityPerInstance` is known (given, or derived from a request-count target tracking
   * policy); otherwise not deployed, with a warning
   */
  readonly predictiveScaler?: ScalableServicePredictiveScalerOptions;
  /**
   * The budget-aware cost optimizer: caps and restores capacity against the budget's forecast,
   * runs non-production groups at their floor off-hours and, with `vertical`, moves the group
   * along an instance-type ladder.
   *
   * @default - enabled when `budget` is given, with the group's minCapacity as its floor
   */
  readonly costOptimizer?: ScalableServiceCostOptimizerOptions;
}

/**
 * Predictive scaler options of {@link ScalableService}: {@link PredictiveScalerOptions}, the
 * scaler's props without what the service provides (the group, the load metric, the topic, the
 * dashboard, and the cost optimizer's state tag key, which is `costOptimizer.stateTagKey`).
 */
export interface ScalableServicePredictiveScalerOptions extends PredictiveScalerOptions {
  /**
   * Deploy the predictive scaler.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Requests per minute one instance serves at 100% utilization.
   *
   * @default - the request-count target tracking policy's target divided by `targetUtilizationPercent` / 100,
   * so that the scaler plans the capacity target tracking would hold; required when there is no
   * such policy
   */
  readonly capacityPerInstance?: number;
}

/**
 * Cost optimizer options of {@link ScalableService}: {@link CostOptimizerOptions}, the optimizer's
 * props without what the service provides (the group, its launch template, the budget, the topic,
 * the dashboard). Its `vertical` is the vertical scaling of the service (`capacity.instanceType`
 * must be on the ladder).
 */
export interface ScalableServiceCostOptimizerOptions extends CostOptimizerOptions {
  /**
   * Deploy the cost optimizer. It needs `budget`.
   *
   * @default - true when `budget` is given
   */
  readonly enabled?: boolean;
}

/** The default policies: target tracking on CPU and on requests per target. */
export const DEFAULT_SCALING_POLICIES: readonly IScalingPolicy[] = Object.freeze([
  ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
  ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }),
]);

/**
 * The scaling architecture for an EC2 web fleet in one construct: an alert topic, a load balancer
 * with its target group (load distribution), the Auto Scaling group registered with it and its
 * scaling policies (auto scaling), alarms and a dashboard (load monitoring) and, when a limit is
 * given, a monthly budget (resource management). Scalers added later (the predictive scaler, the
 * cost optimizer) use `autoScalingGroup`, `loadMetric`, `topic` and `dashboard`.
 */
export class ScalableService extends Construct {
  /** The alert topic every alarm and budget notification goes to. */
  public readonly alertTopic: AlertTopic;
  /** The load balancer, listeners and target group. */
  public readonly loadDistribution: LoadDistribution;
  /** The group and its launch template, when the service created them (not with `existingAutoScalingGroup`). */
  public readonly scalingGroup?: ScalingGroup;
  /** The Auto Scaling group: the one created, or `existingAutoScalingGroup`. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /**
   * The group's launch template: the one created, or the given group's own (see
   * {@link launchTemplateOf}); undefined when that group has none in this app.
   */
  public readonly launchTemplate?: ec2.LaunchTemplate;
  /** Alarms and the dashboard. */
  public readonly monitor: LoadMonitor;
  /** The monthly budget, when a limit was given. */
  public readonly budget?: ScalingBudget;
  /** The target group's RequestCount, Sum per minute: the load metric the predictive scaler forecasts. */
  public readonly loadMetric: cloudwatch.Metric;
  /** The policies bound to the group, in order. */
  public readonly policies: IScalingPolicy[];
  /** The vertical scaling configuration (`costOptimizer.vertical`), executed by the CostOptimizer. */
  public readonly verticalScaling?: VerticalScalingConfig;
  /** The predictive scaler, unless disabled. */
  public readonly predictiveScaler?: PredictiveScaler;
  /** The cost optimizer, when a budget is given and it is not disabled. */
  public readonly costOptimizer?: CostOptimizer;

  constructor(scope: Construct, id: string, props: ScalableServiceProps) {
    super(scope, id);
    if (!props || !props.vpc) throw new Error('ScalableService: vpc is required (the VPC of the load balancer and the instances)');

    if (props.existingAutoScalingGroup && props.capacity) {
      throw new Error(
        'capacity configures the group ScalableService creates: with existingAutoScalingGroup, configure that group itself and leave capacity unset',
      );
    }
    const existing = props.existingAutoScalingGroup;
    const policies = props.policies ?? (existing ? [] : [...DEFAULT_SCALING_POLICIES]);
    const { bound, horizontal, vertical } = sortPolicies(policies, props.costOptimizer?.vertical);

    const monitoring = props.monitoring ?? {};
    this.alertTopic = new AlertTopic(this, 'Alerts', {
      emailSubscriptions: monitoring.alertEmails,
      topicName: monitoring.topicName,
      masterKey: monitoring.alertTopicKey,
    });
    // The group's launch/termination notifications go to the alert topic unless another topic is
    // given; a given group keeps its own notifications.
    const notifyAlertTopic = !existing && (monitoring.scalingNotifications ?? true) && !props.capacity?.notificationTopic;
    if (notifyAlertTopic) this.allowAutoScalingToUseKey(this.alertTopic.masterKey);

    this.loadDistribution = new LoadDistribution(this, 'LoadDistribution', {
      ...props.loadBalancing,
      vpc: props.vpc,
      alertTopic: this.alertTopic.topic,
    });

    if (existing) {
      this.autoScalingGroup = existing;
      this.launchTemplate = launchTemplateOf(existing);
    } else {
      this.scalingGroup = new ScalingGroup(this, 'ScalingGroup', {
        ...props.capacity,
        vpc: props.vpc,
        notificationTopic: props.capacity?.notificationTopic ?? (notifyAlertTopic ? this.alertTopic.topic : undefined),
      });
      this.autoScalingGroup = this.scalingGroup.autoScalingGroup;
      this.launchTemplate = this.scalingGroup.launchTemplate;
    }
    this.validateCrossPart(props, horizontal, vertical);
    // Registers the instances and lets the ALB reach them; our group switches to ELB health checks.
    this.loadDistribution.addTarget(this.autoScalingGroup);

    // The monitor first: it creates every alarm of the service (notifying the alert topic both
    // ways, listed on its dashboard), those of the policies and the scalers included.
    this.monitor = new LoadMonitor(this, 'Monitor', {
      autoScalingGroup: this.autoScalingGroup,
      targetGroup: this.loadDistribution.targetGroup,
      loadBalancer: this.loadDistribution.loadBalancer,
      alertTopic: this.alertTopic.topic,
      thresholds: props.thresholds,
      dashboardName: monitoring.dashboardName,
      period: monitoring.period,
      unhealthyHostsAlarm: this.loadDistribution.unhealthyHostsAlarm,
    });
    this.bindPolicies(bound);
    this.policies = bound;
    this.verticalScaling = vertical[0];
    this.warnFixedSize(horizontal);

    if (props.budget) {
      if (props.budget.limit === undefined || props.budget.limit === null) {
        throw new Error('budget.limit is required when budget is given: the monthly cost limit in USD');
      }
      const budgetOptions = props.budget;
      this.budget = withPropPath(
        this,
        'Budget',
        'budget',
        () => new ScalingBudget(this, 'Budget', { ...budgetOptions, alertTopic: this.alertTopic.topic }),
      );
      // A service-scoped budget (the default) counts what carries its tag: everything the service creates.
      this.budget.tagResources(this);
    }

    this.loadMetric = this.loadDistribution.metricRequestCount();

    const predictive = props.predictiveScaler ?? {};
    if (predictive.enabled ?? true) {
      const { enabled, capacityPerInstance, ...options } = predictive;
      // Checked here, by the contract's rule, before it divides the derived capacityPerInstance.
      const targetPercent = options.targetUtilizationPercent;
      const targetProblem =
        targetPercent === undefined || Token.isUnresolved(targetPercent)
          ? undefined
          : numberProblem(PREDICTIVE_SCALER_SETTINGS.targetUtilizationPercent, targetPercent);
      if (targetProblem) throw new Error(`predictiveScaler.${targetProblem.prop} ${targetProblem.message}`);
      const perInstance =
        capacityPerInstance ?? this.defaultCapacityPerInstance(horizontal, targetPercent ?? PREDICTIVE_SCALER_DEFAULTS.targetUtilizationPercent);
      if (capacityPerInstance === undefined && perInstance !== undefined && !Token.isUnresolved(perInstance) && !Number.isFinite(perInstance)) {
        throw new Error(
          `predictiveScaler.targetUtilizationPercent (${targetPercent}) is too small: the capacityPerInstance derived from the request-count target (target / (targetUtilizationPercent / 100)) is not finite`,
        );
      }
      if (perInstance !== undefined) {
        // Its errors name the props as written here: predictiveScaler.horizon, not horizon.
        this.predictiveScaler = withPropPath(
          this,
          'PredictiveScaler',
          'predictiveScaler',
          () =>
            new PredictiveScaler(this, 'PredictiveScaler', {
              ...options,
              autoScalingGroup: this.autoScalingGroup,
              loadMetric: this.loadMetric,
              capacityPerInstance: perInstance,
              // Both scalers on one group: the predictive scaler plans under the optimizer's caps.
              costOptimizerStateTagKey: props.costOptimizer?.stateTagKey,
              monitor: this.monitor,
            }),
        );
      } else if (enabled) {
        throw new Error(
          'predictiveScaler.capacityPerInstance is required when policies has no request-count target tracking policy (ScalingPolicy.targetTrackingRequestCount) to derive it from',
        );
      } else {
        Annotations.of(this).addWarningV2(
          'cdk-scaling-architecture:predictiveScalerSkipped',
          'The predictive scaler is not deployed: policies has no request-count target tracking policy to derive predictiveScaler.capacityPerInstance from. Set predictiveScaler.capacityPerInstance to deploy it, or predictiveScaler.enabled to false to silence this warning.',
        );
      }
    }

    const cost = props.costOptimizer ?? {};
    if (cost.enabled ?? this.budget !== undefined) {
      if (!this.budget) {
        throw new Error(
          "costOptimizer.enabled is true but budget is not given: the cost optimizer acts on the budget's spend and forecast (set budget.limit)",
        );
      }
      const budget = this.budget;
      const { enabled: _enabled, vertical: _vertical, ...options } = cost;
      const maintenanceMin = props.capacity?.minHealthyPercentage;
      this.costOptimizer = withPropPath(
        this,
        'CostOptimizer',
        'costOptimizer',
        () =>
          new CostOptimizer(this, 'CostOptimizer', {
            floorCapacity: this.groupBounds().minCapacity,
            // The vertical step's refresh keeps what the group's maintenance policy keeps, and stops
            // (and rolls back) on the service's own alarms: those a bad rollout sets off, not the
            // request-count anomaly alarm (traffic does not depend on the instance type).
            ...(maintenanceMin !== undefined && maintenanceMin >= 0 ? { refreshMinHealthyPercent: maintenanceMin } : {}),
            ...(this.verticalScaling ? { rollbackAlarms: this.rollbackAlarms() } : {}),
            ...options,
            autoScalingGroup: this.autoScalingGroup,
            launchTemplate: this.launchTemplate,
            budget,
            monitor: this.monitor,
            vertical: this.verticalScaling,
          }),
      );
    } else if (this.verticalScaling) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:verticalPolicyWithoutCostOptimizer',
        'costOptimizer.vertical configures a vertical policy but the cost optimizer, which executes it, is not deployed (it needs budget): it takes effect only if you pass service.verticalScaling to a CostOptimizer of your own.',
      );
    }
  }

  /**
   * The load one instance serves at 100% utilization, derived from the request-count target
   * tracking policy: target tracking holds `targetRequestsPerMinute` per instance, which the
   * predictive scaler's plan matches at its target utilization.
   */
  private defaultCapacityPerInstance(horizontal: IScalingPolicy[], targetUtilizationPercent: number): number | undefined {
    const requestPolicy = horizontal.find((p): p is RequestCountTargetTrackingPolicy => p instanceof RequestCountTargetTrackingPolicy);
    if (!requestPolicy) return undefined;
    const requests = requestPolicy.options.targetRequestsPerMinute;
    // A token's number stands for a value known at deploy time: dividing it would synthesize nonsense.
    if (Token.isUnresolved(requests) || Token.isUnresolved(targetUtilizationPercent)) {
      throw new Error(
        `predictiveScaler.capacityPerInstance is required when ${Token.isUnresolved(requests) ? "the request-count policy's targetRequestsPerMinute" : 'predictiveScaler.targetUtilizationPercent'} is a token (resolved only at deploy time): it cannot be derived at synth`,
      );
    }
    return (requests * 100) / targetUtilizationPercent;
  }

  /**
   * The monitor's alarms on the fleet's health, which a bad rollout sets off: not the request-count
   * anomaly alarm (traffic does not depend on the instance type), nor the alarms the monitor
   * created for the policies and the scalers.
   */
  private rollbackAlarms(): cloudwatch.IAlarm[] {
    const m = this.monitor;
    return [m.cpuHighAlarm, m.target5xxAlarm, m.responseTimeAlarm, m.unhealthyHostsAlarm].filter((a): a is cloudwatch.IAlarm => a !== undefined);
  }

  /** Binds the horizontal policies to the group (a given group: under this construct, with the service's target group). */
  private bindPolicies(horizontal: IScalingPolicy[]): void {
    horizontal.forEach((policy, i) => {
      if (this.scalingGroup) {
        this.scalingGroup.addPolicy(policy, `Policy${i + 1}`, this.monitor);
      } else {
        policy.bind(this, `Policy${i + 1}`, {
          autoScalingGroup: this.autoScalingGroup,
          targetGroup: this.loadDistribution.targetGroup,
          monitor: this.monitor,
        });
      }
    });
  }

  /** The group's MinSize and MaxSize, as configured (tokens when they are not known at synthesis). */
  private groupBounds(): { minCapacity: number; maxCapacity: number } {
    if (this.scalingGroup) return { minCapacity: this.scalingGroup.minCapacity, maxCapacity: this.scalingGroup.maxCapacity };
    const cfn = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    const asNumber = (v: string) => (Token.isUnresolved(v) ? Token.asNumber(v) : Number(v));
    return { minCapacity: asNumber(cfn.minSize), maxCapacity: asNumber(cfn.maxSize) };
  }

  /** A group whose MinSize equals its MaxSize cannot scale: its policies are recorded for the group's one fixed-size warning. */
  private warnFixedSize(horizontal: IScalingPolicy[]): void {
    if (horizontal.length === 0) return;
    const { minCapacity, maxCapacity } = this.groupBounds();
    warnAboutGroup(`${horizontal.length} scaling ${horizontal.length === 1 ? 'policy' : 'policies'}`, this.autoScalingGroup, {
      minSize: minCapacity,
      maxSize: maxCapacity,
    });
  }

  /** The alert SNS topic. */
  public get topic(): sns.ITopic {
    return this.alertTopic.topic;
  }

  /** The CloudWatch dashboard; scalers add their widgets with `dashboard.addWidgets(...)`. */
  public get dashboard(): cloudwatch.Dashboard {
    return this.monitor.dashboard;
  }

  /**
   * Checks that need more than one part's props (run once the group exists, so that its defaults
   * apply). Every message names the props and the values.
   */
  private validateCrossPart(props: ScalableServiceProps, horizontal: IScalingPolicy[], vertical: VerticalScalingConfig[]): void {
    const { minCapacity, maxCapacity } = this.groupBounds();
    const known = (n: number) => !Token.isUnresolved(n);

    horizontal.forEach((policy, i) => {
      if (!(policy instanceof ScheduledPolicy)) return;
      const o = policy.options;
      const effectiveMax = o.maxCapacity ?? maxCapacity;
      if (o.minCapacity !== undefined && known(o.minCapacity) && known(effectiveMax) && o.minCapacity > effectiveMax) {
        throw new Error(
          `policies[${i}] (scheduled) minCapacity (${o.minCapacity}) must be <= capacity.maxCapacity (${effectiveMax}) unless the action also raises maxCapacity`,
        );
      }
      if (o.maxCapacity !== undefined && known(o.maxCapacity) && o.minCapacity === undefined && known(minCapacity) && o.maxCapacity < minCapacity) {
        throw new Error(
          `policies[${i}] (scheduled) maxCapacity (${o.maxCapacity}) must be >= capacity.minCapacity (${minCapacity}) unless the action also lowers minCapacity`,
        );
      }
    });

    const cpuHigh = props.thresholds?.cpuHighPercent ?? DEFAULT_MONITORING_THRESHOLDS.cpuHighPercent;
    horizontal.forEach((policy, i) => {
      if (!(policy instanceof CpuTargetTrackingPolicy)) return;
      const target = policy.options.targetUtilizationPercent;
      if (known(target) && known(cpuHigh) && target >= cpuHigh) {
        throw new Error(
          `thresholds.cpuHighPercent (${cpuHigh}) must be above the CPU target of policies[${i}] (targetUtilizationPercent ${target}): otherwise the alarm fires whenever the group runs at its target`,
        );
      }
    });

    const band = props.costOptimizer?.targetUtilizationBand;
    if (band) {
      const cpuPolicies = horizontal.flatMap((policy, i) => (policy instanceof CpuTargetTrackingPolicy ? [{ policy, i }] : []));
      // An existing group keeps its own policies: the optimizer finds its CPU policy in the stack
      // (and warns when there is none), as it does for any group it is given.
      const ownPolicies = props.existingAutoScalingGroup !== undefined && cpuPolicies.length === 0;
      if (!ownPolicies && cpuPolicies.length !== 1) {
        throw new Error(
          `costOptimizer.targetUtilizationBand needs exactly one CPU target tracking policy (ScalingPolicy.targetTrackingCpu) in policies, got ${cpuPolicies.length}`,
        );
      }
      const { policy, i } = cpuPolicies[0] ?? {};
      const target = policy?.options.targetUtilizationPercent;
      if (policy && known(target) && known(band.maxPercent) && band.maxPercent <= target) {
        throw new Error(
          `costOptimizer.targetUtilizationBand.maxPercent (${band.maxPercent}) must be above the CPU target of policies[${i}] (targetUtilizationPercent ${target}): the optimizer raises the target from there`,
        );
      }
    }

    const cfnGroup = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    const mixed = cfnGroup.mixedInstancesPolicy !== undefined;
    const groupProp = this.scalingGroup ? 'capacity.mixedInstancesPolicy' : "existingAutoScalingGroup's mixedInstancesPolicy";
    if (props.costOptimizer?.spot && !mixed) {
      throw new Error(
        `costOptimizer.spot (minOnDemandPercent ${props.costOptimizer.spot.minOnDemandPercent}) needs ${groupProp}: the optimizer shifts the group's On-Demand share above its base toward Spot, and a group without a mixed instances policy has none`,
      );
    }
    if (vertical.length === 1) {
      if (mixed) {
        throw new Error(
          `costOptimizer.vertical is set but the group has a mixed instances policy (${groupProp}): its instance types come from the policy, not from the launch template vertical scaling moves along its ladder. Use one of the two.`,
        );
      }
      if (!this.launchTemplate) {
        throw new Error(
          "costOptimizer.vertical is set but existingAutoScalingGroup has no launch template of this app (launchTemplateOf found none): vertical scaling versions the group's launch template",
        );
      }
      const ladder = vertical[0].instanceTypes.map((t) => t.toString());
      const current = this.launchTemplate.instanceType?.toString();
      const prop = this.scalingGroup ? 'capacity.instanceType' : "the launch template's instanceType";
      if (current === undefined || !ladder.includes(current)) {
        throw new Error(`${prop} (${current}) must be one of costOptimizer.vertical.instanceTypes [${ladder.join(', ')}]`);
      }
    }
  }

  /**
   * Auto Scaling publishes the group's notifications through its service-linked role; with a
   * customer managed key the key policy must let that role use the key. The statement names the
   * role by condition (`aws:PrincipalArn`), so it is valid before the role exists in the account.
   */
  private allowAutoScalingToUseKey(key: kms.IKey): void {
    const { account, partition } = Stack.of(this);
    const { statementAdded } = key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingNotifications',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': account,
            'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
          },
        },
      }),
    );
    if (!statementAdded) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:alertKeyAutoScaling',
        "The alert topic key is imported: allow the AWSServiceRoleForAutoScaling role kms:Decrypt and kms:GenerateDataKey* in its key policy, or the group's notifications are not delivered",
      );
    }
  }
}

/**
 * Sorts the policies on their declared `type`. Every policy is bound to the group; `horizontal` are
 * the capacity policies; `vertical` the cost optimizer's vertical configuration (`costOptimizer.vertical`).
 * A vertical policy of the user's own creates its own controller when bound, so it cannot share the
 * group with the optimizer's vertical scaling.
 */
function sortPolicies(policies: IScalingPolicy[], optimizerVertical: VerticalScalingConfig | undefined) {
  const ownVertical = policies.flatMap((p, i) => (p.type === ScalingPolicyType.VERTICAL ? [i] : []));
  const vertical = optimizerVertical ? [optimizerVertical] : [];
  if (ownVertical.length > 0 && vertical.length > 0) {
    throw new Error(
      `policies[${ownVertical.join(', ')}] is a vertical policy of your own and costOptimizer.vertical is also set: two controllers would change the instance type; keep one`,
    );
  }
  return { bound: policies, horizontal: policies.filter((p) => p.type === ScalingPolicyType.HORIZONTAL), vertical };
}
