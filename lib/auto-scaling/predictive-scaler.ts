import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  DEFAULT_MISSING_DATA_ALARM_RUNS,
  GROUP_BASELINE_ENV,
  type IsUnresolved,
  PREDICTIVE_SCALER_DEFAULTS,
  PREDICTIVE_SCALER_SETTINGS,
  type PredictiveScalerSettings,
  ecsActionPrefixProblem,
  encodePredictiveScalerEnv,
  missingDataAlarmProblems,
  numberProblem,
  predictiveScalerProblems,
  propError,
  rateSeconds,
  realizedUnservedAlarmWindow,
} from '../../lambda/contract';
import { alarmFor, assertOneDestination } from '../private/alarm-factory';
import { propPrefix } from '../private/prop-path';
import { type GroupConfiguration, groupArnByName, readGroupConfiguration } from '../private/group-baseline';
import { predictiveScalerSettings } from '../private/scaler-settings';
import { targetTrackingPolicies, warnAboutGroup, warmPoolOf } from '../private/group-facts';
import { nagResource } from '../private/nag-finding';
import { coordinationTable } from '../private/coordination-table';
import { ScalerFunction } from '../private/scaler-function';
import { acknowledge } from '../private/acknowledge';
import { type EcsServiceFacts, grantEcsService, readEcsService, warnWithoutManagedScaling } from './ecs-service-target';
import type { PredictiveScalerMode, PredictiveScalerProps } from './predictive-scaler-props';

export * from './predictive-scaler-props';

const GROUP_DIMENSION = 'AutoScalingGroupName';
const METRIC_DECISION_SKIPPED = 'DecisionSkipped';
const isUnresolved: IsUnresolved = (v) => Token.isUnresolved(v);

/**
 * A predictive scaler for an Auto Scaling group: a scheduled Lambda function (Node.js 22, arm64)
 * that reads up to 14 days of the load metric at one-minute resolution, forecasts it with the
 * package's planner (daily/weekly shape, recent level, headroom learned from its own errors) and,
 * in `FORECAST_AND_SCALE` mode, raises the group's MinSize ahead of the load with one-time
 * scheduled actions and raises the desired capacity at once when the load is already there.
 * It never lowers the running capacity and never asks for more than MaxSize; target tracking
 * beside it still handles surprises.
 *
 * The group may be an L2 `AutoScalingGroup` of this app or one imported by name
 * (`AutoScalingGroup.fromAutoScalingGroupName`, then give `minCapacity` and `maxCapacity`). The
 * handler's environment is rendered through the settings contract (`lambda/contract`), which
 * the handler parses with: a setting this construct accepts is one the handler accepts. It
 * includes GROUP_BASELINE: the group's configured MinSize, MaxSize, instance type and its own
 * scheduled actions, so that the handler never infers them from the live group.
 */
export class PredictiveScaler extends Construct {
  /** Default CloudWatch namespace of the scaler's metrics (one scheme with the cost optimizer's: `CdkScalingArchitecture/<construct>`). */
  public static readonly METRICS_NAMESPACE = PREDICTIVE_SCALER_DEFAULTS.metricsNamespace;

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
  /** The EventBridge rule that runs the function. */
  public readonly rule: events.Rule;
  /** Alarm on the function's errors (a run that failed after the SDK's retries), to the alert topic. */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Alarm after `missingDataAlarmRuns` consecutive runs skipped for missing or unusable load data. */
  public readonly missingDataAlarm: cloudwatch.Alarm;
  /**
   * Alarm when the realized unserved share of the last day (`RealizedUnservedPercent`: the load
   * above what the group's instances in service carried) stays above `unservedBudgetPercent` for
   * more than a day (its hourly minimum, 25 hours in a row; with runs more than 30 minutes apart,
   * its minimum over two runs, for one such period more than a day): the budget promised is not the
   * budget kept. A single short burst of misses keeps the rolling day above the budget for a day
   * and does not alarm on its own; misses that recur within a day do. Needs the group's group metrics
   * (GroupInServiceInstances); without them the metric is absent and the alarm stays OK.
   */
  public readonly realizedUnservedAlarm: cloudwatch.Alarm;
  /** The mode the scaler runs in. */
  public readonly mode: PredictiveScalerMode;
  /** The namespace of the scaler's own metrics. */
  public readonly metricsNamespace: string;

  private readonly groupName: string;

  constructor(scope: Construct, id: string, props: PredictiveScalerProps) {
    super(scope, id);
    assertOneDestination(props);
    const path = propPrefix(this);
    const ecsFacts: EcsServiceFacts | undefined = props.ecsService
      ? readEcsService(this, props.ecsService, props.autoScalingGroup, props, warmPoolOf(props.autoScalingGroup) !== undefined)
      : undefined;
    const group = ecsFacts?.configuration ?? readGroupConfiguration(this, props.autoScalingGroup, props);
    if (props.ecsService && props.capacityPerInstance === undefined) {
      throw new Error(
        `${path}capacityPerInstance is required with ${path}ecsService: the load one task of ${props.ecsService.node.path} serves per minute at 100% utilization`,
      );
    }
    const settings = this.validate(
      { ...props, capacityPerInstance: this.capacityPerInstance(props), launchLeadTime: props.launchLeadTime ?? ecsFacts?.defaultLaunchLead },
      group,
    );
    const ecsPrefixProblem =
      props.ecsService && !Token.isUnresolved(settings.actionPrefix) ? ecsActionPrefixProblem(settings.actionPrefix) : undefined;
    if (ecsPrefixProblem) throw new Error(`${path}scheduledActionPrefix ${ecsPrefixProblem}`);
    if (props.ecsService) warnWithoutManagedScaling(this, props.ecsService, props.autoScalingGroup);
    else warnAboutGroup('the predictive scaler', props.autoScalingGroup, group);
    this.mode = settings.mode as PredictiveScalerMode;
    this.metricsNamespace = settings.metricsNamespace;
    this.groupName = settings.groupName;

    const missingDataAlarmRuns = props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS;
    this.coordinationTable = coordinationTable(this, props.autoScalingGroup);
    const scaler = new ScalerFunction(this, 'Scaler', {
      handlerName: 'predictive-scaler',
      description: `Predictive scaler (${this.mode}) for ${props.autoScalingGroup.node.path}`,
      environment: { ...this.renderEnvironment(settings, group), ...ecsFacts?.env },
      schedule: props.schedule ?? events.Schedule.rate(Duration.seconds(PREDICTIVE_SCALER_DEFAULTS.intervalSeconds)),
      alertTopic: props.alertTopic,
      monitor: props.monitor,
      logRetention: props.logRetention,
      // 14 days of one-minute points and the planner's replays: more memory is more CPU.
      memorySize: 512,
      timeout: Duration.minutes(2),
      coordinationTable: this.coordinationTable,
      role: props.role,
      missingData: {
        metric: this.metricDecisionSkipped(),
        runs: missingDataAlarmRuns,
        intervalSeconds: settings.intervalSeconds,
        description: 'no usable load history (run skipped: empty, all-NaN or negative metric, or too short)',
      },
    });
    this.function = scaler.function;
    this.role = scaler.role;
    this.logGroup = scaler.logGroup;
    this.rule = scaler.rule;
    this.errorAlarm = scaler.errorAlarm;
    this.missingDataAlarm = scaler.missingDataAlarm;

    const realizedWindow = realizedUnservedAlarmWindow(settings.intervalSeconds);
    this.realizedUnservedAlarm = alarmFor(props, this, 'RealizedUnservedAlarm', {
      alarmDescription: `predictive scaler: the load left unserved over the last day stayed above the budget (${settings.unservedBudgetPercent}%) for more than a day; see the run log's plan.diagnostics`,
      metric: this.metricRealizedUnservedPercent({ statistic: cloudwatch.Stats.MINIMUM, period: Duration.seconds(realizedWindow.periodSeconds) }),
      threshold: settings.unservedBudgetPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: realizedWindow.periods,
      datapointsToAlarm: realizedWindow.periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // On an ECS service the plan is in tasks: the group's in-service metrics are not read.
    if (!props.ecsService) this.warnWithoutGroupMetrics(props.autoScalingGroup);

    if (props.ecsService) grantEcsService(this, scaler, props.ecsService);
    else this.grant(scaler, props.autoScalingGroup);
    const dashboard = props.dashboard ?? props.monitor?.dashboard;
    if (dashboard) this.addToDashboard(dashboard, props.loadMetric, settings.unservedBudgetPercent);
  }

  /**
   * The load one instance serves at 100% utilization: given, or the group's request-count target
   * tracking target (requests per target per minute, which target tracking holds) divided by
   * the plan's target utilization.
   */
  private capacityPerInstance(props: PredictiveScalerProps): number {
    const path = propPrefix(this);
    if (props.capacityPerInstance !== undefined) return props.capacityPerInstance;
    const policies = targetTrackingPolicies(props.autoScalingGroup).filter((p) => p.predefinedMetricType === 'ALBRequestCountPerTarget');
    const targets = [...new Set(policies.map((p) => p.targetValue))];
    if (policies.length === 0 || targets.length !== 1 || targets[0] === undefined) {
      throw new Error(
        policies.length === 0
          ? `${path}capacityPerInstance is required: the group ${props.autoScalingGroup.node.path} has no request-count target tracking policy (scaleOnRequestCount, ALBRequestCountPerTarget) in this stack to derive it from`
          : `${path}capacityPerInstance is required: the group's request-count target tracking policies (${policies.map((p) => p.path).join(', ')}) do not have one literal target to derive it from`,
      );
    }
    const targetPercent = props.targetUtilizationPercent ?? PREDICTIVE_SCALER_DEFAULTS.targetUtilizationPercent;
    // A token's number stands for a value known at deploy time: dividing by it would synthesize nonsense.
    if (Token.isUnresolved(targetPercent)) {
      throw new Error(
        `${path}capacityPerInstance is required when ${path}targetUtilizationPercent is a token (resolved only at deploy time): it cannot be derived from the request-count target at synth`,
      );
    }
    const utilizationProblem = numberProblem(PREDICTIVE_SCALER_SETTINGS.targetUtilizationPercent, targetPercent);
    if (utilizationProblem) throw propError([utilizationProblem], path)!;
    const derived = (targets[0] * 100) / targetPercent;
    if (!Number.isFinite(derived)) {
      throw new Error(
        `${path}targetUtilizationPercent (${targetPercent}) is too small: the capacityPerInstance derived from the request-count target (${targets[0]} / (targetUtilizationPercent / 100)) is not finite`,
      );
    }
    const m = props.loadMetric;
    if (
      Token.isUnresolved(m.namespace) ||
      Token.isUnresolved(m.metricName) ||
      m.namespace !== 'AWS/ApplicationELB' ||
      m.metricName !== 'RequestCount'
    ) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:predictiveScalerDerivedCapacityUnit',
        `capacityPerInstance is derived from the request-count target tracking target (${targets[0]} requests per target per minute at targetUtilizationPercent ${targetPercent}), but loadMetric is ${m.namespace}/${m.metricName}, not the load balancer's RequestCount: the plan divides that metric by a number of requests. Set capacityPerInstance in the unit of loadMetric (what one instance serves at 100% per minute).`,
      );
    }
    // To a millionth of the load unit: 700 / 0.7 renders as 1000, not 1000.0000000000001.
    return Math.round(derived * 1e6) / 1e6;
  }

  /** Step 1: the props as the handler's settings, checked by the contract (errors name the prop). */
  private validate(props: PredictiveScalerProps & { capacityPerInstance: number }, group: GroupConfiguration): PredictiveScalerSettings {
    const stack = Stack.of(this);
    const path = propPrefix(this);
    const metric = props.loadMetric;
    for (const [what, value, here] of [
      ['account', metric.account, stack.account],
      ['region', metric.region, stack.region],
    ] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && !Token.isUnresolved(here) && value !== here) {
        throw new Error(`${path}loadMetric must be in the scaler's own ${what} (${here}), got ${what} ${value}`);
      }
    }
    if (Token.isUnresolved(metric.namespace) || Token.isUnresolved(metric.metricName)) {
      throw new Error(`${path}loadMetric namespace and metricName must be literals (a metric math expression is not supported)`);
    }
    const settings = predictiveScalerSettings(props, group, warmPoolOf(props.autoScalingGroup) !== undefined);
    const problems = predictiveScalerProblems(settings, isUnresolved);
    // The alarm's period is the run interval: checked once the schedule itself is valid.
    if (!problems.some((p) => p.prop === 'schedule')) {
      problems.push(
        ...missingDataAlarmProblems(props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS, settings.intervalSeconds, isUnresolved),
      );
    }
    const err = propError(problems, path);
    if (err) throw err;
    // The period is not handed down: the function reads one-minute points whatever it is.
    const statistic = metric.statistic;
    const additive = Token.isUnresolved(statistic) || /^(Sum|SampleCount)$/i.test(statistic);
    if (!additive || metric.unit === cloudwatch.Unit.PERCENT) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:predictiveScalerLoadMetricNotAdditive',
        `loadMetric ${metric.namespace}/${metric.metricName} (statistic ${statistic}${metric.unit ? `, unit ${metric.unit}` : ''}) is not a load: the scaler forecasts a sum of requests or work per minute and divides it by capacityPerInstance. Use statistic Sum (e.g. a target group's RequestCount), not an average, extreme, percentile or percentage.`,
      );
    }
    if (props.schedule && rateSeconds(props.schedule.expressionString) === undefined) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:predictiveScalerScheduleNotRate',
        `schedule (${props.schedule.expressionString}) is not a rate: make sure horizon (${settings.horizonSeconds / 60} minutes) spans at least two runs; the missing-data alarm assumes a run every ${settings.intervalSeconds / 60} minutes`,
      );
    }
    return settings;
  }

  /** Step 2: the handler's environment, rendered through the contract, with the group's baseline. */
  private renderEnvironment(settings: PredictiveScalerSettings, group: GroupConfiguration): Record<string, string> {
    const env = encodePredictiveScalerEnv(settings, (v) => Stack.of(this).toJsonString(v));
    env[GROUP_BASELINE_ENV] = group.baselineEnv;
    return env;
  }

  /** Step 3: permissions. Writes only on this group (by name); reads that allow no resource scoping apart. */
  private grant(scaler: ScalerFunction, group: autoscaling.IAutoScalingGroup): void {
    const groupArn = groupArnByName(this, group);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ScaleTheManagedGroup',
        // Only what the handler calls: the batch variants (as AWS's own predictive scaling
        // service-linked role has), not PutScheduledUpdateGroupAction / DeleteScheduledAction.
        actions: ['autoscaling:BatchPutScheduledUpdateGroupAction', 'autoscaling:BatchDeleteScheduledAction', 'autoscaling:SetDesiredCapacity'],
        resources: [groupArn],
      }),
    );
    scaler.allowReadOnly(
      'ReadGroupsAndLoadMetric',
      ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScheduledActions', 'cloudwatch:GetMetricData'],
      'the handler reads the group, its scheduled actions and the load metric.',
    );
    scaler.acknowledgeReadOnly();
    // The scaler's own metrics go out as embedded metric format in its log lines (logs:PutLogEvents
    // on its own log group, granted by ScalerFunction): no cloudwatch:PutMetricData is needed.
    acknowledge(this.role, {
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, groupArn)}]`,
      reason:
        "The managed group's ARN by name: Auto Scaling group ARNs contain a generated id, unknown at deploy time, which the wildcard stands for; the group name is fixed.",
    });
  }

  /** The forecast load for each minute, published by the function before that minute. */
  public metricForecastLoad(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ForecastLoad', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /** The capacity the plan asks for each minute (MinSize floor or desired capacity). */
  public metricPlannedCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PlannedCapacity', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Runs that failed or could not plan (short history, AWS errors), one per run. */
  public metricRunErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RunErrors', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** Immediate SetDesiredCapacity raises. */
  public metricImmediateScaleOuts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ImmediateScaleOuts', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** 1 while an operator holds the group (the pause tag, or bounds no controller wrote): the scaler stands down. */
  public metricOperatorHold(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OperatorHold', { statistic: cloudwatch.Stats.MAXIMUM, label: 'operator hold', ...props });
  }

  /** Runs skipped for missing or unusable load history (one per such run): what the missing-data alarm counts. */
  public metricDecisionSkipped(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(METRIC_DECISION_SKIPPED, { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** Scheduled actions the scaler put on the group (its plan's MinSize floors). */
  public metricScheduledActionsPut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ScheduledActionsPut', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /** Scheduled actions of its own the scaler removed from the group. */
  public metricScheduledActionsRemoved(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ScheduledActionsRemoved', { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5), ...props });
  }

  /**
   * The share of the last day's load, in percent, above what the group's instances in service
   * carried at 100% utilization (GroupInServiceInstances x capacityPerInstance), one value per run.
   */
  public metricRealizedUnservedPercent(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RealizedUnservedPercent', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5), ...props });
  }

  /**
   * The realized share needs GroupInServiceInstances: warn when the group is known not to collect
   * group metrics, or cannot be seen (imported).
   */
  private warnWithoutGroupMetrics(group: autoscaling.IAutoScalingGroup): void {
    this.node.addValidation({
      validate: () => {
        let why: string | undefined;
        if (!(group instanceof autoscaling.AutoScalingGroup)) {
          why = `${group.node.path} is not defined in this app (imported), so the construct cannot see whether it collects group metrics`;
        } else {
          const collection: unknown = Stack.of(group).resolve((group.node.defaultChild as autoscaling.CfnAutoScalingGroup).metricsCollection);
          if (collection === undefined || (Array.isArray(collection) && collection.length === 0))
            why = `${group.node.path} does not collect group metrics`;
        }
        if (why) {
          Annotations.of(this).addWarningV2(
            'cdk-scaling-architecture:predictiveScalerNoCapacityHistory',
            `${why}: without GroupInServiceInstances the predictive scaler cannot measure the load it really left unserved, sizes its headroom from its replay alone and publishes no RealizedUnservedPercent (the alarm on it stays OK). Enable groupMetrics: [autoscaling.GroupMetrics.all()] (ScalingGroup does).`,
          );
        }
        return [];
      },
    });
  }

  /**
   * A metric the scaler publishes (namespace `metricsNamespace`, dimension AutoScalingGroupName
   * = the group's name; one-minute period unless overridden). The `metric*` methods name each one.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName,
      dimensionsMap: { [GROUP_DIMENSION]: this.groupName },
      period: Duration.minutes(1),
      ...props,
    });
  }

  private addToDashboard(dashboard: cloudwatch.Dashboard, load: cloudwatch.Metric, budgetPercent: number): void {
    const inService = new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { [GROUP_DIMENSION]: this.groupName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
      label: 'in service',
    });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Predictive scaler: forecast vs actual load',
        width: 12,
        left: [load.with({ period: Duration.minutes(1), label: 'actual load' }), this.metricForecastLoad({ label: 'forecast load' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Predictive scaler: load left unserved over the last day (%)',
        width: 12,
        left: [this.metricRealizedUnservedPercent({ label: 'realized unserved %' })],
        leftAnnotations: [{ value: budgetPercent, label: 'budget', color: cloudwatch.Color.RED }],
        leftYAxis: { min: 0 },
      }),
      new cloudwatch.GraphWidget({
        title: 'Predictive scaler: planned vs in-service capacity',
        width: 12,
        left: [this.metricPlannedCapacity({ label: 'planned capacity' }), inService],
        // 1 while an operator holds the group (the pause tag, or bounds no controller wrote): the scaler stands down.
        right: [this.metricOperatorHold()],
        leftYAxis: { min: 0 },
      }),
    );
  }
}
