import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { readLoadHistory, toGrid } from '../../../lambda/predictive-scaler/load-history';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

describe('toGrid', () => {
  test('places each datapoint in the minute its timestamp falls in; missing minutes are NaN', () => {
    const g = toGrid(T0, MIN, 5, [T0, T0 + 2 * MIN + 30_000, T0 + 4 * MIN + 59_999], [1, 2, 3]);
    expect(Array.from(g)).toEqual([1, NaN, 2, NaN, 3]);
  });
  test('two datapoints in one minute keep the larger; outside the grid or not finite are dropped', () => {
    const g = toGrid(T0, MIN, 3, [T0 - 1, T0, T0 + 10_000, T0 + MIN, T0 + 3 * MIN], [9, 4, 6, Infinity, 7]);
    expect(Array.from(g)).toEqual([6, NaN, NaN]);
  });
});

describe('readLoadHistory', () => {
  const cw = mockClient(CloudWatchClient);
  afterAll(() => cw.restore());
  beforeEach(() => cw.reset());

  test('reads every page, one-minute periods over a window ending at the last whole minute, trimmed to the first datapoint', async () => {
    const now = T0 + 3 * 86_400_000 + 30_000; // 30 s into a minute
    const end = T0 + 3 * 86_400_000;
    const first = end - 2 * 86_400_000; // two days of data in a 3-day window
    const ts = Array.from({ length: 2 * 1440 }, (_, i) => new Date(first + i * MIN));
    const vs = ts.map((_, i) => (i === 100 ? NaN : i));
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'load', Timestamps: ts.slice(0, 1000), Values: vs.slice(0, 1000) }], NextToken: 'p2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'load', Timestamps: ts.slice(1000), Values: vs.slice(1000) }] });
    const h = await readLoadHistory(
      new CloudWatchClient({ region: 'us-east-1' }),
      {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { LoadBalancer: 'app/web/1' },
        statistic: 'Sum',
      },
      now,
      3 * 86_400,
    );

    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      StartTime: new Date(end - 3 * 86_400_000),
      EndTime: new Date(end),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'load',
          ReturnData: true,
          MetricStat: {
            Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/1' }] },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
    });
    expect(calls[0].NextToken).toBeUndefined();
    expect(calls[1].NextToken).toBe('p2');
    expect(h.pages).toBe(2);
    expect(h.series.start).toBe(first);
    expect(h.series.stepSeconds).toBe(60);
    expect(h.series.values.length).toBe(2 * 1440);
    expect(h.datapoints).toBe(2 * 1440 - 1);
    expect(Number.isNaN(h.series.values[100])).toBe(true);
    expect(h.series.values[2 * 1440 - 1]).toBe(2 * 1440 - 1);
    expect(h.firstDatapoint).toBe(first);
    expect(h.lastDatapoint).toBe(end - MIN);
  });

  test('a next page token returned forever: an error after 100 pages, not a history without its latest minutes', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'load', Timestamps: [new Date(T0 - 3000 * MIN)], Values: [5] }],
      NextToken: 'again',
    });
    await expect(
      readLoadHistory(
        new CloudWatchClient({ region: 'us-east-1' }),
        { namespace: 'N', metricName: 'M', dimensions: {}, statistic: 'Sum' },
        T0,
        3 * 86_400,
      ),
    ).rejects.toThrow('GetMetricData still had pages after 100: the load history is incomplete');
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(100);
  });

  test('no datapoints: an empty series starting at the end of the window', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'load', Timestamps: [], Values: [] }] });
    const h = await readLoadHistory(
      new CloudWatchClient({ region: 'us-east-1' }),
      { namespace: 'N', metricName: 'M', dimensions: {}, statistic: 'Sum' },
      T0,
      3600,
    );
    expect(h.datapoints).toBe(0);
    expect(h.series.values.length).toBe(0);
    expect(h.series.start).toBe(T0);
    expect(h.firstDatapoint).toBeUndefined();
  });
});
