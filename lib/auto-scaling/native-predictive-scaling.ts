import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { albResourceLabel, requireTargetGroup } from './alb-resource-label';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import { assertDurationRange, assertEnumValue, assertInRange, assertUtilizationPercent } from '../private/validation';

/** What AWS native predictive scaling does with its forecast. */
export enum NativePredictiveScalingMode {
  /** Forecast only: publish the forecast, change nothing (AWS's default, to evaluate it first). */
  FORECAST_ONLY = 'ForecastOnly',
  /** Forecast and scale: raise the group's capacity ahead of the forecast load. */
  FORECAST_AND_SCALE = 'ForecastAndScale',
}

/** What predictive scaling does when the forecast capacity is above the group's MaxSize. */
export enum NativePredictiveScalingMaxCapacityBreachBehavior {
  /** Never go above MaxSize. */
  HONOR_MAX_CAPACITY = 'HonorMaxCapacity',
  /** Raise MaxSize up to the forecast plus `maxCapacityBuffer` percent (MaxSize is never lowered back automatically). */
  INCREASE_MAX_CAPACITY = 'IncreaseMaxCapacity',
}

/** Metrics of a custom predictive scaling metric pair. */
export interface CustomPredictiveMetricsProps {
  /** The total load on the group (e.g. a target group's RequestCount, statistic Sum). */
  readonly loadMetric: cloudwatch.Metric;
  /** The per-instance metric the target value applies to (e.g. CPU utilization Average). */
  readonly scalingMetric: cloudwatch.Metric;
  /**
   * The group's capacity over time.
   *
   * @default - the group's instance count as AWS collects it
   */
  readonly capacityMetric?: cloudwatch.Metric;
}

/** The load and scaling metrics AWS native predictive scaling forecasts from. */
export abstract class NativePredictiveScalingMetric {
  /** The predefined pair ASGCPUUtilization: total CPU as load, average CPU as scaling metric (target in percent). */
  public static cpuUtilization(): NativePredictiveScalingMetric {
    return new PredefinedPair('ASGCPUUtilization', "the group's CPU utilization", true);
  }

  /** The predefined pair ASGTotalNetworkIn (bytes in per instance as scaling metric). */
  public static networkIn(): NativePredictiveScalingMetric {
    return new PredefinedPair('ASGTotalNetworkIn', "the group's network bytes in", false);
  }

  /** The predefined pair ASGTotalNetworkOut (bytes out per instance as scaling metric). */
  public static networkOut(): NativePredictiveScalingMetric {
    return new PredefinedPair('ASGTotalNetworkOut', "the group's network bytes out", false);
  }

  /**
   * The predefined pair ALBRequestCount: the target group's request count as load, requests per
   * target as scaling metric. The resource label comes from the group's target group when bound.
   */
  public static albRequestCount(): NativePredictiveScalingMetric {
    return new PredefinedPair('ALBRequestCount', 'the ALB request count', false, true);
  }

  /** A custom pair of CloudWatch metrics (each a plain `Metric`: namespace, name, dimensions, statistic). */
  public static custom(props: CustomPredictiveMetricsProps): NativePredictiveScalingMetric {
    return new CustomPair(props);
  }

  /** Words for the policy's trigger. */
  public abstract readonly description: string;
  /** Whether the target value is a percentage (validated in (0, 100]). */
  public abstract readonly isPercent: boolean;
  /** Whether binding needs the group's target group. */
  public abstract readonly requiresTargetGroup: boolean;

  /** The metric part of the CloudFormation metric specification. @internal */
  public abstract _render(
    target: ScalingPolicyTarget,
  ): Omit<autoscaling.CfnScalingPolicy.PredictiveScalingMetricSpecificationProperty, 'targetValue'>;
}

class PredefinedPair extends NativePredictiveScalingMetric {
  constructor(
    private readonly metricType: string,
    public readonly description: string,
    public readonly isPercent: boolean,
    public readonly requiresTargetGroup = false,
  ) {
    super();
  }

  public _render(target: ScalingPolicyTarget) {
    const resourceLabel = this.requiresTargetGroup
      ? albResourceLabel(requireTargetGroup('A native predictive scaling policy on ALBRequestCount', target))
      : undefined;
    return { predefinedMetricPairSpecification: { predefinedMetricType: this.metricType, resourceLabel } };
  }
}

class CustomPair extends NativePredictiveScalingMetric {
  public readonly description: string;
  public readonly isPercent = false;
  public readonly requiresTargetGroup = false;

  constructor(private readonly props: CustomPredictiveMetricsProps) {
    super();
    this.description = `${props.loadMetric.namespace}/${props.loadMetric.metricName}`;
  }

  public _render() {
    const query = (id: string, metric: cloudwatch.Metric) => {
      const stat = metric.toMetricConfig().metricStat;
      if (!stat) throw new Error(`${id} must be a plain CloudWatch metric (namespace, name, dimensions)`);
      return {
        metricDataQueries: [
          {
            id: id.toLowerCase(),
            returnData: true,
            metricStat: {
              metric: {
                namespace: stat.namespace,
                metricName: stat.metricName,
                dimensions: stat.dimensions?.map((d) => ({ name: d.name, value: String(d.value) })),
              },
              stat: stat.statistic,
              unit: stat.unitFilter,
            },
          },
        ],
      };
    };
    return {
      customizedLoadMetricSpecification: query('Load', this.props.loadMetric),
      customizedScalingMetricSpecification: query('Scaling', this.props.scalingMetric),
      customizedCapacityMetricSpecification: this.props.capacityMetric ? query('Capacity', this.props.capacityMetric) : undefined,
    };
  }
}

/** Options of AWS native predictive scaling. */
export interface NativePredictiveScalingOptions {
  /** The metric pair to forecast and scale on. */
  readonly metric: NativePredictiveScalingMetric;
  /**
   * The value of the scaling metric to hold per instance (percent for CPU, in (0, 100];
   * requests per target or bytes otherwise, > 0).
   */
  readonly targetValue: number;
  /**
   * Forecast only, or forecast and scale.
   *
   * @default NativePredictiveScalingMode.FORECAST_ONLY
   */
  readonly mode?: NativePredictiveScalingMode;
  /**
   * How long before the forecast time instances are launched, 0 to 1 hour.
   *
   * @default - AWS's default of 5 minutes (nothing emitted)
   */
  readonly schedulingBuffer?: Duration;
  /**
   * What happens when the forecast needs more than MaxSize.
   *
   * @default NativePredictiveScalingMaxCapacityBreachBehavior.HONOR_MAX_CAPACITY
   */
  readonly maxCapacityBreachBehavior?: NativePredictiveScalingMaxCapacityBreachBehavior;
  /**
   * With INCREASE_MAX_CAPACITY: how far above the forecast capacity MaxSize may be raised, in
   * percent, [0, 100].
   *
   * @default - 0 when INCREASE_MAX_CAPACITY (nothing emitted otherwise)
   */
  readonly maxCapacityBuffer?: number;
}

/**
 * AWS's native predictive scaling policy (PolicyType PredictiveScaling), with a typed API over
 * the L1 `PredictiveScalingConfiguration`. It forecasts hourly from up to 14 days of history
 * and only raises capacity; it has no cooldown (`cooldown` is 0).
 */
export class NativePredictiveScalingPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown = Duration.seconds(0);
  public readonly requiresTargetGroup: boolean;
  public readonly mode: NativePredictiveScalingMode;

  constructor(public readonly options: NativePredictiveScalingOptions) {
    assertEnumValue('mode', options.mode, NativePredictiveScalingMode);
    assertEnumValue('maxCapacityBreachBehavior', options.maxCapacityBreachBehavior, NativePredictiveScalingMaxCapacityBreachBehavior);
    if (options.metric.isPercent) assertUtilizationPercent('targetValue', options.targetValue);
    else assertInRange('targetValue', options.targetValue, 0, Number.MAX_SAFE_INTEGER, { lowOpen: true });
    assertDurationRange('schedulingBuffer', options.schedulingBuffer, 0, 3600);
    assertInRange('maxCapacityBuffer', options.maxCapacityBuffer, 0, 100);
    if (
      options.maxCapacityBuffer !== undefined &&
      options.maxCapacityBreachBehavior !== NativePredictiveScalingMaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY
    ) {
      throw new Error(
        `maxCapacityBuffer (${options.maxCapacityBuffer}) applies only with maxCapacityBreachBehavior INCREASE_MAX_CAPACITY, got ${options.maxCapacityBreachBehavior ?? 'HONOR_MAX_CAPACITY (default)'}`,
      );
    }
    this.mode = options.mode ?? NativePredictiveScalingMode.FORECAST_ONLY;
    this.requiresTargetGroup = options.metric.requiresTargetGroup;
    this.trigger = `hourly forecast of ${options.metric.description} (AWS predictive scaling)`;
    this.action =
      this.mode === NativePredictiveScalingMode.FORECAST_ONLY
        ? 'publish the capacity forecast only'
        : `launch capacity ahead of the forecast to hold ${options.targetValue} per instance`;
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    const increase = this.options.maxCapacityBreachBehavior === NativePredictiveScalingMaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY;
    const policy = new autoscaling.CfnScalingPolicy(scope, id, {
      autoScalingGroupName: target.autoScalingGroup.autoScalingGroupName,
      policyType: 'PredictiveScaling',
      predictiveScalingConfiguration: {
        mode: this.mode,
        metricSpecifications: [{ targetValue: this.options.targetValue, ...this.options.metric._render(target) }],
        schedulingBufferTime: this.options.schedulingBuffer?.toSeconds(),
        maxCapacityBreachBehavior: this.options.maxCapacityBreachBehavior ?? NativePredictiveScalingMaxCapacityBreachBehavior.HONOR_MAX_CAPACITY,
        maxCapacityBuffer: increase ? (this.options.maxCapacityBuffer ?? 0) : undefined,
      },
    });
    return policy;
  }
}
