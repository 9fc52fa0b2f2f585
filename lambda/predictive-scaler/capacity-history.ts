/**
 * The group's capacity history: `GroupInServiceInstances` (AWS/AutoScaling, one minute, published
 * when the group collects group metrics) over the load history's window, handed to the planner as
 * `capacityHistory`, and the realized unserved share of the last day it gives
 * (`RealizedUnservedPercent`, the promise the construct alarms on).
 *
 * A group without group metrics has no datapoints: the history is left out, the planner keeps its
 * replay, and no realized share is published (the construct warns at synth time).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { REALIZED_UNSERVED_WINDOW_MINUTES } from '../contract';
import type { MetricSeries } from '../core';
import { MEASURE_ONLY, measureRealized } from '../core/forecast/realized-outcome';
import { describeError } from '../shared/aws';
import { readMetricPages, STEP_SECONDS, toGrid } from './load-history';
import { DIMENSION_GROUP, METRIC } from './telemetry';

const STEP_MS = STEP_SECONDS * 1000;

/** What the run read of the group's capacity. */
export interface CapacityHistory {
  /** Instances in service per minute over the load history's window; absent without a datapoint. */
  readonly series?: MetricSeries;
  /** Minutes with a datapoint. */
  readonly datapoints: number;
  readonly pages: number;
  /** Why the read failed: the plan goes on without it (the history is optional). */
  readonly error?: string;
}

/**
 * Reads `GroupInServiceInstances` (Average per minute) of `groupName` over `[windowStart,
 * windowEnd)`. The capacity history is optional: an AWS error (after the SDK's retries) leaves it
 * out, with the error for the log line, and the run plans from the replay alone.
 */
export async function readCapacityHistory(cw: CloudWatchClient, groupName: string, windowStart: number, windowEnd: number): Promise<CapacityHistory> {
  try {
    return await readInService(cw, groupName, windowStart, windowEnd);
  } catch (e) {
    return { datapoints: 0, pages: 0, error: describeError(e).message };
  }
}

async function readInService(cw: CloudWatchClient, groupName: string, windowStart: number, windowEnd: number): Promise<CapacityHistory> {
  const n = Math.max(0, Math.floor((windowEnd - windowStart) / STEP_MS));
  const { timestamps, values, pages, complete } = await readMetricPages(
    cw,
    {
      Id: 'inService',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/AutoScaling',
          MetricName: 'GroupInServiceInstances',
          Dimensions: [{ Name: DIMENSION_GROUP, Value: groupName }],
        },
        Period: STEP_SECONDS,
        Stat: 'Average',
      },
      ReturnData: true,
    },
    windowStart,
    windowEnd,
  );
  // an incomplete capacity history is left out rather than half used
  if (!complete) return { datapoints: 0, pages };
  const grid = toGrid(windowStart, STEP_MS, n, timestamps, values);
  let datapoints = 0;
  for (const v of grid) if (!Number.isNaN(v)) datapoints++;
  return datapoints === 0 ? { datapoints, pages } : { series: { start: windowStart, stepSeconds: STEP_SECONDS, values: grid }, datapoints, pages };
}

/** The realized unserved share of the last day, for the log line and the metric. */
export interface RealizedLine {
  /** Percent of the last day's load above what the instances in service carry at 100%; absent when nothing could be measured. */
  readonly unservedPercent?: number;
  /** Minutes measured (both a load and an instance count). */
  readonly minutes: number;
  /** Minutes with no instance in service (left out). */
  readonly emptyMinutes: number;
  /** The capacity history contradicts capacityPerInstance (see the planner's realized outcome). */
  readonly contradiction?: string;
}

/** Measures the last day's realized unserved share from the load and the capacity history. */
export function realizedLastDay(
  load: MetricSeries,
  capacity: MetricSeries | undefined,
  settings: { capacityPerInstance: number; targetUtilization: number; minCapacity: number; unservedBudget: number },
): RealizedLine {
  if (!capacity) return { minutes: 0, emptyMinutes: 0 };
  const values = load.values instanceof Float64Array ? load.values : Float64Array.from(load.values);
  const r = measureRealized(values, load.start, load.stepSeconds * 1000, capacity, {
    ...settings,
    windowSteps: Math.round((REALIZED_UNSERVED_WINDOW_MINUTES * 60) / load.stepSeconds),
    ...MEASURE_ONLY,
  });
  return {
    ...(Number.isFinite(r.share) ? { unservedPercent: Math.round(r.share * 1e8) / 1e6 } : {}),
    minutes: r.steps,
    emptyMinutes: r.emptySteps,
    ...(r.contradiction ? { contradiction: r.contradiction } : {}),
  };
}

/** Publishes `RealizedUnservedPercent` (when measured) with the group dimension. */
export function publishRealized(metrics: Metrics, groupName: string, line: RealizedLine): void {
  if (line.unservedPercent === undefined) return;
  metrics.addDimension(DIMENSION_GROUP, groupName);
  metrics.addMetric(METRIC.REALIZED_UNSERVED_PERCENT, MetricUnit.Percent, line.unservedPercent);
  metrics.publishStoredMetrics();
}
