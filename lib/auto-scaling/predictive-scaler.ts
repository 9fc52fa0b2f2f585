import { Annotations, ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../private/acknowledge';
import { nagResource } from '../private/nag-finding';
import { ScalerFunction } from '../private/scaler-function';
import { assertDurationRange, assertInRange, assertInteger } from '../private/validation';

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
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;

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
   * Topic the function's error alarm notifies.
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

const DEFAULT_NAMESPACE = 'CdkScalingArchitecture/PredictiveScaler';
const DEFAULT_PREFIX = 'predictive-scaler-';
const GROUP_DIMENSION = 'AutoScalingGroupName';

/**
 * A predictive scaler for an Auto Scaling group: a scheduled Lambda function (Node.js 22, arm64)
 * that reads up to 14 days of the load metric at one-minute resolution, forecasts it with the
 * package's planner (daily/weekly shape, recent level, headroom learned from its own errors) and,
 * in `FORECAST_AND_SCALE` mode, raises the group's MinSize ahead of the load with one-time
 * scheduled actions and raises the desired capacity at once when the load is already there.
 * It never lowers the running capacity and never asks for more than MaxSize; target tracking
 * beside it still handles surprises.
 *
 * Handler environment (set here): AUTO_SCALING_GROUP_NAME, LOAD_METRIC_NAMESPACE,
 * LOAD_METRIC_NAME, LOAD_METRIC_DIMENSIONS (JSON), LOAD_METRIC_STATISTIC, CAPACITY_PER_INSTANCE,
 * TARGET_UTILIZATION, SCALING_MODE, DRY_RUN, HISTORY_SECONDS, MIN_HISTORY_SECONDS,
 * LAUNCH_LEAD_SECONDS, HORIZON_SECONDS, SCHEDULE_INTERVAL_SECONDS, BASE_MIN_CAPACITY (when the
 * group's MinSize is a literal), SCHEDULED_ACTION_PREFIX, MAX_SCHEDULED_ACTIONS,
 * POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME.
 */
export class PredictiveScaler extends Construct {
  /** The scheduled function. */
  public readonly function: lambda.Function;
  /** The function's role. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The EventBridge rule that runs the function. */
  public readonly rule: events.Rule;
  /** Alarm on the function's errors (a run that failed after the SDK's retries), to the alert topic. */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** The mode the scaler runs in. */
  public readonly mode: PredictiveScalerMode;
  /** The namespace of the scaler's own metrics. */
  public readonly metricsNamespace: string;

  private readonly groupName: string;

  constructor(scope: Construct, id: string, props: PredictiveScalerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const asg = props.autoScalingGroup;
    const cfnGroup = asg.node.defaultChild as autoscaling.CfnAutoScalingGroup;

    // --- validation ------------------------------------------------------------------------
    if (!Token.isUnresolved(props.capacityPerInstance) && !(Number.isFinite(props.capacityPerInstance) && props.capacityPerInstance > 0)) {
      throw new Error(`capacityPerInstance must be a positive finite number (load per instance per minute), got ${props.capacityPerInstance}`);
    }
    assertInRange('targetUtilization', props.targetUtilization, 0, 1, { lowOpen: true });
    assertDurationRange('historyDuration', props.historyDuration, 3600, 14 * 86400);
    const historySeconds = seconds(props.historyDuration) ?? 14 * 86400;
    assertDurationRange('minimumHistory', props.minimumHistory, 0, historySeconds);
    assertDurationRange('launchLeadTime', props.launchLeadTime, 0, 3600);
    assertDurationRange('horizon', props.horizon, 600, 48 * 3600);
    assertInteger('maxScheduledActions', props.maxScheduledActions);
    assertInRange('maxScheduledActions', props.maxScheduledActions, 2, 120);
    const prefix = props.scheduledActionPrefix ?? DEFAULT_PREFIX;
    if (!Token.isUnresolved(prefix) && !/^[\w.:-]{1,200}$/.test(prefix)) {
      throw new Error(`scheduledActionPrefix must be 1-200 letters, digits, '_', '.', ':' or '-', got '${prefix}'`);
    }
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_NAMESPACE;
    if (!Token.isUnresolved(metricsNamespace) && (/^AWS\//.test(metricsNamespace) || !/^[\w .\-/#:]{1,255}$/.test(metricsNamespace))) {
      throw new Error(`metricsNamespace must be 1-255 characters of letters, digits, ' ', '.', '-', '_', '/', '#', ':' and not start with 'AWS/', got '${metricsNamespace}'`);
    }
    const metric = props.loadMetric;
    for (const [what, value, here] of [['account', metric.account, stack.account], ['region', metric.region, stack.region]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && !Token.isUnresolved(here) && value !== here) {
        throw new Error(`loadMetric must be in the scaler's own ${what} (${here}), got ${what} ${value}`);
      }
    }
    if (Token.isUnresolved(metric.namespace) || Token.isUnresolved(metric.metricName)) {
      throw new Error('loadMetric namespace and metricName must be literals (a metric math expression is not supported)');
    }
    if (!metric.period.isUnresolved() && metric.period.toSeconds() !== 60) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:predictiveScalerLoadMetricPeriod',
        `loadMetric has a period of ${metric.period.toHumanString()}; the predictive scaler reads it per minute, so capacityPerInstance (${props.capacityPerInstance}) must be the load per instance per minute`);
    }
    const historyWanted = seconds(props.minimumHistory) ?? Math.min(86400, historySeconds);

    const intervalSeconds = rateSeconds(props.schedule) ?? 300;
    const horizonSeconds = seconds(props.horizon) ?? 7200;
    if (props.schedule && rateSeconds(props.schedule) === undefined) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:predictiveScalerScheduleNotRate',
        `schedule (${props.schedule.expressionString}) is not a rate: make sure horizon (${horizonSeconds / 60} minutes) spans at least two runs`);
    } else if (props.horizon && !props.horizon.isUnresolved() && horizonSeconds < 2 * intervalSeconds) {
      throw new Error(`horizon (${props.horizon.toHumanString()}) must be at least two schedule intervals (2 x ${intervalSeconds / 60} minutes), so one missed run leaves no gap`);
    }

    const warmup = cfnGroup?.defaultInstanceWarmup;
    const launchLeadSeconds = seconds(props.launchLeadTime)
      ?? (typeof warmup === 'number' && !Token.isUnresolved(warmup) ? warmup : 300);
    const baseMin = cfnGroup && !Token.isUnresolved(cfnGroup.minSize) && /^\d+$/.test(cfnGroup.minSize) ? cfnGroup.minSize : undefined;
    if (baseMin === undefined) {
      Annotations.of(this).addWarningV2('cdk-scaling-architecture:predictiveScalerMinSizeUnknown',
        'the group\'s MinSize is not a literal: the scaler takes the live MinSize (bounded by the release floor of its own pending plan) as the floor to restore when a plan ends; an operator\'s raise of MinSize while a plan is pending is released with it');
    }

    this.mode = props.mode ?? PredictiveScalerMode.FORECAST_ONLY;
    this.metricsNamespace = metricsNamespace;
    this.groupName = asg.autoScalingGroupName;

    // --- function --------------------------------------------------------------------------
    const environment: Record<string, string> = {
      AUTO_SCALING_GROUP_NAME: asg.autoScalingGroupName,
      LOAD_METRIC_NAMESPACE: metric.namespace,
      LOAD_METRIC_NAME: metric.metricName,
      LOAD_METRIC_DIMENSIONS: stack.toJsonString(metric.dimensions ?? {}),
      LOAD_METRIC_STATISTIC: metric.statistic,
      CAPACITY_PER_INSTANCE: String(props.capacityPerInstance),
      TARGET_UTILIZATION: String(props.targetUtilization ?? 0.7),
      SCALING_MODE: this.mode,
      DRY_RUN: String(props.dryRun ?? false),
      HISTORY_SECONDS: String(historySeconds),
      MIN_HISTORY_SECONDS: String(historyWanted),
      LAUNCH_LEAD_SECONDS: String(launchLeadSeconds),
      HORIZON_SECONDS: String(horizonSeconds),
      SCHEDULE_INTERVAL_SECONDS: String(intervalSeconds),
      SCHEDULED_ACTION_PREFIX: prefix,
      MAX_SCHEDULED_ACTIONS: String(props.maxScheduledActions ?? 40),
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_SERVICE_NAME: 'predictive-scaler',
      ...(baseMin !== undefined ? { BASE_MIN_CAPACITY: baseMin } : {}),
    };

    const scaler = new ScalerFunction(this, 'Scaler', {
      handlerName: 'predictive-scaler',
      description: `Predictive scaler (${this.mode}) for ${asg.node.path}`,
      environment,
      schedule: props.schedule ?? events.Schedule.rate(Duration.minutes(5)),
      alertTopic: props.alertTopic,
      logRetention: props.logRetention,
      // 14 days of one-minute points and the planner's replays: more memory is more CPU.
      memorySize: 512,
      timeout: Duration.minutes(2),
    });
    this.function = scaler.function;
    this.role = scaler.role;
    this.logGroup = scaler.logGroup;
    this.rule = scaler.rule;
    this.errorAlarm = scaler.errorAlarm;

    // --- permissions: writes only on this group ---------------------------------------------
    const groupArn = stack.formatArn({
      service: 'autoscaling',
      resource: 'autoScalingGroup',
      resourceName: `*:autoScalingGroupName/${asg.autoScalingGroupName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
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
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadGroupsAndLoadMetric',
      actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeScheduledActions', 'cloudwatch:GetMetricData'],
      resources: ['*'],
    }));
    // The scaler's own metrics go out as embedded metric format in its log lines (logs:PutLogEvents
    // on its own log group, granted by ScalerFunction): no cloudwatch:PutMetricData is needed.
    acknowledge(this.role,
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeScheduledActions and cloudwatch:GetMetricData support no resource-level permissions: AWS requires Resource "*" for them (read-only). Writes are limited to the managed group.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, groupArn)}]`,
        reason: 'The managed group\'s ARN: Auto Scaling group ARNs contain a generated id, unknown at deploy time, which the wildcard stands for; the group name is fixed.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, this.logGroup.logGroupArn)}:log-stream:*]`,
        reason: 'The function writes log streams of its own log group only (stream names are generated by Lambda).',
      },
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x: the handler bundle is built and tested for node22 (esbuild target); it moves with the package, not implicitly.',
    });

    if (props.dashboard) this.addToDashboard(props.dashboard, metric);
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

function seconds(d: Duration | undefined): number | undefined {
  return d === undefined || d.isUnresolved() ? undefined : d.toSeconds();
}

/** The interval of a `rate(...)` schedule in seconds; undefined for cron or unresolved ones. */
function rateSeconds(schedule: events.Schedule | undefined): number | undefined {
  if (!schedule) return undefined;
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expressionString);
  if (!m) return undefined;
  const unit = m[2].startsWith('minute') ? 60 : m[2].startsWith('hour') ? 3600 : 86400;
  return Number(m[1]) * unit;
}
