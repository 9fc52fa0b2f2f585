import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { describeMetric } from './metric-description';
import { type IScalingPolicy, type ScalingPolicyTarget, ScalingPolicyType } from './scaling-policy-types';
import type { TargetTrackingOptions } from './target-tracking-policy';
import { assertPositiveDuration } from '../private/validation';

/** The metric periods EC2 Auto Scaling's target tracking accepts (10 and 30 seconds: high resolution). */
const PERIODS = [10, 30, 60];
/** The final expression's id when the metric is a math expression (unless one of its metrics has it). */
const RESULT_ID = 'e1';

/** Options of a target tracking policy on any CloudWatch metric or metric math expression. */
export interface MetricTargetTrackingOptions extends TargetTrackingOptions {
  /**
   * The metric to hold at `targetValue`: a `Metric` (namespace, name, dimensions, statistic) or a
   * `MathExpression` over metrics of the group's account and Region (e.g. `m1 / m2`). It must
   * change in inverse proportion to the group's capacity (a per-instance figure).
   */
  readonly metric: cloudwatch.IMetric;
  /** The metric's value to hold, > 0. */
  readonly targetValue: number;
  /**
   * The period of the metric's datapoints: 10 or 30 seconds (high resolution: the metric must be
   * published at that resolution) or 60 seconds. It applies to every metric of an expression.
   *
   * @default - the metric's own period when it is 10, 30 or 60 seconds, otherwise 60 seconds
   * (a `Metric`'s default period, 5 minutes, is not one target tracking accepts)
   */
  readonly period?: Duration;
}

type Query = autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty;

/**
 * Target tracking on any CloudWatch metric or metric math expression
 * (TargetTrackingConfiguration.CustomizedMetricSpecification with `Metrics`), with 10, 30 or 60
 * second periods. aws-cdk-lib's `scaleToTrackMetric` drops the period and refuses math
 * expressions (aws/aws-cdk#20659).
 */
export class MetricTargetTrackingPolicy implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger: string;
  public readonly action: string;
  public readonly cooldown: Duration;
  public readonly requiresTargetGroup = false;
  /** The period of the metric's datapoints. */
  public readonly period: Duration;

  constructor(public readonly options: MetricTargetTrackingOptions) {
    if (!options?.metric) throw new Error('metric is required: the CloudWatch metric or MathExpression to hold at targetValue');
    const v = options.targetValue;
    if (!Token.isUnresolved(v) && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      throw new Error(`targetValue must be a number > 0, got ${String(v)}`);
    assertPositiveDuration('cooldown', options.cooldown);
    this.period = options.period ?? defaultPeriod(options.metric);
    if (!this.period.isUnresolved() && !PERIODS.includes(this.period.toSeconds({ integral: false })))
      throw new Error(
        `period must be 10, 30 or 60 seconds (target tracking's metric periods), got ${this.period.toSeconds({ integral: false })} seconds`,
      );
    this.cooldown = options.cooldown ?? Duration.minutes(5);
    this.trigger = `${describeMetric(options.metric)} away from ${v} (${this.period.toSeconds()} s periods)`;
    this.action = options.disableScaleIn
      ? 'add instances to bring the metric back to the target (scale-in disabled)'
      : 'add or remove instances to bring the metric back to the target';
  }

  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct | undefined {
    const queries = renderQueries(this.options.metric, this.period.toSeconds(), Stack.of(scope));
    const policy = new autoscaling.CfnScalingPolicy(scope, id, {
      autoScalingGroupName: target.autoScalingGroup.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: this.cooldown.toSeconds(),
      targetTrackingConfiguration: {
        customizedMetricSpecification: { metrics: queries },
        targetValue: this.options.targetValue,
        ...(this.options.disableScaleIn !== undefined ? { disableScaleIn: this.options.disableScaleIn } : {}),
      },
    });
    return policy;
  }
}

function defaultPeriod(metric: cloudwatch.IMetric): Duration {
  const c = metric.toMetricConfig();
  const own = c.metricStat ? c.metricStat.period.toSeconds({ integral: false }) : c.mathExpression?.period;
  return own !== undefined && PERIODS.includes(own) ? Duration.seconds(own) : Duration.seconds(60);
}

/** The metric (or the expression and every metric under it) as target tracking's metric data queries. */
function renderQueries(metric: cloudwatch.IMetric, periodSeconds: number, stack: Stack): Query[] {
  const queries: Query[] = [];
  const seen = new Set<string>();
  const add = (m: cloudwatch.IMetric, queryId: string, returnData: boolean) => {
    if (seen.has(queryId)) throw new Error(`metric: the id '${queryId}' names two metrics of the expression`);
    seen.add(queryId);
    const c = m.toMetricConfig();
    if (c.metricStat) {
      const s = c.metricStat;
      for (const [what, value, here] of [
        ['account', s.account, stack.account],
        ['region', s.region, stack.region],
      ] as const) {
        if (value !== undefined && !Token.isUnresolved(value) && !Token.isUnresolved(here) && value !== here)
          throw new Error(
            `metric: ${s.namespace}/${s.metricName} is in ${what} ${value}, but target tracking reads metrics of the group's own account and Region only (${here})`,
          );
      }
      queries.push({
        id: queryId,
        metricStat: {
          metric: {
            namespace: s.namespace,
            metricName: s.metricName,
            ...(s.dimensions && s.dimensions.length > 0 ? { dimensions: s.dimensions.map((d) => ({ name: d.name, value: String(d.value) })) } : {}),
          },
          stat: s.statistic,
          ...(s.unitFilter ? { unit: s.unitFilter } : {}),
          period: periodSeconds,
        },
        returnData,
      });
      return;
    }
    const e = c.mathExpression;
    if (!e) throw new Error(`metric: ${describeMetric(m)} is neither a metric nor a math expression`);
    if (e.searchAccount !== undefined || e.searchRegion !== undefined)
      throw new Error(`metric: the expression '${e.expression}' reads another account or Region, but target tracking reads the group's own only`);
    const ids = Object.keys(e.usingMetrics);
    if (ids.length === 0)
      throw new Error(`metric: the expression '${e.expression}' uses no metric (target tracking needs the metrics it computes from in usingMetrics)`);
    for (const sub of ids) add(e.usingMetrics[sub], sub, false);
    queries.push({ id: queryId, expression: e.expression, label: labelOf(m), returnData });
  };
  const top = metric.toMetricConfig();
  if (top.mathExpression) {
    const taken = new Set(Object.keys(top.mathExpression.usingMetrics));
    let id = RESULT_ID;
    for (let n = 2; taken.has(id); n++) id = `e${n}`;
    add(metric, id, true);
  } else {
    add(metric, 'm1', true);
  }
  return queries;
}

function labelOf(m: cloudwatch.IMetric): string {
  const label = (m as { label?: string }).label;
  return typeof label === 'string' && label.length > 0 ? label : 'target tracking metric';
}
