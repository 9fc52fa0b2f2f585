import { Annotations, Arn, Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { VerticalScalingConfig, validateVerticalScalingConfig } from '../auto-scaling/vertical-scaling';
import { acknowledge } from '../private/acknowledge';
import { nagResource } from '../private/nag-finding';
import { assertInRange } from '../private/validation';
import { ScalerFunction } from '../private/scaler-function';
import { CostAllocationTag, ScalingBudget } from './scaling-budget';

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
   * @default Monday to Friday
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

/** Raising the group's CPU target tracking target under budget pressure. */
export interface TargetUtilizationBand {
  /** The highest target (percent) the optimizer may set; the policy's own target is the lowest. */
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

/** Properties of a {@link CostOptimizer}. */
export interface CostOptimizerProps {
  /** The group the optimizer manages. Its MaxSize is the most capacity the optimizer ever sets. */
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /**
   * The group's launch template. Needed for vertical scaling: the optimizer may only version
   * this template, and is allowed to launch instances from it (instance refresh).
   * @default none: vertical scaling cannot be configured
   */
  readonly launchTemplate?: ec2.LaunchTemplate;
  /**
   * The budget whose spend and forecast drive the optimizer.
   * @default none: give budgetName and budgetLimit
   */
  readonly budget?: ScalingBudget;
  /**
   * Name of an existing monthly cost budget, when no ScalingBudget is given.
   * @default the budget's name
   */
  readonly budgetName?: string;
  /**
   * Monthly limit of that budget (used only if the budget reports none).
   * @default the budget's limit
   */
  readonly budgetLimit?: number;
  /**
   * Topic the error alarm notifies.
   * @default no notification
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Dashboard that gets the optimizer's widgets (expected month-end cost vs limit, capacity cap).
   * @default no widgets
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * The SLO floor: the capacity that must always remain. The optimizer never sets MaxSize below it.
   * @default 1
   */
  readonly floorCapacity?: number;
  /**
   * The cap never goes below what the peak load of the lookback needs at this CPU utilization.
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
   * @default the target is not changed
   */
  readonly targetUtilization?: TargetUtilizationBand;
  /**
   * Shift a mixed instances group's on-demand share toward Spot under budget pressure. The group
   * must have a mixed instances policy (a synthesis error otherwise).
   * @default the share is not changed
   */
  readonly spot?: SpotShiftOptions;
  /**
   * Working hours of a non-production environment: outside them the group runs at the floor.
   * @default the group runs around the clock
   */
  readonly workingHours?: WorkingHoursOptions;
  /**
   * Vertical rightsizing along an instance-type ladder (needs launchTemplate). Utilization whose
   * 95th percentile over the window is below the band moves one step down; whose median is above
   * it, one step up (not while the budget forecast is over).
   * @default no vertical scaling
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
   * @default the whole account's cost
   */
  readonly costAllocationTag?: CostAllocationTag;
  /**
   * What the optimizer does with its decisions.
   * @default CostOptimizerMode.APPLY
   */
  readonly mode?: CostOptimizerMode;
  /**
   * When the optimizer runs. AWS Budgets refreshes its figures a few times a day, so more often
   * than hourly gains little.
   * @default events.Schedule.rate(Duration.hours(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * Period of the utilization datapoints read from CloudWatch.
   * @default Duration.minutes(5)
   */
  readonly utilizationPeriod?: Duration;
  /**
   * MinHealthyPercentage of the instance refresh after a vertical step.
   * @default 90
   */
  readonly refreshMinHealthyPercent?: number;
}

/** The optimizer's metric names (namespace {@link CostOptimizer.METRICS_NAMESPACE}, dimension AutoScalingGroupName). */
const METRIC = {
  EXPECTED_MONTH_END_COST: 'ExpectedMonthEndCost',
  BUDGET_LIMIT: 'BudgetLimit',
  PEAK_CAPACITY_NEEDED: 'PeakCapacityNeeded',
  MINIMUM_CAP_FOR_LOAD: 'MinimumCapForLoad',
  CAPACITY_CAP: 'CapacityCap',
  RUN_ERRORS: 'RunErrors',
} as const;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutesOf(prop: string, value: string): number {
  if (!TIME.test(value)) throw new Error(`${prop} must be 'HH:MM' (24-hour clock), got '${value}'`);
  const [h, m] = value.split(':').map(Number);
  return h * 60 + m;
}

/**
 * A budget-aware controller for an Auto Scaling group: a Lambda function run on a schedule
 * (hourly by default) that reads the month's spend and forecast from AWS Budgets (or Cost
 * Explorer), the group and its CPU utilization, and
 * - when the forecast is over the budget, tightens one step per run: caps MaxSize (never below
 *   the floor nor below what the peak load needs at the emergency utilization), raises the CPU
 *   target within a band, shifts the on-demand share toward Spot;
 * - when it is back under (with hysteresis), restores one step per run, never past the original;
 * - outside a non-production environment's working hours, holds the group at the floor and
 *   restores it before they start;
 * - moves the group one step along an instance-type ladder when utilization stays outside a band
 *   (new launch template version and instance refresh), at most once per interval;
 * - publishes the expected month-end cost and the peak capacity the load needs as metrics.
 *
 * Its state (the original settings, to restore them) is kept in the tag `cost-optimizer:state` on
 * the group. Its Auto Scaling writes are allowed on the managed group only, its launch template
 * writes on the managed template only.
 */
export class CostOptimizer extends Construct {
  /** CloudWatch namespace of the optimizer's metrics. */
  public static readonly METRICS_NAMESPACE = 'CostOptimizer';

  /** The scheduled function. */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** The schedule rule. */
  public readonly rule: events.Rule;
  /** Alarm on the function's errors (a failed run changed nothing and counted RunErrors). */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Name of the budget the optimizer reads. */
  public readonly budgetName: string;
  /** The environment the function runs with (for inspection and tests). */
  public readonly environment: Record<string, string>;

  private readonly groupName: string;

  constructor(scope: Construct, id: string, props: CostOptimizerProps) {
    super(scope, id);
    const group = props.autoScalingGroup;
    this.groupName = group.autoScalingGroupName;

    // ---- validation ---------------------------------------------------------------------------
    if (props.budget && (props.budgetName !== undefined || props.budgetLimit !== undefined)) {
      throw new Error('give either budget or budgetName/budgetLimit, not both');
    }
    if (!props.budget && props.budgetName === undefined) {
      throw new Error('budget (a ScalingBudget) or budgetName is required: the optimizer acts on a budget\'s spend and forecast');
    }
    assertInRange('budgetLimit', props.budgetLimit, 0, Infinity, { lowOpen: true, unit: ' USD' });
    const floor = props.floorCapacity ?? 1;
    assertInRange('floorCapacity', floor, 0, 10_000, { integer: true });
    assertInRange('emergencyUtilizationPercent', props.emergencyUtilizationPercent, 0, 100, { lowOpen: true });
    assertInRange('capStepPercent', props.capStepPercent, 0, 100, { lowOpen: true });
    assertInRange('refreshMinHealthyPercent', props.refreshMinHealthyPercent, 0, 100);
    const tightenAbove = props.tightenAbovePercent ?? 100;
    const restoreBelow = props.restoreBelowPercent ?? 95;
    assertInRange('tightenAbovePercent', tightenAbove, 0, 1000, { lowOpen: true });
    assertInRange('restoreBelowPercent', restoreBelow, 0, 1000);
    if (!Token.isUnresolved(restoreBelow) && !Token.isUnresolved(tightenAbove) && restoreBelow >= tightenAbove) {
      throw new Error(`restoreBelowPercent (${restoreBelow}) must be < tightenAbovePercent (${tightenAbove}): the gap between them is the hysteresis band`);
    }
    if (props.costAllocationTag && (props.spendSource ?? SpendSource.BUDGETS) !== SpendSource.COST_EXPLORER) {
      throw new Error(`costAllocationTag (${props.costAllocationTag.key}) applies only with spendSource COST_EXPLORER, got ${props.spendSource ?? SpendSource.BUDGETS}: AWS Budgets' spend is filtered by the budget's own costAllocationTag`);
    }
    const lookback = props.loadLookback ?? Duration.days(7);
    const stepInterval = props.budgetStepInterval ?? Duration.hours(12);
    if (!stepInterval.isUnresolved() && stepInterval.toSeconds() > 31 * 86400) {
      throw new Error(`budgetStepInterval must be at most 31 days, got ${stepInterval.toHumanString()}`);
    }
    if (!lookback.isUnresolved() && (lookback.toSeconds() < 3600 || lookback.toSeconds() > 14 * 86400)) {
      throw new Error(`loadLookback must be between 1 hour and 14 days, got ${lookback.toHumanString()}`);
    }
    const period = props.utilizationPeriod ?? Duration.minutes(5);
    if (!period.isUnresolved() && (period.toSeconds() < 60 || period.toSeconds() % 60 !== 0)) {
      throw new Error(`utilizationPeriod must be a whole number of minutes, at least 1, got ${period.toHumanString()}`);
    }
    if (props.targetUtilization) {
      assertInRange('targetUtilization.maxPercent', props.targetUtilization.maxPercent, 0, 100, { lowOpen: true });
      assertInRange('targetUtilization.stepPercent', props.targetUtilization.stepPercent, 0, 100, { lowOpen: true });
    }
    if (props.spot) {
      assertInRange('spot.minOnDemandPercent', props.spot.minOnDemandPercent, 0, 100);
      assertInRange('spot.stepPercent', props.spot.stepPercent, 0, 100, { lowOpen: true });
    }
    const cfnGroup = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    if (props.spot) {
      // Checked at synthesis, so that a mixed instances policy set after this construct counts.
      const spot = props.spot;
      this.node.addValidation({
        validate: () => cfnGroup.mixedInstancesPolicy === undefined
          ? [`spot (minOnDemandPercent ${spot.minOnDemandPercent}) needs a group with a mixed instances policy: ${group.node.path} has none, so there is no on-demand share to shift`]
          : [],
      });
    }
    const maxSize = Number(cfnGroup.maxSize);
    if (!Token.isUnresolved(cfnGroup.maxSize) && Number.isFinite(maxSize) && floor > maxSize) {
      throw new Error(`floorCapacity (${floor}) must be <= the group's maxCapacity (${maxSize})`);
    }
    let workingHoursEnv: string | undefined;
    let restoreLeadMinutes: string | undefined;
    if (props.workingHours) {
      const wh = props.workingHours;
      const start = minutesOf('workingHours.startTime', wh.startTime);
      const end = minutesOf('workingHours.endTime', wh.endTime);
      if (end <= start) throw new Error(`workingHours.endTime (${wh.endTime}) must be after workingHours.startTime (${wh.startTime})`);
      const days = wh.days ?? [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY];
      if (days.length === 0) throw new Error('workingHours.days must name at least one day');
      const timeZone = wh.timeZone ?? 'UTC';
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
      } catch {
        throw new Error(`workingHours.timeZone must be an IANA time zone such as 'Europe/Berlin', got '${timeZone}'`);
      }
      const lead = wh.restoreLead ?? Duration.hours(1);
      if (!lead.isUnresolved() && lead.toMinutes({ integral: false }) < 60 && !props.schedule) {
        Annotations.of(this).addWarningV2('cdk-scaling-architecture:costOptimizerRestoreLead',
          `workingHours.restoreLead (${lead.toHumanString()}) is shorter than the hourly schedule: a run may not fall inside it and capacity may be restored after working hours start.`);
      }
      workingHoursEnv = JSON.stringify({ days: [...new Set(days)].sort(), startMinute: start, endMinute: end, timeZone });
      restoreLeadMinutes = String(lead.toMinutes());
    }
    let verticalEnv: string | undefined;
    if (props.vertical) {
      if (!props.launchTemplate) throw new Error('vertical scaling needs launchTemplate: the optimizer moves the group along the ladder by new versions of that template');
      validateVerticalScalingConfig(props.vertical);
      const v = props.vertical;
      if (v.lowerUtilizationPercent * 2 >= v.upperUtilizationPercent) {
        Annotations.of(this).addWarningV2('cdk-scaling-architecture:costOptimizerVerticalBand',
          `vertical lowerUtilizationPercent (${v.lowerUtilizationPercent}) is at least half of upperUtilizationPercent (${v.upperUtilizationPercent}): one step down a ladder that halves the size roughly doubles utilization and may step back up.`);
      }
      verticalEnv = JSON.stringify({
        instanceTypes: v.instanceTypes.map((t) => t.toString()),
        lowerUtilizationPercent: v.lowerUtilizationPercent,
        upperUtilizationPercent: v.upperUtilizationPercent,
        evaluationWindowHours: v.evaluationWindow.toHours({ integral: false }),
        minIntervalHours: v.minInterval.toHours({ integral: false }),
      });
    }

    // ---- function -----------------------------------------------------------------------------
    this.budgetName = props.budget?.budgetName ?? props.budgetName!;
    const limit = props.budget?.limit ?? props.budgetLimit;
    const costTag = props.costAllocationTag;
    const spendSource = props.spendSource ?? SpendSource.BUDGETS;
    this.environment = {
      AUTO_SCALING_GROUP_NAME: group.autoScalingGroupName,
      BUDGET_ACCOUNT_ID: Aws.ACCOUNT_ID,
      BUDGET_NAME: this.budgetName,
      ...(limit !== undefined ? { BUDGET_LIMIT: String(limit) } : {}),
      SPEND_SOURCE: spendSource,
      ...(costTag && spendSource === SpendSource.COST_EXPLORER ? { COST_TAG_KEY: costTag.key, COST_TAG_VALUE: costTag.value } : {}),
      MODE: props.mode ?? CostOptimizerMode.APPLY,
      FLOOR_CAPACITY: String(floor),
      EMERGENCY_UTILIZATION_PERCENT: String(props.emergencyUtilizationPercent ?? 90),
      LOAD_LOOKBACK_HOURS: String(lookback.toHours({ integral: false })),
      TIGHTEN_ABOVE_PERCENT: String(tightenAbove),
      RESTORE_BELOW_PERCENT: String(restoreBelow),
      CAP_STEP_PERCENT: String(props.capStepPercent ?? 10),
      BUDGET_STEP_INTERVAL_HOURS: String(stepInterval.toHours({ integral: false })),
      UTILIZATION_PERIOD_SECONDS: String(period.toSeconds()),
      REFRESH_MIN_HEALTHY_PERCENT: String(props.refreshMinHealthyPercent ?? 90),
      POWERTOOLS_METRICS_NAMESPACE: CostOptimizer.METRICS_NAMESPACE,
      POWERTOOLS_SERVICE_NAME: 'cost-optimizer',
      ...(props.targetUtilization ? {
        TARGET_UTILIZATION_MAX_PERCENT: String(props.targetUtilization.maxPercent),
        TARGET_UTILIZATION_STEP_PERCENT: String(props.targetUtilization.stepPercent ?? 5),
      } : {}),
      ...(props.spot ? {
        SPOT_MIN_ON_DEMAND_PERCENT: String(props.spot.minOnDemandPercent),
        SPOT_STEP_PERCENT: String(props.spot.stepPercent ?? 25),
      } : {}),
      ...(workingHoursEnv ? { WORKING_HOURS: workingHoursEnv, RESTORE_LEAD_MINUTES: restoreLeadMinutes! } : {}),
      ...(verticalEnv ? { VERTICAL_SCALING: verticalEnv, LAUNCH_TEMPLATE_ID: props.launchTemplate!.launchTemplateId! } : {}),
    };

    const fn = new ScalerFunction(this, 'Scaler', {
      handlerName: 'cost-optimizer',
      description: `Budget-aware cost optimizer for an Auto Scaling group (budget ${Token.isUnresolved(this.budgetName) ? 'from the stack' : this.budgetName})`,
      environment: this.environment,
      schedule: props.schedule ?? events.Schedule.rate(Duration.hours(1)),
      alertTopic: props.alertTopic,
      timeout: Duration.minutes(2),
    });
    this.function = fn.function;
    this.role = fn.role;
    this.rule = fn.rule;
    this.errorAlarm = fn.errorAlarm;

    // ---- permissions --------------------------------------------------------------------------
    const stack = Stack.of(this);
    const ack: Array<{ finding: string; reason: string }> = [];
    // Describe* and GetMetricData support no resource-level permissions.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadGroupPoliciesMetricsTemplates',
      actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribePolicies', 'cloudwatch:GetMetricData', 'ec2:DescribeLaunchTemplateVersions'],
      resources: ['*'],
    }));
    ack.push({ finding: 'Resource::*', reason: 'Describe and GetMetricData calls support no resource-level permissions (Auto Scaling, EC2, CloudWatch); write actions are scoped to the managed group and launch template.' });
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadBudget',
      actions: ['budgets:ViewBudget'],
      resources: [Arn.format({ service: 'budgets', region: '', resource: 'budget', resourceName: this.budgetName }, stack)],
    }));
    if (spendSource === SpendSource.COST_EXPLORER) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadCostAndUsage', actions: ['ce:GetCostAndUsage'], resources: ['*'] }));
      ack.push({ finding: 'Resource::*', reason: 'ce:GetCostAndUsage supports no resource-level permissions.' });
    }
    // Writes on the managed group only (its ARN has the group's generated id as a wildcard).
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageGroup',
      actions: [
        'autoscaling:UpdateAutoScalingGroup', 'autoscaling:CreateOrUpdateTags',
        ...(props.targetUtilization ? ['autoscaling:PutScalingPolicy'] : []),
        ...(props.vertical ? ['autoscaling:StartInstanceRefresh'] : []),
      ],
      resources: [group.autoScalingGroupArn],
    }));
    ack.push({ finding: `Resource::${nagResource(this, group.autoScalingGroupArn)}`, reason: 'The managed group\'s ARN: Auto Scaling group ARNs contain a generated id, unknown at deploy time; the group name is fixed.' });

    // Only the vertical step (launch template version, instance refresh) and the Spot shift
    // (MixedInstancesPolicy) send launch template settings; bounds-only updates do not.
    const launches = props.vertical !== undefined || props.spot !== undefined;
    if (props.spot && !props.launchTemplate) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:costOptimizerSpotTemplate',
        'spot is set without launchTemplate: Auto Scaling checks ec2:RunInstances (and iam:PassRole for an instance profile) on the group\'s launch template when the on-demand share is updated; give launchTemplate so that the optimizer is allowed to launch from it.');
    }
    if (props.launchTemplate && launches) {
      const lt = props.launchTemplate;
      const ltArn = Arn.format({ service: 'ec2', resource: 'launch-template', resourceName: lt.launchTemplateId! }, stack);
      if (props.vertical) {
        fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
          sid: 'VersionLaunchTemplate',
          actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
          resources: [ltArn],
        }));
      }
      // UpdateAutoScalingGroup and StartInstanceRefresh on a launch-template group check that the
      // caller could launch from the template (ec2:RunInstances, ec2:CreateTags for its tag
      // specifications, iam:PassRole for its instance profile): allowed for this template only.
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'LaunchFromManagedTemplateOnly',
        actions: ['ec2:RunInstances'],
        resources: ['*'],
        conditions: { ArnLike: { 'ec2:LaunchTemplate': ltArn } },
      }));
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'TagAtLaunchOnly',
        actions: ['ec2:CreateTags'],
        resources: ['*'],
        conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      }));
      if (lt.role) {
        fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
          sid: 'PassInstanceRole',
          actions: ['iam:PassRole'],
          resources: [lt.role.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        }));
      }
      ack.push({ finding: 'Resource::*', reason: 'ec2:RunInstances and ec2:CreateTags are limited by condition to launches from the managed launch template (checked by Auto Scaling when the group or its refresh uses the template).' });
    }
    ack.push({ finding: `Resource::${nagResource(this, fn.logGroup.logGroupArn)}:log-stream:*`, reason: 'The function writes log streams of its own log group only.' });
    const reasons = new Map<string, string>();
    for (const a of ack) reasons.set(a.finding, reasons.has(a.finding) ? `${reasons.get(a.finding)} ${a.reason}` : a.reason);
    for (const [finding, reason] of reasons) {
      acknowledge(fn.role, { id: `AwsSolutions-IAM5[${finding}]`, reason });
    }

    Validations.of(fn.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x: the handler bundle is built and tested for node22 (esbuild target); move with the package, not implicitly.',
    });

    if (props.dashboard) this.addToDashboard(props.dashboard, limit);
  }

  /** A metric the optimizer publishes, for the managed group. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CostOptimizer.METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { AutoScalingGroupName: this.groupName },
      period: Duration.hours(1),
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
  }

  /** Expected month-end cost (AWS Budgets' forecast, or the actual spend extrapolated). */
  public metricExpectedMonthEndCost(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.EXPECTED_MONTH_END_COST, { label: 'Expected month-end cost', ...props });
  }

  /** The budget limit, as the optimizer read it. */
  public metricBudgetLimit(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.BUDGET_LIMIT, { label: 'Budget limit', ...props });
  }

  /** The group's MaxSize after the run (the capacity cap). */
  public metricCapacityCap(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.CAPACITY_CAP, { label: 'Capacity cap (MaxSize)', ...props });
  }

  /** Instances the lookback's peak load needs at the planning utilization. */
  public metricPeakCapacityNeeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.PEAK_CAPACITY_NEEDED, { label: 'Peak capacity needed', ...props });
  }

  /** Instances the peak load needs at the emergency utilization (the lowest cap allowed). */
  public metricMinimumCapForLoad(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.MINIMUM_CAP_FOR_LOAD, { label: 'Lowest cap the load allows', ...props });
  }

  /** 1 for a run that failed (and changed nothing), 0 otherwise. */
  public metricRunErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.RUN_ERRORS, { statistic: cloudwatch.Stats.SUM, label: 'Run errors', ...props });
  }

  /** Adds the optimizer's widgets (expected month-end cost vs limit, capacity cap) to a dashboard. */
  public addToDashboard(dashboard: cloudwatch.Dashboard, limit?: number): void {
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Expected month-end cost vs budget',
        left: [this.metricExpectedMonthEndCost(), this.metricBudgetLimit()],
        ...(limit !== undefined && !Token.isUnresolved(limit)
          ? { leftAnnotations: [{ value: limit, label: 'Budget limit', color: cloudwatch.Color.RED }] } : {}),
        leftYAxis: { min: 0 },
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Capacity cap',
        left: [
          this.metricCapacityCap(),
          this.metricPeakCapacityNeeded(),
          this.metricMinimumCapForLoad(),
          new cloudwatch.Metric({
            namespace: 'AWS/AutoScaling', metricName: 'GroupDesiredCapacity', dimensionsMap: { AutoScalingGroupName: this.groupName },
            statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5), label: 'Desired capacity',
          }),
        ],
        right: [this.metricRunErrors()],
        leftYAxis: { min: 0 },
        width: 12,
      }),
    );
  }
}
