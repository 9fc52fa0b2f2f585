/**
 * Replays a load trace into CloudWatch as the load metric the predictive scaler reads, in
 * PutMetricData batches, with a progress callback. Each value is one datapoint (statistic Sum,
 * what a one-minute RequestCount datapoint carries).
 */
import { type CloudWatchClient, type Dimension, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Trace } from './trace';

/** The CloudWatch metric a trace is replayed as. */
export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** @default 'Count' */
  readonly unit?: string;
}

/** Datapoints per PutMetricData call (the API allows 1,000 per request). */
export const PUT_BATCH = 1000;

function dimensionList(d: Record<string, string>): Dimension[] {
  return Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
}

/**
 * Puts the trace's values at indices [from, to) as datapoints of `metric`, `PUT_BATCH` at a time;
 * NaN values (gaps) are left out, as CloudWatch has no datapoint for them. Returns how many
 * datapoints were put.
 */
export async function putTraceRange(
  cw: CloudWatchClient,
  metric: MetricSpec,
  trace: Trace,
  from: number,
  to: number,
  onBatch?: (done: number, total: number) => void,
): Promise<number> {
  const dims = dimensionList(metric.dimensions);
  const stepMs = trace.stepSeconds * 1000;
  let put = 0;
  for (let i = from; i < to; i += PUT_BATCH) {
    const data: MetricDatum[] = [];
    for (let k = i; k < Math.min(to, i + PUT_BATCH); k++) {
      const v = trace.values[k];
      if (Number.isNaN(v)) continue;
      data.push({
        MetricName: metric.metricName,
        Dimensions: dims,
        Timestamp: new Date(trace.start + k * stepMs),
        Value: v,
        Unit: (metric.unit ?? 'Count') as MetricDatum['Unit'],
        StorageResolution: 60,
      });
    }
    if (data.length > 0) await cw.send(new PutMetricDataCommand({ Namespace: metric.namespace, MetricData: data }));
    put += data.length;
    onBatch?.(Math.min(to, i + PUT_BATCH) - from, to - from);
  }
  return put;
}
