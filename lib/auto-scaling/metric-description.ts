import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

// Internal: how policies name their metric in `trigger` (not exported from the package).

/** A short name for a metric in a policy description. */
export function describeMetric(metric: cloudwatch.IMetric): string {
  if (metric instanceof cloudwatch.Metric) return `${metric.namespace}/${metric.metricName} (${metric.statistic})`;
  if (metric instanceof cloudwatch.MathExpression) return `the expression ${metric.expression}`;
  return 'a metric';
}
