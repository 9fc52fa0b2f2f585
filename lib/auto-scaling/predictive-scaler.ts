import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  DEFAULT_MISSING_DATA_ALARM_RUNS, GROUP_BASELINE_ENV, IsUnresolved, PREDICTIVE_SCALER_DEFAULTS, PredictiveScalerSettings, encodePredictiveScalerEnv,
  missingDataAlarmProblems, predictiveScalerProblems, propError, rateSeconds,
} from '../../lambda/contract';
import { GroupConfiguration, groupArnByName, readGroupConfiguration } from '../private/group-baseline';
import { predictiveScalerSettings } from '../private/scaler-settings';
import { nagResource } from '../private/nag-finding';
import { ScalerFunction } from '../private/scaler-function';
import { acknowledge } from '../private/acknowledge';

/** What the predictive scaler does with its plan. */
export enum PredictiveScalerMode {
  /** Publish the forecast and the planned capacity as metrics, change nothing (as AWS predictive scaling starts). */
  FORECAST_ONLY = 'forecast-only',
  /** Also apply the plan: raise capacity now when needed and schedule the plan's MinSize floors. */
  FORECAST_AND_SCALE = 'forecast-and-scale',
}

/** Props of {@link PredictiveScaler}. */
export interface PredictiveScalerProps {
  /**
   * The group to plan for. The scaler sets its capacity through one-time scheduled actions
   * (named with `scheduledActionPrefix`) and SetDesiredCapacity; run target tracking beside it.
   */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;

  /**
   * The group's configured MinSize, which the scaler restores when a plan's raised floor ends.
   * Needed only when the construct cannot read it: an imported group, or a MinSize that is not a
   * literal (it must then equal the group's when both are known).
   *
   * @default the group's own MinSize (an error asks for it when it cannot be read)
   */
  readonly minCapacity?: number;

  /**
   * The group's configured MaxSize, the most capacity a plan asks for. Needed only when the
   * construct cannot read it (see `minCapacity`).
   *
   * @default the group's own MaxSize (an error asks for it when it cannot be read)
   */
  readonly maxCapacity?: number;

  /**
   * The load metric to forecast, e.g. `LoadDistribution.metricRequestCount()` (a target group's
   * RequestCount, statistic Sum). It is read at a one-minute period in the function's own
   * account and region, whatever the metric's period.
   */
  readonly loadMetric: cloudwatch.Metric;

  /**
   * The load one instance serves per minute at 100% utilization, in the load metric's unit
   * (e.g. requests per minute). Must be > 0.
   */
  readonly capacityPerInstance: number;

  /**
   * The utilization the plan runs the group at, in (0, 1].
   *
   * @default 0.7
   */
  readonly targetUtilization?: number;

  /**
   * The share of the load, in percent, that may exceed the planned capacity at 100% utilization:
   * the planner sizes its headroom so that its own replayed errors leave at most this much load
   * unserved. 0 to 50.
   *
   * @default 0.1 (DEFAULT_UNSERVED_BUDGET_PERCENT, chosen from the measured frontier, see docs/predictive-scaler.md)
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
   * @default Duration.days(1), or historyDuration when shorter
   */
  readonly minimumHistory?: Duration;

  /**
   * Time from launching an instance until it serves, 0 to 1 hour: the plan asks for capacity this
   * much ahead of the load.
   *
   * @default the group's default instance warmup when set as a literal, otherwise Duration.minutes(5)
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
   * Topic the function's error and missing-data alarms notify.
   *
   * @default no notification (the alarm is still created)
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Dashboard to add a row to: forecast vs actual load, planned vs in-service capacity.
   *
   * @default no widgets
   */
  readonly dashboard?: cloudwatch.Dashboard;

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
}

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
  /** The scheduled function. */
  public readonly function: lambda.Function;
  /** The function's role. */
  public readonly role: iam.Role;
  /** The function's log group (one structured line per run), with retention. */
  public readonly logGroup: logs.LogGroup;
  /** The EventBridge rule that runs the function. */
  public readonly rule: events.Rule;
  /** Alarm on the function's errors (a run that failed after the SDK's retries), to the alert topic. */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Alarm after `missingDataAlarmRuns` consecutive runs skipped for missing or unusable load data. */
  public readonly missingDataAlarm: cloudwatch.Alarm;
  /** The mode the scaler runs in. */
  public readonly mode: PredictiveScalerMode;
  /** The namespace of the scaler's own metrics. */
  public readonly metricsNamespace: string;

  private readonly groupName: string;

  constructor(scope: Construct, id: string, props: PredictiveScalerProps) {
    super(scope, id);
    const group = readGroupConfiguration(this, props.autoScalingGroup, props);
    const settings = this.validate(props, group);
    this.mode = settings.mode as PredictiveScalerMode;
    this.metricsNamespace = settings.metricsNamespace;
    this.groupName = settings.groupName;

    const missingDataAlarmRuns = props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS;
    const scaler = new ScalerFunction(this, 'Scaler', {
      handlerName: 'predictive-scaler',
      description: `Predictive scaler (${this.mode}) for ${props.autoScalingGroup.node.path}`,
      environment: this.renderEnvironment(settings, group),
      schedule: props.schedule ?? events.Schedule.rate(Duration.seconds(PREDICTIVE_SCALER_DEFAULTS.intervalSeconds)),
      alertTopic: props.alertTopic,
      logRetention: props.logRetention,
      // 14 days of one-minute points and the planner's replays: more memory is more CPU.
      memorySize: 512,
      timeout: Duration.minutes(2),
      missingData: {
        metric: this.metric(METRIC_DECISION_SKIPPED, { statistic: cloudwatch.Stats.SUM }),
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

    this.grant(scaler, props.autoScalingGroup);
    if (props.dashboard) this.addToDashboard(props.dashboard, props.loadMetric);
  }

  /** Step 1: the props as the handler's settings, checked by the contract (errors name the prop). */
  private validate(props: PredictiveScalerProps, group: GroupConfiguration): PredictiveScalerSettings {
    const stack = Stack.of(this);
    const metric = props.loadMetric;
    for (const [what, value, here] of [['account', metric.account, stack.account], ['region', metric.region, stack.region]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && !Token.isUnresolved(here) && value !== here) {
        throw new Error(`loadMetric must be in the scaler's own ${what} (${here}), got ${what} ${value}`);
      }
    }
    if (Token.isUnresolved(metric.namespace) || Token.isUnresolved(metric.metricName)) {
      throw new Error('loadMetric namespace and metricName must be literals (a metric math expression is not supported)');
    }
    const settings = predictiveScalerSettings(props, group);
    const problems = predictiveScalerProblems(settings, isUnresolved);
    // The alarm's period is the run interval: checked once the schedule itself is valid.
    if (!problems.some((p) => p.prop === 'schedule')) {
      problems.push(...missingDataAlarmProblems(props.missingDataAlarmRuns ?? DEFAULT_MISSING_DATA_ALARM_RUNS, settings.intervalSeconds));
    }
    const err = propError(problems);
    if (err) throw err;
    if (!metric.period.isUnresolved() && metric.period.toSeconds() !== 60) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:predictiveScalerLoadMetricPeriod',
        `loadMetric has a period of ${metric.period.toHumanString()}; the predictive scaler reads it per minute, so capacityPerInstance (${props.capacityPerInstance}) must be the load per instance per minute`);
    }
    if (props.schedule && rateSeconds(props.schedule.expressionString) === undefined) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:predictiveScalerScheduleNotRate',
        `schedule (${props.schedule.expressionString}) is not a rate: make sure horizon (${settings.horizonSeconds / 60} minutes) spans at least two runs; the missing-data alarm assumes a run every ${settings.intervalSeconds / 60} minutes`);
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
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ScaleTheManagedGroup',
      // Only what the handler calls: the batch variants (as AWS's own predictive scaling
      // service-linked role has), not PutScheduledUpdateGroupAction / DeleteScheduledAction.
      actions: [
        'autoscaling:BatchPutScheduledUpdateGroupAction',
        'autoscaling:BatchDeleteScheduledAction',
        'autoscaling:SetDesiredCapacity',
      ],
      resources: [groupArn],
    }));
    scaler.allowReadOnly('ReadGroupsAndLoadMetric',
      ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScheduledActions', 'cloudwatch:GetMetricData'],
      'the handler reads the group, its scheduled actions and the load metric.');
    scaler.acknowledgeReadOnly();
    // The scaler's own metrics go out as embedded metric format in its log lines (logs:PutLogEvents
    // on its own log group, granted by ScalerFunction): no cloudwatch:PutMetricData is needed.
    acknowledge(this.role, {
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, groupArn)}]`,
      reason: 'The managed group\'s ARN by name: Auto Scaling group ARNs contain a generated id, unknown at deploy time, which the wildcard stands for; the group name is fixed.',
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

  private metric(metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName,
      dimensionsMap: { [GROUP_DIMENSION]: this.groupName },
      period: Duration.minutes(1),
      ...props,
    });
  }

  private addToDashboard(dashboard: cloudwatch.Dashboard, load: cloudwatch.Metric): void {
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
        left: [
          load.with({ period: Duration.minutes(1), label: 'actual load' }),
          this.metricForecastLoad({ label: 'forecast load' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Predictive scaler: planned vs in-service capacity',
        width: 12,
        left: [this.metricPlannedCapacity({ label: 'planned capacity' }), inService],
        leftYAxis: { min: 0 },
      }),
    );
  }
}
