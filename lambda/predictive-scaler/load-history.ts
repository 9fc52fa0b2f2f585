/**
 * Reads the load metric's history with GetMetricData: one-minute periods over a window that ends
 * at the last whole minute before `now`, every page (NextToken), placed on a one-minute grid with
 * NaN where CloudWatch has no datapoint.
 */
import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricSeries } from '../core';
import type { LoadMetricSpec } from './config';

export const STEP_SECONDS = 60;
const STEP_MS = STEP_SECONDS * 1000;
/** A runaway NextToken loop ends here (14 days of one-minute data is one page on AWS). */
const MAX_PAGES = 100;

/** The history a run read, and what it saw, for the decision log line. */
export interface LoadHistory {
  /** From the first minute with a datapoint to the last whole minute before now (empty when none). */
  readonly series: MetricSeries;
  /** Epoch ms of the window read: [windowStart, windowEnd). */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Minutes with a datapoint. */
  readonly datapoints: number;
  /** Epoch ms of the first and last datapoints, when any. */
  readonly firstDatapoint?: number;
  readonly lastDatapoint?: number;
  /** GetMetricData calls made. */
  readonly pages: number;
  /** Minutes with a negative value: a load is never negative, the metric is not a load. */
  readonly negative: number;
}

/**
 * Places datapoints on the grid `[start, start + n * stepMs)`: each at the step its timestamp
 * falls in (timestamps need not be aligned), NaN where none falls. Datapoints outside the grid or
 * with a non-finite value are dropped; two in one step keep the larger (the safe side for a
 * capacity plan).
 */
export function toGrid(start: number, stepMs: number, n: number, timestamps: readonly number[], values: readonly number[]): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  const m = Math.min(timestamps.length, values.length);
  for (let i = 0; i < m; i++) {
    const v = values[i];
    const k = Math.floor((timestamps[i] - start) / stepMs);
    if (!Number.isFinite(v) || k < 0 || k >= n) continue;
    out[k] = Number.isNaN(out[k]) ? v : Math.max(out[k], v);
  }
  return out;
}

/** Every datapoint of one GetMetricData query over a window, in the order CloudWatch returned them. */
export interface MetricPages {
  readonly timestamps: number[];
  readonly values: number[];
  /** GetMetricData calls made. */
  readonly pages: number;
  /** False when a NextToken was still left after `MAX_PAGES` calls (the read stopped there). */
  readonly complete: boolean;
}

/** Reads every page (NextToken, oldest first, at most `MAX_PAGES`) of `query` over `[windowStart, windowEnd)`. */
export async function readMetricPages(cw: CloudWatchClient, query: MetricDataQuery, windowStart: number, windowEnd: number): Promise<MetricPages> {
  const timestamps: number[] = [];
  const values: number[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query],
        StartTime: new Date(windowStart),
        EndTime: new Date(windowEnd),
        ScanBy: 'TimestampAscending',
        NextToken: token,
      }),
    );
    pages++;
    for (const r of res.MetricDataResults ?? []) {
      if (r.Id !== query.Id) continue;
      const ts = r.Timestamps ?? [];
      const vs = r.Values ?? [];
      for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
        timestamps.push(ts[i].getTime());
        values.push(vs[i]);
      }
    }
    token = res.NextToken;
    if (token && pages >= MAX_PAGES) return { timestamps, values, pages, complete: false };
  } while (token);
  return { timestamps, values, pages, complete: true };
}

/** Reads `historySeconds` of one-minute history of `metric` up to the last whole minute before `now`. */
export async function readLoadHistory(cw: CloudWatchClient, metric: LoadMetricSpec, now: number, historySeconds: number): Promise<LoadHistory> {
  const windowEnd = Math.floor(now / STEP_MS) * STEP_MS;
  const n = Math.floor(historySeconds / STEP_SECONDS);
  const windowStart = windowEnd - n * STEP_MS;
  const query: MetricDataQuery = {
    Id: 'load',
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metricName,
        Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: STEP_SECONDS,
      Stat: metric.statistic,
    },
    ReturnData: true,
  };
  const { timestamps, values, pages, complete } = await readMetricPages(cw, query, windowStart, windowEnd);
  // Pages come oldest first: a history cut here would lack the latest load, and a plan from it
  // would be a plan from stale data. Missing data: the run fails and changes nothing.
  if (!complete) {
    throw Object.assign(new Error(`GetMetricData still had pages after ${MAX_PAGES}: the load history is incomplete`), {
      name: 'IncompleteHistory',
    });
  }

  const grid = toGrid(windowStart, STEP_MS, n, timestamps, values);
  let first = -1;
  let last = -1;
  let datapoints = 0;
  let negative = 0;
  for (let k = 0; k < n; k++) {
    if (Number.isNaN(grid[k])) continue;
    if (grid[k] < 0) negative++;
    if (first < 0) first = k;
    last = k;
    datapoints++;
  }
  const from = first < 0 ? n : first;
  return {
    series: { start: windowStart + from * STEP_MS, stepSeconds: STEP_SECONDS, values: grid.subarray(from) },
    windowStart,
    windowEnd,
    datapoints,
    ...(first >= 0 ? { firstDatapoint: windowStart + first * STEP_MS, lastDatapoint: windowStart + last * STEP_MS } : {}),
    pages,
    negative,
  };
}
