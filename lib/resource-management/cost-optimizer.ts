import { Annotations, Arn, Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  COST_OPTIMIZER_DEFAULTS,
  type CostOptimizerSettings,
  DEFAULT_MISSING_DATA_ALARM_RUNS,
  GROUP_BASELINE_ENV,
  costOptimizerProblems,
  encodeCostOptimizerEnv,
  missingDataAlarmProblems,
  propError,
  rateSeconds,
} from '../../lambda/contract';
import { launchTemplateOf } from '../auto-scaling/group-features';
import { targetTrackingPolicies, warnAboutGroup } from '../private/group-facts';
import { ecsTaskCapEnv, grantEcsTaskCap } from './ecs-task-cap';
import { type GroupConfiguration, groupArnByName, readGroupConfiguration } from '../private/group-baseline';
import { costOptimizerSettings } from '../private/scaler-settings';
import { nagResource } from '../private/nag-finding';
import { coordinationTable } from '../private/coordination-table';
import { ScalerFunction } from '../private/scaler-function';
import { checkBudgetScope } from './spend-scope';
import { acknowledge } from '../private/acknowledge';
import { type CostOptimizerProps, SpendSource } from './cost-optimizer-props';
import { alarmFor, assertOneDestination } from '../private/alarm-factory';
import { propPrefix } from '../private/prop-path';

export * from './cost-optimizer-props';

/** The optimizer's metric names (namespace {@link CostOptimizer.METRICS_NAMESPACE}, dimension AutoScalingGroupName). */
const METRIC = {
  EXPECTED_MONTH_END_COST: 'ExpectedMonthEndCost',
  BUDGET_LIMIT: 'BudgetLimit',
  PEAK_CAPACITY_NEEDED: 'PeakCapacityNeeded',
  MINIMUM_CAP_FOR_LOAD: 'MinimumCapForLoad',
  CAPACITY_CAP: 'CapacityCap',
  MISSING_DATA: 'MissingData',
  RUN_ERRORS: 'RunErrors',
  FORECAST_OVERRUN_PERCENT: 'ForecastOverrunPercent',
  ACTUAL_SPEND: 'ActualSpend',
  FORECAST_PERCENT_OF_LIMIT: 'ForecastPercentOfLimit',
  ACTIONS_DECIDED: 'ActionsDecided',
  ACTIONS_APPLIED: 'ActionsApplied',
  OPERATOR_HOLD: 'OperatorHold',
} as const;

const DEFAULT_SCHEDULE_SECONDS = 3600;

/**
 * A budget-aware controller for an Auto Scaling group: a Lambda function run on a schedule
 * (hourly by default) that reads the month's spend and forecast from AWS Budgets (or Cost
 * Explorer), the group and its CPU utilization, and
 * - when the forecast is over the budget, tightens one step per run: caps MaxSize (never below
 *   the floor, nor, in availability-first mode, below what the peak load needs at the emergency
 *   utilization), raises the CPU
 *   target within a band, shifts the on-demand share toward Spot;
 * - when it is back under (with hysteresis), restores one step per run, never past the original;
 * - outside a non-production environment's working hours, holds the group at the floor and
 *   restores it before they start;
 * - moves the group one step along an instance-type ladder when utilization stays outside a band
 *   (new launch template version and instance refresh), at most once per interval;
 * - publishes the expected month-end cost and the peak capacity the load needs as metrics.
 *
 * The group may be an L2 `AutoScalingGroup` of this app or one imported by name (then give
 * `minCapacity` and `maxCapacity`). The handler's environment is rendered through the settings
 * contract (`lambda/contract`), which the handler parses with, and carries GROUP_BASELINE (the
 * group's configured MinSize, MaxSize, instance type and own scheduled actions). Its Auto Scaling
 * writes are allowed on the managed group only, its launch template writes on the managed
 * template only.
 */
export class CostOptimizer extends Construct {
  /** Default CloudWatch namespace of the optimizer's metrics (one scheme with the predictive scaler's: `CdkScalingArchitecture/<construct>`). */
  public static readonly METRICS_NAMESPACE = COST_OPTIMIZER_DEFAULTS.metricsNamespace;

  /** The scheduled function. */
  /**
   * The group's coordination table, shared with the other scaler function of the same group in
   * this stack: the lease both take before acting, and the key that signs the cost optimizer's state.
   */
  public readonly coordinationTable: dynamodb.ITable;
  public readonly function: lambda.Function;
  /** The function's execution role: `role` when given, else the one created. */
  public readonly role: iam.IRole;
  /** The function's log group (one structured line per run), with retention. */
  public readonly logGroup: logs.LogGroup;
  /** The schedule rule. */
  public readonly rule: events.Rule;
  /** Alarm on the function's errors (a failed run changed nothing and counted RunErrors). */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Alarm after `missingDataAlarmRuns` consecutive runs without utilization data. */
  public readonly missingDataAlarm: cloudwatch.Alarm;
  /**
   * Alarm when the spend plan expects the month to end over the budget for two runs in a row:
   * with `BudgetMode.AVAILABILITY_FIRST` the load's needs are kept and the overrun is reported
   * here; with `BudgetMode.HARD` it fires only when even the floor capacity overruns.
   */
  public readonly forecastOverrunAlarm: cloudwatch.Alarm;
  /** The namespace of the optimizer's own metrics. */
  public readonly metricsNamespace: string;
  /** Name of the budget the optimizer reads. */
  public readonly budgetName: string;
  /** Key of the group tag the optimizer keeps its state in (see `PredictiveScalerProps.costOptimizerStateTagKey`). */
  public readonly stateTagKey: string;

  private readonly groupName: string;

  constructor(scope: Construct, id: string, props: CostOptimizerProps) {
    super(scope, id);
    assertOneDestination(props);
    // The group's own launch template when none is given (an L2 group of this app).
    const launchTemplate =
      props.launchTemplate ?? (props.autoScalingGroup instanceof autoscaling.AutoScalingGroup ? launchTemplateOf(props.autoScalingGroup) : undefined);
    props = { ...props, launchTemplate };
    const group = readGroupConfiguration(this, props.autoScalingGroup, props, () =>
      launchTemplate instanceof ec2.LaunchTemplate ? launchTemplate.instanceType?.toString() : undefined,
    );
    const intervalSeconds = (props.schedule && rateSeconds(props.schedule.expressionString)) ?? DEFAULT_SCHEDULE_SECONDS;
    const settings = this.validate(props, group, intervalSeconds);
    // On an ECS service the cap is the point (managed scaling keeps within it): no warning about the capacity provider.
    if (!props.ecsService) warnAboutGroup('the cost optimizer', props.autoScalingGroup, group);
    this.groupName = settings.groupName;
    this.budgetName = settings.budgetName;
    this.metricsNamespace = settings.metricsNamespace;
    this.stateTagKey = settings.stateTagKey;

    this.coordinationTable = coordinationTable(this, props.autoScalingGroup);
    const scaler = new ScalerFunction(this, 'Scaler', {
      handlerName: 'cost-optimizer',
      description: `Budget-aware cost optimizer for an Auto Scaling group (budget ${Token.isUnresolved(this.budgetName) ? 'from the stack' : this.budgetName})`,
      environment: {
        ...this.renderEnvironment(settings, group),
        ...(props.ecsService ? ecsTaskCapEnv(this, props.ecsService, props.autoScalingGroup, group.maxSize) : {}),
      },
      schedule: props.schedule ?? events.Schedule.rate(Duration.seconds(DEFAULT_SCHEDULE_SECONDS)),
      alertTopic: props.alertTopic,
      monitor: props.monitor,
      logRetention: props.logRetention,
      timeout: Duration.minutes(2),
      coordinationTable: this.coordinationTable,
      role: props.role,
      missingData: {
        metric: this.metricMissingData(),
        runs: intervalSeconds > 86_400 ? 1 : (props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS),
        intervalSeconds: Math.min(intervalSeconds, 86_400),
        description: 'no CPU utilization data for the group',
      },
    });
    this.function = scaler.function;
    this.role = scaler.role;
    this.logGroup = scaler.logGroup;
    this.rule = scaler.rule;
    this.errorAlarm = scaler.errorAlarm;
    this.missingDataAlarm = scaler.missingDataAlarm;

    this.forecastOverrunAlarm = this.createForecastOverrunAlarm(props, Math.min(intervalSeconds, 86_400));

    this.grant(scaler, props, settings);
    if (props.ecsService) grantEcsTaskCap(this, scaler, props.ecsService.service);
    const dashboard = props.dashboard ?? props.monitor?.dashboard;
    if (dashboard) this.addToDashboard(dashboard, settings.budgetLimit);
  }

  /** The spend plan's month-end overrun, reported for two runs in a row, to the alert topic. */
  private createForecastOverrunAlarm(props: CostOptimizerProps, periodSeconds: number): cloudwatch.Alarm {
    return alarmFor(props, this, 'ForecastOverrunAlarm', {
      alarmDescription: `Cost optimizer for ${this.groupName}: the spend plan expects the month to end over budget ${this.budgetName} (ForecastOverrunPercent > 0 for 2 runs)`,
      metric: this.metricForecastOverrunPercent({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.seconds(periodSeconds) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Step 1: the props as the handler's settings, checked by the contract (errors name the prop). */
  private validate(props: CostOptimizerProps, group: GroupConfiguration, intervalSeconds: number): CostOptimizerSettings {
    const path = propPrefix(this);
    if (!props.budget) {
      throw new Error(
        `${path}budget is required: the optimizer acts on a budget's spend and forecast (a ScalingBudget, or ScalingBudget.fromBudgetName for an existing one)`,
      );
    }
    if (props.launchTemplate && props.launchTemplate.launchTemplateId === undefined) {
      throw new Error(
        `${path}launchTemplate (${props.launchTemplate.node.path}) has no launchTemplateId: the optimizer's IAM conditions and the handler address the template by id; import it with ec2.LaunchTemplate.fromLaunchTemplateAttributes({ launchTemplateId })`,
      );
    }
    if (props.vertical && !props.launchTemplate) {
      throw new Error(
        `${path}vertical scaling needs ${path}launchTemplate: the optimizer moves the group along the ladder by new versions of that template (found by launchTemplateOf for an aws-cdk-lib AutoScalingGroup of this app; give it for an imported group or one with a launch configuration)`,
      );
    }
    const settings = costOptimizerSettings(props, group, path);
    const err = propError(
      [
        ...costOptimizerProblems(settings, (v) => Token.isUnresolved(v)),
        ...(intervalSeconds > 86_400
          ? []
          : missingDataAlarmProblems(props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS, intervalSeconds, (v) => Token.isUnresolved(v))),
      ],
      path,
    );
    if (intervalSeconds > 86_400)
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:costOptimizerSchedule',
        `${path}schedule runs less than once a day (${props.schedule?.expressionString}): the missing-data alarm evaluates one run per day`,
      );
    if (err) throw err;
    checkBudgetScope(this, props, settings, path);
    this.warn(props, group, settings);
    return settings;
  }

  /** Warnings for settings that are valid but likely not what was meant. */
  private warn(props: CostOptimizerProps, group: GroupConfiguration, settings: CostOptimizerSettings): void {
    if (props.spot) {
      const spot = props.spot;
      const cfnGroup = group.cfnGroup;
      if (cfnGroup) {
        // Checked at synthesis, so that a mixed instances policy set after this construct counts.
        this.node.addValidation({
          validate: () =>
            cfnGroup.mixedInstancesPolicy === undefined
              ? [
                  `spot (minOnDemandPercent ${spot.minOnDemandPercent}) needs a group with a mixed instances policy: ${props.autoScalingGroup.node.path} has none, so there is no on-demand share to shift`,
                ]
              : [],
        });
      }
      if (!props.launchTemplate) {
        Annotations.of(this).addWarningV2(
          'cdk-scaling-architecture:costOptimizerSpotTemplate',
          "spot is set without launchTemplate: Auto Scaling checks ec2:RunInstances (and iam:PassRole for an instance profile) on the group's launch template when the on-demand share is updated; give launchTemplate so that the optimizer is allowed to launch from it.",
        );
      }
    }
    if (settings.workingHours && settings.restoreLeadSeconds < 3600 && !props.schedule) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:costOptimizerRestoreLead',
        `workingHours.restoreLead (${props.workingHours?.restoreLead?.toHumanString()}) is shorter than the hourly schedule: a run may not fall inside it and capacity may be restored after working hours start.`,
      );
    }
    const band = props.targetUtilizationBand;
    if (band && group.cfnGroup) {
      // Checked at synthesis, so that a policy added after this construct counts.
      this.node.addValidation({
        validate: () => {
          if (!targetTrackingPolicies(props.autoScalingGroup).some((p) => p.predefinedMetricType === 'ASGAverageCPUUtilization')) {
            Annotations.of(this).addWarningV2(
              'cdk-scaling-architecture:costOptimizerNoCpuTargetTracking',
              `targetUtilizationBand (maxPercent ${band.maxPercent}) raises the target of the group's CPU target tracking policy, but ${props.autoScalingGroup.node.path} has none in this stack (scaleOnCpuUtilization, ASGAverageCPUUtilization): the handler finds none and the lever does nothing.`,
            );
          }
          return [];
        },
      });
    }
    const v = props.vertical;
    if (v && v.lowerUtilizationPercent * 2 >= v.upperUtilizationPercent) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:costOptimizerVerticalBand',
        `vertical lowerUtilizationPercent (${v.lowerUtilizationPercent}) is at least half of upperUtilizationPercent (${v.upperUtilizationPercent}): one step down a ladder that halves the size roughly doubles utilization and may step back up.`,
      );
    }
  }

  /** Step 2: the handler's environment, rendered through the contract, with the group's baseline. */
  private renderEnvironment(settings: CostOptimizerSettings, group: GroupConfiguration): Record<string, string> {
    const env = encodeCostOptimizerEnv(settings);
    env[GROUP_BASELINE_ENV] = group.baselineEnv;
    return env;
  }

  /** Step 3: permissions. Writes on the managed group and template only; reads apart. */
  private grant(scaler: ScalerFunction, props: CostOptimizerProps, settings: CostOptimizerSettings): void {
    const stack = Stack.of(this);
    scaler.allowReadOnly(
      'ReadGroupPoliciesMetricsTemplates',
      [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribePolicies',
        'autoscaling:DescribeScheduledActions',
        'cloudwatch:GetMetricData',
        'ec2:DescribeLaunchTemplateVersions',
        ...(props.vertical ? ['autoscaling:DescribeInstanceRefreshes'] : []),
      ],
      'the handler reads the group, its scaling policies and pending scheduled actions (the floor they will set), its CPU utilization, its launch template versions and (with vertical scaling) whether an instance refresh runs.',
    );
    if (settings.spendSource === (SpendSource.COST_EXPLORER as string)) {
      scaler.allowReadOnly(
        'ReadCostAndUsage',
        ['ce:GetCostAndUsage'],
        "Cost Explorer's month-to-date cost (filtered by the cost allocation tag when given).",
      );
    }
    scaler.acknowledgeReadOnly();
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBudget',
        actions: ['budgets:ViewBudget'],
        resources: [Arn.format({ service: 'budgets', region: '', resource: 'budget', resourceName: settings.budgetName }, stack)],
      }),
    );
    const groupArn = groupArnByName(this, props.autoScalingGroup);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ManageGroup',
        actions: [
          'autoscaling:UpdateAutoScalingGroup',
          'autoscaling:CreateOrUpdateTags',
          // Also without targetUtilizationBand: a redeploy that removes it has the next run set a CPU
          // target the optimizer raised back to the original (on this group's policies only).
          'autoscaling:PutScalingPolicy',
          ...(props.vertical ? ['autoscaling:StartInstanceRefresh'] : []),
        ],
        resources: [groupArn],
      }),
    );
    acknowledge(this.role, {
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, groupArn)}]`,
      reason:
        "The managed group's ARN by name: Auto Scaling group ARNs contain a generated id, unknown at deploy time, which the wildcard stands for; the group name is fixed.",
    });
    // Only the vertical step (launch template version, instance refresh) and the Spot shift
    // (MixedInstancesPolicy) send launch template settings; bounds-only updates do not.
    const launches = props.vertical !== undefined || props.spot !== undefined;
    if (props.launchTemplate && launches) this.grantLaunchFromTemplate(scaler, props.launchTemplate, props.vertical !== undefined);
  }

  /**
   * UpdateAutoScalingGroup and StartInstanceRefresh on a launch-template group check that the
   * caller could launch from the template (ec2:RunInstances, ec2:CreateTags for its tag
   * specifications, iam:PassRole for its instance profile): allowed for this template only.
   */
  private grantLaunchFromTemplate(scaler: ScalerFunction, lt: ec2.ILaunchTemplate, versions: boolean): void {
    const ltArn = Arn.format({ service: 'ec2', resource: 'launch-template', resourceName: lt.launchTemplateId! }, Stack.of(this));
    if (versions) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'VersionLaunchTemplate',
          actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
          resources: [ltArn],
        }),
      );
    }
    scaler.allowWithCondition(
      'LaunchFromManagedTemplatePolicy',
      [
        new iam.PolicyStatement({
          sid: 'LaunchFromManagedTemplateOnly',
          actions: ['ec2:RunInstances'],
          resources: ['*'],
          conditions: { ArnLike: { 'ec2:LaunchTemplate': ltArn } },
        }),
        new iam.PolicyStatement({
          sid: 'TagAtLaunchOnly',
          actions: ['ec2:CreateTags'],
          resources: ['*'],
          conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
        }),
      ],
      'ec2:RunInstances is allowed only with the managed launch template (condition ec2:LaunchTemplate) and ec2:CreateTags only on resources being launched (condition ec2:CreateAction = RunInstances): Auto Scaling checks both when the group or its instance refresh uses the template; launches need Resource "*" for the instance, volume and network interface ARNs they create.',
    );
    // The instance role is known for a template of this app only (ILaunchTemplate does not carry it).
    const instanceRole = lt instanceof ec2.LaunchTemplate ? lt.role : undefined;
    if (!(lt instanceof ec2.LaunchTemplate)) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:costOptimizerImportedTemplate',
        `launchTemplate ${lt.node.path} is imported: its instance profile's role is not known here, so the optimizer is not allowed iam:PassRole on it. If the template has an instance profile, allow it (optimizer.role.addToPrincipalPolicy, iam:PassRole with iam:PassedToService ec2.amazonaws.com), or the launches it starts are refused.`,
      );
    }
    if (instanceRole) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'PassInstanceRole',
          actions: ['iam:PassRole'],
          resources: [instanceRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        }),
      );
    }
  }

  /**
   * A metric the optimizer publishes (namespace `metricsNamespace`, dimension AutoScalingGroupName
   * = the group's name; hourly Maximum unless overridden). The `metric*` methods name each one.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
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

  /** Instances the peak load needs at the emergency utilization (the lowest cap allowed in availability-first mode). */
  public metricMinimumCapForLoad(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.MINIMUM_CAP_FOR_LOAD, { label: 'Lowest cap the load allows', ...props });
  }

  /** The month's actual spend so far, as the optimizer read it (AWS Budgets or Cost Explorer). */
  public metricActualSpend(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ACTUAL_SPEND, { label: 'Actual spend', ...props });
  }

  /** The expected month-end cost in percent of the budget limit. */
  public metricForecastPercentOfLimit(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.FORECAST_PERCENT_OF_LIMIT, { label: 'Forecast % of limit', ...props });
  }

  /**
   * How far, in percent of the limit, the spend plan expects the month to end over the budget (0
   * when it fits): what `forecastOverrunAlarm` watches.
   */
  public metricForecastOverrunPercent(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.FORECAST_OVERRUN_PERCENT, props);
  }

  /** Actions the run decided (cap, target, on-demand share, vertical step, off-hours). */
  public metricActionsDecided(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ACTIONS_DECIDED, { statistic: cloudwatch.Stats.SUM, label: 'Actions decided', ...props });
  }

  /** Actions the run applied to the group (none outside APPLY mode). */
  public metricActionsApplied(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.ACTIONS_APPLIED, { statistic: cloudwatch.Stats.SUM, label: 'Actions applied', ...props });
  }

  /** 1 for a run without CPU utilization data for the group: what the missing-data alarm counts. */
  public metricMissingData(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.MISSING_DATA, props);
  }

  /** 1 while an operator holds the group (the pause tag, or bounds no controller wrote): the run acts on nothing. */
  public metricOperatorHold(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC.OPERATOR_HOLD, { label: 'Operator hold', ...props });
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
          ? { leftAnnotations: [{ value: limit, label: 'Budget limit', color: cloudwatch.Color.RED }] }
          : {}),
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
            namespace: 'AWS/AutoScaling',
            metricName: 'GroupDesiredCapacity',
            dimensionsMap: { AutoScalingGroupName: this.groupName },
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(5),
            label: 'Desired capacity',
          }),
        ],
        // OperatorHold: 1 while an operator holds the group (the pause tag, or bounds no controller wrote).
        right: [this.metricRunErrors(), this.metricOperatorHold()],
        leftYAxis: { min: 0 },
        width: 12,
      }),
    );
  }
}
