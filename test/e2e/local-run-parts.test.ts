/**
 * The local run's pure parts: trace parsing and placement, intrinsic resolution, EMF parsing, the
 * report; and the moto patch's GetMetricData against moto's own on random data.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOutput } from '../../scripts/local/capture';
import { resolveIntrinsics, ResolveContext, UnresolvableError } from '../../scripts/local/intrinsics';
import { deepMerge } from '../../scripts/local/local-app';
import { placeTrace } from '../../scripts/local/pipeline';
import { formatTable, renderChart, selectRows, summarize } from '../../scripts/local/report';
import { decisionOf, DecisionRow, MinutePoint } from '../../scripts/local/simulate';
import { SCALE_IN_POINTS, SCALE_OUT_POINTS, TargetTrackingSimulator } from '../../scripts/local/target-tracking';
import { formatTraceCsv, parseTraceCsv, shiftByWeeksToEndBefore } from '../../scripts/local/trace';

describe('traces', () => {
  test('parses timestamp,value rows and marks missing minutes NaN', () => {
    const t = parseTraceCsv('timestamp,value\n2020-01-01T00:00:00Z,5\n2020-01-01T00:01:00Z,7\n2020-01-01T00:03:00Z,9\n');
    expect(t.stepSeconds).toBe(60);
    expect(t.values.map((v) => (Number.isNaN(v) ? null : v))).toEqual([5, 7, null, 9]);
    expect(parseTraceCsv(formatTraceCsv(t)).values.filter((v) => !Number.isNaN(v))).toEqual([5, 7, 9]);
  });

  test('rejects timestamps out of order and bad values, naming the line', () => {
    expect(() => parseTraceCsv('t,v\n2020-01-01T00:01:00Z,1\n2020-01-01T00:00:00Z,2\n', 'x.csv')).toThrow(/x.csv:3: timestamps must increase/);
    expect(() => parseTraceCsv('t,v\n2020-01-01T00:00:00Z,1\n2020-01-01T00:01:00Z,abc\n', 'x.csv')).toThrow(/x.csv:3: cannot parse the value 'abc'/);
  });

  test('a shift by whole weeks keeps the weekday and ends before now', () => {
    const start = Date.parse('1995-07-03T00:00:00Z'); // a Monday
    const now = Date.parse('2026-11-27T04:00:00Z');
    const { trace, shiftMs } = shiftByWeeksToEndBefore({ start, stepSeconds: 60, values: [1] }, start + 10 * 86_400_000, now);
    expect(shiftMs % (7 * 86_400_000)).toBe(0);
    expect(new Date(trace.start).getUTCDay()).toBe(1);
    expect(trace.start + 10 * 86_400_000).toBeLessThanOrEqual(now);
    expect(now - (trace.start + 10 * 86_400_000)).toBeLessThan(7 * 86_400_000);
  });

  test('placeTrace keeps history + simulated days within 14 days and scales the values', () => {
    const values = Array.from({ length: 10 * 1440 }, (_, i) => i % 100);
    const p = placeTrace({ start: Date.parse('1995-07-03T00:00:00Z'), stepSeconds: 60, values }, { days: 1, scale: 2, now: Date.parse('2026-11-27T04:00:00Z') });
    expect(p.historyMinutes).toBe(9 * 1440);
    expect(p.firstMinute).toBe(9 * 1440);
    expect(p.trace.values[5]).toBe(10);
    expect(() => placeTrace({ start: 0, stepSeconds: 60, values: values.slice(0, 1440) }, { days: 1, scale: 1, now: Date.now() })).toThrow(/at least one day of history/);
  });
});

describe('intrinsics', () => {
  const ctx: ResolveContext = {
    account: '123456789012', region: 'eu-central-1', stackName: 'S',
    types: { Tg: 'AWS::ElasticLoadBalancingV2::TargetGroup', Lb: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Topic: 'AWS::SNS::Topic', Key: 'AWS::KMS::Key' },
    refs: {
      Tg: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/tg-1/abc',
      Lb: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/lb-1/def',
      Topic: 'arn:aws:sns:eu-central-1:123456789012:alerts',
    },
  };

  test('resolves Ref, GetAtt full names, Join, Select, Split, Sub and drops AWS::NoValue', () => {
    const out = resolveIntrinsics(ctx, {
      Dimensions: [{ Name: 'TargetGroup', Value: { 'Fn::GetAtt': ['Tg', 'TargetGroupFullName'] } }, { Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['Lb', 'LoadBalancerFullName'] } }],
      AlarmActions: [{ Ref: 'Topic' }, { Ref: 'AWS::NoValue' }],
      Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }]] },
      Second: { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] },
      Sub: { 'Fn::Sub': '${AWS::StackName}-${Topic}' },
    });
    expect(out).toEqual({
      Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/tg-1/abc' }, { Name: 'LoadBalancer', Value: 'app/lb-1/def' }],
      AlarmActions: ['arn:aws:sns:eu-central-1:123456789012:alerts'],
      Arn: 'arn:aws:x:eu-central-1',
      Second: 'b',
      Sub: 'S-arn:aws:sns:eu-central-1:123456789012:alerts',
    });
  });

  test('names what it cannot resolve', () => {
    expect(() => resolveIntrinsics(ctx, { Ref: 'Key' })).toThrow(UnresolvableError);
    expect(() => resolveIntrinsics(ctx, { 'Fn::GetAtt': ['Topic', 'Nope'] })).toThrow(/Fn::GetAtt Topic.Nope/);
    expect(() => resolveIntrinsics(ctx, { 'Fn::ImportValue': 'x' })).toThrow(/Fn::ImportValue/);
  });
});

test('deepMerge merges objects key by key and replaces arrays', () => {
  expect(deepMerge({ dev: { capacity: { minCapacity: 1, maxCapacity: 3 }, alertEmails: ['a'] } }, { dev: { capacity: { maxCapacity: 4 }, alertEmails: [] } }))
    .toEqual({ dev: { capacity: { minCapacity: 1, maxCapacity: 4 }, alertEmails: [] } });
});

test('EMF records become datapoints with their dimensions and timestamp; other JSON lines are logs', () => {
  const emf = JSON.stringify({
    _aws: { Timestamp: 1000, CloudWatchMetrics: [{ Namespace: 'PredictiveScaler', Dimensions: [['AutoScalingGroupName']], Metrics: [{ Name: 'ForecastLoad', Unit: 'Count' }] }] },
    AutoScalingGroupName: 'g', ForecastLoad: 42,
  });
  const out = parseOutput(`${emf}\n{"level":"INFO","decision":"applied"}\nplain text\n`);
  expect(out.metrics).toEqual([{ namespace: 'PredictiveScaler', metricName: 'ForecastLoad', dimensions: { AutoScalingGroupName: 'g' }, timestamp: 1000, value: 42, unit: 'Count' }]);
  expect(decisionOf(out.logs)).toBe('applied');
  expect(out.text).toEqual(['plain text']);
});

describe('report', () => {
  const g = (desired: number) => ({ desired, min: 1, max: 3 });
  const points: MinutePoint[] = [
    { at: 0, load: 50, forecast: 40, group: g(1) },
    { at: 60_000, load: 150, forecast: 150, group: g(2) },
    { at: 120_000, load: 100, group: g(2) },
  ];

  test('summary: overload against desired x capacity per instance, forecast WAPE, instance-hours', () => {
    const s = summarize(points, 60);
    expect(s.overloadedMinutes).toBe(1);
    expect(s.unservedShare).toBeCloseTo(30 / 300);
    expect(s.forecastWape).toBeCloseTo(10 / 200);
    expect(s.instanceHours).toBeCloseTo(5 / 60);
    expect(s.scaleChanges).toBe(1);
  });

  test('the chart is self-contained: inline SVG, no script, no external URL', () => {
    const rows: DecisionRow[] = [{ at: 0, scaler: 'predictive', load: 50, forecast: 40, planned: 2, group: g(2), action: 'applied: desired 1->2', capacityChanged: true }];
    const html = renderChart(points, rows, { stackName: 'S', groupName: 'G', capacityPerInstance: 60, targetUtilization: 0.7, traceLabel: 't' });
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(formatTable(rows)).toMatch(/1970-01-01 00:00\s+predictive\s+50\s+40\s+2\s+2\s+1\s+3\s+applied: desired 1->2/);
  });
});

test('the patched GetMetricData answers as moto 5.2 does, in one pass', () => {
  const script = `
import random, sys
from datetime import datetime, timedelta, timezone
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '..', '..', 'scripts', 'local', 'moto-patches'))})
import sitecustomize
from moto.cloudwatch import models as cw
be = cw.CloudWatchBackend('eu-central-1', '123456789012')
t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
random.seed(7)
for name, dims in [('RequestCount', [{'Name': 'TargetGroup', 'Value': 'tg'}]), ('Other', [])]:
    data = [{'MetricName': name, 'Dimensions': dims, 'Timestamp': t0 + timedelta(seconds=random.randint(0, 3 * 86400)), 'Value': random.random() * 100, 'Unit': 'Count'} for _ in range(1500)]
    be.put_metric_data('NS', data)
queries = [{'Id': 'a', 'MetricStat': {'Metric': {'Namespace': 'NS', 'MetricName': 'RequestCount', 'Dimensions': [{'Name': 'TargetGroup', 'Value': 'tg'}]}, 'Period': 300, 'Stat': st}} for st in ['Sum', 'Average', 'Maximum', 'SampleCount']]
queries.append({'Id': 'b', 'MetricStat': {'Metric': {'Namespace': 'NS', 'MetricName': 'Other'}, 'Period': 60, 'Stat': 'Sum'}, 'ReturnData': True})
for scan in ['TimestampAscending', 'TimestampDescending']:
    start, end = t0 + timedelta(hours=5, seconds=17), t0 + timedelta(days=2, hours=3)
    fast = cw.CloudWatchBackend.get_metric_data(be, queries, start, end, scan)
    slow = sitecustomize._original(be, queries, start, end, scan)
    assert fast == slow, (scan, [len(r['values']) for r in fast], [len(r['values']) for r in slow])
    assert sum(len(r['values']) for r in fast) > 100
print('same')
`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  expect(r.stderr.split('\n').filter((l) => /Error|assert/.test(l))).toEqual([]);
  expect(r.stdout.trim()).toBe('same');
});

describe('target tracking on the simulated clock', () => {
  const cpu = { name: 'cpu', metric: 'ASGAverageCPUUtilization' as const, target: 50, disableScaleIn: false };
  const req = { name: 'req', metric: 'ALBRequestCountPerTarget' as const, target: 1000, disableScaleIn: false };

  test('scales out after 3 minutes above the target, to the capacity the load needs, within MaxSize', () => {
    const tt = new TargetTrackingSimulator([cpu], 100);
    const group = { desired: 2, min: 1, max: 5 };
    // 2 instances x 100 at 100%: a load of 300 is 150% CPU; the target 50% needs 6, MaxSize 5
    for (let i = 1; i < SCALE_OUT_POINTS; i++) expect(tt.decide(300, group)).toBeUndefined();
    expect(tt.decide(300, group)).toBe(5);
  });

  test('scales in after 15 minutes below 90% of the target only when every policy wants less, never below MinSize', () => {
    const both = new TargetTrackingSimulator([cpu, req], 100);
    const group = { desired: 4, min: 2, max: 5 };
    // load 40: CPU 10% (wants 1), requests 10 per target (wants 1): MinSize 2
    for (let i = 1; i < SCALE_IN_POINTS; i++) expect(both.decide(40, group)).toBeUndefined();
    expect(both.decide(40, group)).toBe(2);
    const noIn = new TargetTrackingSimulator([cpu, { ...req, disableScaleIn: true }], 100);
    for (let i = 0; i < 2 * SCALE_IN_POINTS; i++) expect(noIn.decide(40, group)).toBeUndefined();
  });

  test('a missing datapoint does not count as above or below', () => {
    const tt = new TargetTrackingSimulator([cpu], 100);
    expect(tt.decide(NaN, { desired: 1, min: 1, max: 3 })).toBeUndefined();
  });
});

test('the printed rows are the capacity changes, the failures and the first run of each hour', () => {
  const base = { scaler: 'predictive', load: 1, group: { desired: 1, min: 1, max: 2 }, action: 'x' };
  const rows: DecisionRow[] = [
    { ...base, at: Date.parse('2026-01-01T10:00:00Z'), capacityChanged: false },
    { ...base, at: Date.parse('2026-01-01T10:05:00Z'), capacityChanged: false },
    { ...base, at: Date.parse('2026-01-01T10:10:00Z'), capacityChanged: true },
    { ...base, at: Date.parse('2026-01-01T10:15:00Z'), capacityChanged: false, error: 'E' },
  ];
  expect(selectRows(rows).map((r) => new Date(r.at).getUTCMinutes())).toEqual([0, 10, 15]);
});
