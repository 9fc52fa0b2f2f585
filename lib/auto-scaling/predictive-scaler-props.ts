/*
 * The props of {@link PredictiveScaler}, in their own module so that the construct and the
 * settings it renders for its handler (lib/private/scaler-settings.ts) both import them without
 * importing each other.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { LoadMonitor } from '../load-monitoring/load-monitor';

/** What the predictive scaler does with its plan. */
export enum PredictiveScalerMode {
  /** Publish the forecast and the planned capacity as metrics, change nothing (as AWS predictive scaling starts). */
  FORECAST_ONLY = 'forecast-only',
  /** Also apply the plan: raise capacity now when needed and schedule the plan's MinSize floors. */
  FORECAST_AND_SCALE = 'forecast-and-scale',
}

/**
 * Options of a {@link PredictiveScaler}: its props without what it is attached to (the group, the
 * load metric, the capacity per instance, the topic, the dashboard and the cost optimizer's state
 * tag key), what {@link ScalableServicePredictiveScalerOptions} extends.
 */
export interface PredictiveScalerOptions {
  /**
   * The group's configured MinSize, which the scaler restores when a plan's raised floor ends.
   * Needed only when the construct cannot read it: an imported group, or a MinSize that is not a
   * literal (it must then equal the group's when both are known).
   *
   * @default - the group's own MinSize (an error asks for it when it cannot be read)
   */
  readonly minCapacity?: number;

  /**
   * The group's configured MaxSize, the most capacity a plan asks for. Needed only when the
   * construct cannot read it (see `minCapacity`).
   *
   * @default - the group's own MaxSize (an error asks for it when it cannot be read)
   */
  readonly maxCapacity?: number;

  /**
   * The utilization the plan runs the group at, in percent: more than 0, at most 100.
   *
   * @default 70
   */
  readonly targetUtilizationPercent?: number;

  /**
   * The share of the load, in percent, that may exceed the planned capacity at 100% utilization:
   * the planner sizes its headroom so that its own replayed errors leave at most this much load
   * unserved. 0 to 50. The default was chosen from the measured frontier of unserved load
   * against capacity (docs/predictive-scaler.md in the package's repository).
   *
   * @default 0.03
   */
  readonly unservedBudgetPercent?: number;

  /**
   * The missing-data alarm fires after this many consecutive runs that were skipped (no usable
   * history of the load metric: empty, all gaps, too short, or a wrong metric). At most one day
   * of runs.
   *
   * @default 3
   */
  readonly missingDataAlarmRuns?: number;

  /**
   * Whether the plan is applied or only published.
   *
   * @default PredictiveScalerMode.FORECAST_ONLY
   */
  readonly mode?: PredictiveScalerMode;

  /**
   * In `FORECAST_AND_SCALE` mode, log the actions the scaler would take instead of taking them.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * When the scaler runs. With a rate, `horizon` must be at least two intervals so that one
   * missed run leaves no gap in the plan.
   *
   * @default Schedule.rate(Duration.minutes(5))
   */
  readonly schedule?: events.Schedule;

  /**
   * How much one-minute history each run reads, 1 hour to 14 days (CloudWatch keeps one-minute
   * datapoints for 15 days).
   *
   * @default Duration.days(14)
   */
  readonly historyDuration?: Duration;

  /**
   * The history needed before the scaler plans; until then each run changes nothing and counts
   * an error. At most `historyDuration`.
   *
   * @default - Duration.days(1), or historyDuration when shorter
   */
  readonly minimumHistory?: Duration;

  /**
   * Time from launching an instance until it serves, 0 to 1 hour: the plan asks for capacity this
   * much ahead of the load.
   *
   * @default - for a group without a warm pool, a launch (2 minutes: to InService) plus the group's
   * default instance warmup (when a literal; 3 minutes otherwise), at most 1 hour. For a group
   * with a warm pool (our ScalingGroup's `warmPool`, aws-cdk-lib's `addWarmPool`, or a
   * CfnWarmPool naming the group), the warmup alone: a warm instance is already launched and
   * initialized and is only started (or is running), so it serves after its warmup. Instances
   * beyond the pool's size launch cold and serve later; give `launchLeadTime` when the scaler's
   * raises often exceed the pool.
   */
  readonly launchLeadTime?: Duration;

  /**
   * How far ahead each plan is scheduled, 10 minutes to 48 hours. If the function stops, the
   * plan keeps working this long and then the group's configured MinSize is restored.
   *
   * @default Duration.hours(2)
   */
  readonly horizon?: Duration;

  /**
   * Retention of the function's log group (one structured line per run).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * CloudWatch namespace of the scaler's own metrics (ForecastLoad, PlannedCapacity, RunErrors...,
   * dimension AutoScalingGroupName), published as embedded metric format through its logs.
   *
   * @default 'CdkScalingArchitecture/PredictiveScaler'
   */
  readonly metricsNamespace?: string;

  /**
   * The most scheduled actions the scaler keeps on the group, 2 to 120 (AWS allows 125 per group,
   * shared with other scheduled actions). Beyond it, adjacent floors are merged upwards.
   *
   * @default 40
   */
  readonly maxScheduledActions?: number;

  /**
   * Name prefix of the scheduled actions the scaler owns; it replaces and deletes only these.
   *
   * @default 'predictive-scaler-'
   */
  readonly scheduledActionPrefix?: string;

  /**
   * An ECS service on EC2 capacity to plan tasks for, instead of the group's instances: the scaler
   * raises the task floor of the service's scalable target ahead of the load (Application Auto
   * Scaling scheduled actions and, for a raise needed now, its MinCapacity), and the instances
   * follow through the capacity provider's managed scaling on `autoScalingGroup` (the cluster's
   * group); the scaler never writes the group. Then `capacityPerInstance` is the load one task
   * serves per minute (required), `minCapacity`/`maxCapacity` are task counts (default: the
   * service's `autoScaleTaskCount` bounds), and `launchLeadTime` defaults to the instances' lead
   * (see there) plus one minute for a task to start (DEFAULT_ECS_TASK_START). See the README's
   * "ECS services on EC2".
   *
   * @default - the scaler plans the group's instances
   */
  readonly ecsService?: ecs.IBaseService;

  /**
   * The function's execution role, instead of one created for it. It must trust
   * `lambda.amazonaws.com`. The construct adds the same least-privilege grants to it as to its own
   * role (its logs, the lease, the managed group), in its default policy. A role imported with
   * `iam.Role.fromRoleArn` gets them only when it is mutable (the default, same account): CDK then
   * adds the policies of this stack to it. With `mutable: false` every grant is dropped (no policy
   * is created or attached, without a warning): the role must already carry them (see the
   * function's policies in a synthesis without `role`).
   *
   * @default - a role of its own, with exactly those grants
   */
  readonly role?: iam.IRole;
}

/** Props of {@link PredictiveScaler}: its options and what it is attached to. */
export interface PredictiveScalerProps extends PredictiveScalerOptions {
  /**
   * The group to plan for. The scaler sets its capacity through one-time scheduled actions
   * (named with `scheduledActionPrefix`) and SetDesiredCapacity; run target tracking beside it.
   */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /**
   * The load metric to forecast, e.g. `LoadDistribution.metricRequestCount()` or a target group's
   * `metrics.requestCount()`. Its namespace, name, dimensions and statistic are handed to the
   * function, which reads it at a one-minute period (GetMetricData, Period 60) in its own account
   * and region, whatever the metric's own period (aws-cdk-lib's default is 5 minutes): the load is
   * per minute, as `capacityPerInstance` is. It must be additive, a sum of requests or work per
   * minute (statistic Sum or SampleCount): an Average, Minimum, Maximum, percentile or a Percent
   * metric is not a load, and gets a warning.
   */
  readonly loadMetric: cloudwatch.Metric;
  /**
   * The load one instance serves per minute at 100% utilization, in the load metric's unit
   * (e.g. requests per minute). Must be > 0.
   *
   * @default - derived from the group's request-count target tracking policy (aws-cdk-lib's
   * `scaleOnRequestCount`, or any target tracking policy of the group on
   * `ALBRequestCountPerTarget` in this stack, added before the scaler): its target (requests per
   * target per minute) divided by `targetUtilizationPercent` / 100, so that the plan asks for the capacity
   * target tracking would hold. An error asks for it when the group has no such policy.
   */
  readonly capacityPerInstance?: number;
  /**
   * Topic the function's error, missing-data and realized-unserved alarms notify.
   *
   * @default - no notification (the alarm is still created)
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Dashboard to add a row to: forecast vs actual load, the realized unserved share against the
   * budget, planned vs in-service capacity. (The class: aws-cdk-lib has no dashboard interface.)
   *
   * @default - no widgets
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * The load monitor that creates the error, missing-data and realized-unserved alarms: they notify its alert topic in
   * ALARM and back to OK and are listed on its dashboard's alarm widget, and the widgets go on
   * its dashboard (unless `dashboard` names another). `ScalableService` gives its own monitor.
   * Not with `alertTopic`.
   *
   * @default - the alarms notify `alertTopic`, the widgets go on `dashboard`
   */
  readonly monitor?: LoadMonitor;
  /**
   * The tag a `CostOptimizer` on the same group keeps its state in (its `stateTagKey`): the scaler
   * reads it and plans under the optimizer's budget cap and off-hours hold. Set it when you compose
   * the two by hand and give the optimizer a `stateTagKey` of its own; `ScalableService` sets it.
   * Without a cost optimizer on the group the tag is absent and nothing is held.
   *
   * @default - 'cost-optimizer:state' (the cost optimizer's default)
   */
  readonly costOptimizerStateTagKey?: string;
}
