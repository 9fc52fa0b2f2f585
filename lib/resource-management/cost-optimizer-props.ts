/*
 * The props of {@link CostOptimizer}, in their own module so that the construct, the settings it
 * renders for its handler (lib/private/scaler-settings.ts) and its budget scope check
 * (spend-scope.ts) all import them without importing each other.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { VerticalScalingConfig } from '../auto-scaling/vertical-scaling';
import type { CostOptimizerEcsService } from './ecs-task-cap';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { CostAllocationTag, IScalingBudget } from './scaling-budget';
import type { LoadMonitor } from '../load-monitoring/load-monitor';

/** What the cost optimizer does with its decisions. */
export enum CostOptimizerMode {
  /** Apply the actions to the group. */
  APPLY = 'apply',
  /** Decide and log the actions it would take; change nothing. */
  DRY_RUN = 'dry-run',
  /** Publish the capacity plan (expected month-end cost, peak capacity needed) only. */
  FORECAST_ONLY = 'forecast-only',
}

/** Where the month's actual spend is read from. */
export enum SpendSource {
  /** AWS Budgets' calculated spend (DescribeBudget ActualSpend and ForecastedSpend). */
  BUDGETS = 'budgets',
  /**
   * Cost Explorer's month-to-date unblended cost (GetCostAndUsage, filtered by the cost allocation
   * tag when one is given), with AWS Budgets' forecast. Cost Explorer API requests are billed.
   */
  COST_EXPLORER = 'cost-explorer',
}

/** What wins when the budget cap and the load's needs disagree. */
export enum BudgetMode {
  /**
   * The budget cap holds: the month ends within the limit, MaxSize is lowered under budget pressure
   * down to `floorCapacity` (a bound of yours that holds it higher is reported as the overrun it causes).
   */
  HARD = 'hard',
  /** Availability first: the load's needs win over the budget cap (the budget is reported, not enforced against load). */
  AVAILABILITY_FIRST = 'availability-first',
}

/** Days of the week, as JavaScript numbers them. */
export enum WeekDay {
  SUNDAY = 0,
  MONDAY = 1,
  TUESDAY = 2,
  WEDNESDAY = 3,
  THURSDAY = 4,
  FRIDAY = 5,
  SATURDAY = 6,
}

/** Working hours of a non-production environment: outside them the group runs at the floor. */
export interface WorkingHoursOptions {
  /**
   * Days with working hours.
   * @default - Monday to Friday
   */
  readonly days?: WeekDay[];
  /** Local time working hours start, 'HH:MM' (24-hour clock). */
  readonly startTime: string;
  /** Local time working hours end, 'HH:MM', after startTime ('24:00' for midnight). */
  readonly endTime: string;
  /**
   * IANA time zone of the times, e.g. 'Europe/Berlin' (daylight saving time is followed).
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * How long before working hours start the group's capacity is restored. Should be at least
   * the optimizer's schedule interval, so that a run falls inside it.
   * @default Duration.hours(1)
   */
  readonly restoreLead?: Duration;
}

/**
 * Raising the group's CPU target tracking target under budget pressure, from the policy's own
 * target (the lowest) up to `maxPercent`.
 */
export interface TargetUtilizationBand {
  /** The highest CPU target, in percent, the optimizer may set; the policy's own target is the lowest. */
  readonly maxPercent: number;
  /**
   * Percentage points per step.
   * @default 5
   */
  readonly stepPercent?: number;
}

/** Shifting a mixed instances group's on-demand share toward Spot under budget pressure. */
export interface SpotShiftOptions {
  /** The lowest OnDemandPercentageAboveBaseCapacity the optimizer may set (0..100). */
  readonly minOnDemandPercent: number;
  /**
   * Percentage points per step.
   * @default 25
   */
  readonly stepPercent?: number;
}

/**
 * Options of a {@link CostOptimizer}: its props without what it is attached to (the group, its
 * launch template, the budget, the topic, the dashboard), what
 * {@link ScalableServiceCostOptimizerOptions} extends.
 */
export interface CostOptimizerOptions {
  /**
   * The group's configured MinSize, restored after off-hours. Needed only when the construct
   * cannot read it (an imported group, or a MinSize that is not a literal).
   * @default - the group's own MinSize (an error asks for it when it cannot be read)
   */
  readonly minCapacity?: number;
  /**
   * The group's configured MaxSize, the cap the optimizer restores. Needed only when the
   * construct cannot read it (see `minCapacity`).
   * @default - the group's own MaxSize (an error asks for it when it cannot be read)
   */
  readonly maxCapacity?: number;
  /**
   * What wins when the budget cap and the load's needs disagree.
   * @default BudgetMode.HARD
   */
  readonly budgetMode?: BudgetMode;
  /**
   * The missing-data alarm fires after this many consecutive runs without CPU utilization data
   * for the group. At most one day of runs.
   * @default 3
   */
  readonly missingDataAlarmRuns?: number;
  /**
   * CloudWatch namespace of the optimizer's own metrics (dimension AutoScalingGroupName), published
   * as embedded metric format through its logs. 0.2.x published to 'CostOptimizer': give that to
   * keep a dashboard's or alarm's history of your own.
   * @default 'CdkScalingArchitecture/CostOptimizer'
   */
  readonly metricsNamespace?: string;
  /**
   * Retention of the function's log group (one structured line per run).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * No churn: the least change of the rest of the month's spend, in percent of the money left,
   * worth a change of the CPU target or the cap; the settings in force hold while they spend
   * within that band below the money left. A change the hard limit needs is never held.
   * @default 4
   */
  readonly minChangePercent?: number;
  /**
   * No churn: at most this many budget changes (CPU target, cap, on-demand share) per UTC day,
   * except a change the hard limit needs and a raise the load needs (availability first).
   * @default 6
   */
  readonly maxChangesPerDay?: number;
  /**
   * The SLO floor: the capacity that must always remain. The optimizer never sets MaxSize below it.
   * @default 1
   */
  readonly floorCapacity?: number;
  /**
   * In `BudgetMode.AVAILABILITY_FIRST`, the cap never goes below what the peak load of the lookback
   * needs at this CPU utilization (in `BudgetMode.HARD` the cap may go down to `floorCapacity`).
   * @default 90
   */
  readonly emergencyUtilizationPercent?: number;
  /**
   * How far back the peak load is taken (for the lowest cap allowed and capacity planning). A
   * week keeps the weekday peak in view over a quiet weekend.
   * @default Duration.days(7)
   */
  readonly loadLookback?: Duration;
  /**
   * Expected month-end cost above this percentage of the limit: tighten one step per run.
   * @default 100
   */
  readonly tightenAbovePercent?: number;
  /**
   * Expected month-end cost below this percentage of the limit: restore one step per run.
   * Between the two the optimizer holds (hysteresis).
   * @default 95
   */
  readonly restoreBelowPercent?: number;
  /**
   * The least time between two budget steps (tighten or restore): AWS Budgets refreshes its
   * forecast a few times a day, and a step should show in the forecast before the next is taken.
   * Raises that protect the load (a saturated group under the cap) are never delayed.
   * @default Duration.hours(12)
   */
  readonly budgetStepInterval?: Duration;
  /**
   * One cap step, as a percentage of the group's MaxSize (at least one instance).
   * @default 10
   */
  readonly capStepPercent?: number;
  /**
   * Raise the group's CPU target tracking target under budget pressure, within this band.
   * The group must have exactly one target tracking policy on ASGAverageCPUUtilization.
   * @default - the target is not changed
   */
  readonly targetUtilizationBand?: TargetUtilizationBand;
  /**
   * Shift a mixed instances group's on-demand share toward Spot under budget pressure. The group
   * must have a mixed instances policy (a synthesis error otherwise).
   * @default - the share is not changed
   */
  readonly spot?: SpotShiftOptions;
  /**
   * Working hours of a non-production environment: outside them the group runs at the floor.
   * @default - the group runs around the clock
   */
  readonly workingHours?: WorkingHoursOptions;
  /**
   * Vertical rightsizing along an instance-type ladder (needs launchTemplate). Utilization whose
   * 95th percentile over the window is below the band moves one step down; whose median is above
   * it, one step up (not while the budget forecast is over).
   * @default - no vertical scaling
   */
  readonly vertical?: VerticalScalingConfig;
  /**
   * Where the actual spend is read from.
   * @default SpendSource.BUDGETS
   */
  readonly spendSource?: SpendSource;
  /**
   * Cost allocation tag that narrows Cost Explorer's cost to the service; only with
   * `spendSource: SpendSource.COST_EXPLORER` (an error otherwise).
   * @default - the whole account's cost
   */
  readonly costAllocationTag?: CostAllocationTag;
  /**
   * What the optimizer does with its decisions.
   * @default CostOptimizerMode.APPLY
   */
  readonly mode?: CostOptimizerMode;
  /**
   * When the optimizer runs. AWS Budgets refreshes its figures a few times a day, so more often
   * than hourly gains little. The missing-data alarm's period is the rate's interval (one hour for
   * a cron schedule).
   * @default events.Schedule.rate(Duration.hours(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * Period of the utilization datapoints read from CloudWatch: whole minutes, 1 minute to 1 day.
   * @default Duration.minutes(5)
   */
  readonly utilizationPeriod?: Duration;
  /**
   * MinHealthyPercentage of the instance refresh after a vertical step (an integer, 0 to 100).
   * The optimizer always sends it, so for its refreshes it overrides the group's instance
   * maintenance policy (`minHealthyPercentage`); `ScalableService` defaults it to
   * `capacity.minHealthyPercentage` when that is set.
   * @default 90
   */
  readonly refreshMinHealthyPercent?: number;
  /**
   * Alarms that stop the vertical step's instance refresh and roll it back when one goes to
   * ALARM (the refresh's AlarmSpecification, at most 10). AutoRollback is asked for whenever the
   * group launches from a numbered launch template version (as `ScalingGroup` pins it): the
   * refresh carries the new version as its desired configuration, with SkipMatching and
   * checkpoints at 50% and 100% (10 minutes each) for the alarms to judge the new instances.
   * On `$Default`/`$Latest` AWS allows no rollback: the refresh runs without it and the run log
   * says why.
   *
   * @default - no alarms (`ScalableService` passes its monitor's alarms but the request-count
   * anomaly alarm, the first 10): the refresh still rolls back when it fails
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];
  /**
   * Key of the group tag the optimizer keeps its state in (its caps and holds, so that a run
   * continues what the last one did). A `PredictiveScaler` on the same group reads it to plan
   * under the caps: give it the same key as `costOptimizerStateTagKey` (`ScalableService` does).
   * @default 'cost-optimizer:state'
   */
  readonly stateTagKey?: string;
  /**
   * An ECS service on this group whose tasks the optimizer caps with the group: while the budget
   * holds the group's MaxSize below its configured one, the service's scalable target gets
   * MaxCapacity = MaxSize x `tasksPerInstance` (within its task bounds), restored when the cap is
   * lifted. The group must serve that service alone (an error says otherwise).
   * @default - no service's tasks are capped
   */
  readonly ecsService?: CostOptimizerEcsService;

  /**
   * The function's execution role, instead of one created for it. It must trust
   * `lambda.amazonaws.com`. The construct adds the same least-privilege grants to it as to its own
   * role (its logs, the lease, the managed group, its budget and launch template), in its default policy. A role imported with
   * `iam.Role.fromRoleArn` gets them only when it is mutable (the default, same account): CDK then
   * adds the policies of this stack to it. With `mutable: false` every grant is dropped (no policy
   * is created or attached, without a warning): the role must already carry them (see the
   * function's policies in a synthesis without `role`).
   *
   * @default - a role of its own, with exactly those grants
   */
  readonly role?: iam.IRole;
}

/** Props of {@link CostOptimizer}: its options and what it is attached to. */
export interface CostOptimizerProps extends CostOptimizerOptions {
  /**
   * The group the optimizer manages: an L2 `AutoScalingGroup` of this app or one imported by name
   * (`AutoScalingGroup.fromAutoScalingGroupName`, then give `minCapacity` and `maxCapacity`). Its
   * MaxSize is the most capacity the optimizer ever sets.
   */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /**
   * The group's launch template. Needed for vertical scaling: the optimizer may only version
   * this template, and is allowed to launch instances from it (instance refresh, Spot shift).
   * @default - for an aws-cdk-lib `AutoScalingGroup` of this app, its own template, found by
   * `launchTemplateOf` (the one it created, or the `ec2.LaunchTemplate` it was given); none for an
   * imported group (vertical scaling then needs it)
   */
  readonly launchTemplate?: ec2.ILaunchTemplate;
  /**
   * The budget whose spend and forecast drive the optimizer: a {@link ScalingBudget} of this app,
   * or an existing one imported with `ScalingBudget.fromBudgetName`, which declares its `scope`
   * (required in APPLY mode) and its `limit`.
   */
  readonly budget: IScalingBudget;
  /**
   * Topic the error and missing-data alarms notify.
   * @default - no notification
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Dashboard that gets the optimizer's widgets (expected month-end cost vs limit, capacity cap).
   * (The class: aws-cdk-lib has no dashboard interface.)
   * @default - no widgets
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * The load monitor that creates the error, missing-data and forecast-overrun alarms: they notify its alert topic in
   * ALARM and back to OK and are listed on its dashboard's alarm widget, and the widgets go on
   * its dashboard (unless `dashboard` names another). `ScalableService` gives its own monitor.
   * Not with `alertTopic`.
   *
   * @default - the alarms notify `alertTopic`, the widgets go on `dashboard`
   */
  readonly monitor?: LoadMonitor;
}
