/**
 * The local run's pure parts: trace parsing and placement, intrinsic resolution, EMF parsing, the
 * report; and the moto patch's GetMetricData against moto's own on random data.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOutput } from '../../scripts/local/capture';
import { resolveIntrinsics, type ResolveContext, UnresolvableError } from '../../scripts/local/intrinsics';
import { deepMerge } from '../../scripts/local/local-app';
import { GroupModel } from '../../lambda/core/backtest/group-model';
import { simulateGroup } from '../../lambda/core/backtest/simulate-group';
import { TargetTracking } from '../../lambda/core/backtest/target-tracking';
import { placeTrace, timeZoneOffsetMs } from '../../scripts/local/pipeline';
import { comparisonRows, formatColumns, formatTable, renderChart, runFigures, selectRows, summarize, verdict } from '../../scripts/local/report';
import { decisionOf, type DecisionRow, type MinutePoint } from '../../scripts/local/simulate';
import { trackedPolicy } from '../../scripts/local/target-tracking';
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
    const p = placeTrace(
      { start: Date.parse('1995-07-03T00:00:00Z'), stepSeconds: 60, values },
      { days: 1, scale: 2, now: Date.parse('2026-11-27T04:00:00Z') },
    );
    expect(p.historyMinutes).toBe(9 * 1440);
    expect(p.firstMinute).toBe(9 * 1440);
    expect(p.trace.values[5]).toBe(10);
    expect(() => placeTrace({ start: 0, stepSeconds: 60, values: values.slice(0, 1440) }, { days: 1, scale: 1, now: Date.now() })).toThrow(
      /at least one day of history/,
    );
  });

  test("a US trace replayed for a Berlin stack: its local clock becomes the stack's, and the simulated day is a whole local day", () => {
    expect(timeZoneOffsetMs('America/New_York', Date.parse('1995-07-10T12:00:00Z'))).toBe(-4 * 3_600_000);
    expect(timeZoneOffsetMs('Europe/Berlin', Date.parse('2026-11-27T12:00:00Z'))).toBe(3_600_000);
    const start = Date.parse('1995-07-03T00:00:00Z');
    // the load is the trace's New York hour of day
    const values = Array.from({ length: 10 * 1440 }, (_, i) => new Date(start + i * 60_000 - 4 * 3_600_000).getUTCHours());
    const now = Date.parse('2026-11-27T04:00:00Z');
    const p = placeTrace(
      { start, stepSeconds: 60, values },
      { days: 1, scale: 1, now, traceTimeZone: 'America/New_York', stackTimeZone: 'Europe/Berlin' },
    );
    expect(p.alignHours).toBe(-5);
    for (let k = 0; k < p.trace.values.length; k += 37) {
      const berlinHour = Number(
        new Date(p.trace.start + k * 60_000).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }),
      );
      expect(p.trace.values[k]).toBe(berlinHour);
    }
    const first = new Date(p.trace.start + p.firstMinute * 60_000);
    expect(first.toLocaleString('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).toBe('00:00');
    expect(p.trace.start + (p.firstMinute + p.minutes) * 60_000).toBeLessThanOrEqual(now);
  });
});

describe('intrinsics', () => {
  const ctx: ResolveContext = {
    account: '123456789012',
    region: 'eu-central-1',
    stackName: 'S',
    types: {
      Tg: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Lb: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Topic: 'AWS::SNS::Topic',
      Key: 'AWS::KMS::Key',
    },
    refs: {
      Tg: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/tg-1/abc',
      Lb: 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/lb-1/def',
      Topic: 'arn:aws:sns:eu-central-1:123456789012:alerts',
    },
  };

  test('resolves Ref, GetAtt full names, Join, Select, Split, Sub and drops AWS::NoValue', () => {
    const out = resolveIntrinsics(ctx, {
      Dimensions: [
        { Name: 'TargetGroup', Value: { 'Fn::GetAtt': ['Tg', 'TargetGroupFullName'] } },
        { Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['Lb', 'LoadBalancerFullName'] } },
      ],
      AlarmActions: [{ Ref: 'Topic' }, { Ref: 'AWS::NoValue' }],
      Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }]] },
      Second: { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] },
      Sub: { 'Fn::Sub': '${AWS::StackName}-${Topic}' },
    });
    expect(out).toEqual({
      Dimensions: [
        { Name: 'TargetGroup', Value: 'targetgroup/tg-1/abc' },
        { Name: 'LoadBalancer', Value: 'app/lb-1/def' },
      ],
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
  expect(
    deepMerge(
      { dev: { capacity: { minCapacity: 1, maxCapacity: 3 }, alertEmails: ['a'] } },
      { dev: { capacity: { maxCapacity: 4 }, alertEmails: [] } },
    ),
  ).toEqual({ dev: { capacity: { minCapacity: 1, maxCapacity: 4 }, alertEmails: [] } });
});

test('EMF records become datapoints with their dimensions and timestamp; other JSON lines are logs', () => {
  const emf = JSON.stringify({
    _aws: {
      Timestamp: 1000,
      CloudWatchMetrics: [
        { Namespace: 'PredictiveScaler', Dimensions: [['AutoScalingGroupName']], Metrics: [{ Name: 'ForecastLoad', Unit: 'Count' }] },
      ],
    },
    AutoScalingGroupName: 'g',
    ForecastLoad: 42,
  });
  const out = parseOutput(`${emf}\n{"level":"INFO","decision":"applied"}\nplain text\n`);
  expect(out.metrics).toEqual([
    {
      namespace: 'PredictiveScaler',
      metricName: 'ForecastLoad',
      dimensions: { AutoScalingGroupName: 'g' },
      timestamp: 1000,
      value: 42,
      unit: 'Count',
    },
  ]);
  expect(decisionOf(out.logs)).toBe('applied');
  expect(out.text).toEqual(['plain text']);
});

describe('report', () => {
  const g = (desired: number) => ({ desired, min: 1, max: 3 });
  const points: MinutePoint[] = [
    { at: 0, load: 50, forecast: 40, group: g(1), inService: 1, launching: 1 },
    { at: 60_000, load: 150, forecast: 150, group: g(2), inService: 2, launching: 0 },
    { at: 120_000, load: 100, group: g(2), inService: 2, launching: 0 },
  ];

  test('summary: overload against the instances in service x capacity per instance, forecast WAPE, instance-hours with launching ones', () => {
    const s = summarize(points, 60);
    expect(s.overloadedMinutes).toBe(1);
    expect(s.unservedShare).toBeCloseTo(30 / 300);
    expect(s.forecastWape).toBeCloseTo(10 / 200);
    expect(s.instanceHours).toBeCloseTo(6 / 60); // the launching instance is paid
    expect(s.scaleChanges).toBe(1);
  });

  test('the chart is self-contained: inline SVG, no script, no external URL', () => {
    const rows: DecisionRow[] = [
      { at: 0, scaler: 'predictive', load: 50, forecast: 40, planned: 2, group: g(2), action: 'applied: desired 1->2', capacityChanged: true },
    ];
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

describe("target tracking: the core model the local run evaluates the group's policies with", () => {
  const cpu = trackedPolicy('cpu', 'ASGAverageCPUUtilization', 50, 100);
  const req = trackedPolicy('req', 'ALBRequestCountPerTarget', 1000, 100);
  const state = (inService: number, desired: number, minSize: number, maxSize: number, launching = 0) => ({
    inService,
    desired,
    minSize,
    maxSize,
    launching,
  });

  test('scales out after 3 minutes above the target, to the capacity the load needs, within MaxSize', () => {
    const tt = new TargetTracking([cpu]);
    // 2 instances x 100 at 100%: a load of 300 is 150% CPU; the target 50% needs 6, MaxSize 5
    for (let i = 1; i < 3; i++) expect(tt.evaluate(300, state(2, 2, 1, 5))).toBeUndefined();
    expect(tt.evaluate(300, state(2, 2, 1, 5))).toBe(5);
  });

  test('scales in after 15 minutes below 90% of the target only when every policy wants less, never below MinSize, not while launching', () => {
    const both = new TargetTracking([cpu, req]);
    // load 40: CPU 10% (wants 1), requests 10 per target (wants 1): MinSize 2
    for (let i = 1; i < 15; i++) expect(both.evaluate(40, state(4, 4, 2, 5))).toBeUndefined();
    expect(both.evaluate(40, state(4, 4, 2, 5, 1))).toBeUndefined();
    expect(both.evaluate(40, state(4, 4, 2, 5))).toBe(2);
    const noIn = new TargetTracking([cpu, { ...req, disableScaleIn: true }]);
    for (let i = 0; i < 30; i++) expect(noIn.evaluate(40, state(4, 4, 2, 5))).toBeUndefined();
  });

  test('a missing datapoint does not count as above or below', () => {
    const tt = new TargetTracking([cpu]);
    tt.evaluate(300, state(1, 1, 1, 3));
    tt.evaluate(300, state(1, 1, 1, 3));
    expect(tt.evaluate(NaN, state(1, 1, 1, 3))).toBeUndefined();
    expect(tt.evaluate(300, state(1, 1, 1, 3))).toBe(3);
  });

  test('a changed target applies from the next datapoint; the counts go on (the new alarms read the datapoints already there)', () => {
    const tt = new TargetTracking([cpu]);
    tt.evaluate(300, state(2, 2, 1, 10));
    tt.evaluate(300, state(2, 2, 1, 10));
    tt.setTarget('cpu', 75);
    // 150% CPU is above 75% for the third datapoint: 300 / (100 x 0.75) = 4 instances
    expect(tt.evaluate(300, state(2, 2, 1, 10))).toBe(4);
    expect(() => tt.setTarget('nope', 50)).toThrow('no target tracking policy named nope');
  });
});

describe('group model', () => {
  test('a launch costs from the next minute and serves after the launch lead; scale-in drops launching instances first', () => {
    const g = new GroupModel({ capacityPerInstance: 10, launchLeadSeconds: 300, stepSeconds: 60, minSize: 1, maxSize: 4, initialCapacity: 1 });
    g.startStep();
    expect(g.serve(25)).toBe(15);
    g.update({ desired: 3 });
    expect(g.reconcile()).toBe(2);
    for (let t = 1; t <= 5; t++) {
      g.startStep();
      expect([g.inService, g.launching]).toEqual([1, 2]);
    }
    g.startStep();
    expect([g.inService, g.launching]).toEqual([3, 0]);
    g.update({ desired: 4 });
    g.reconcile();
    g.update({ desired: 2 });
    g.reconcile();
    expect([g.inService, g.launching]).toEqual([2, 0]);
    expect(g.totals.instanceSteps).toBe(1 + 5 * 3 + 3);
    expect(() => g.update({ minSize: 5 })).toThrow('MinSize 5 would exceed MaxSize 4');
  });

  test("the local run's baseline: the same minutes through simulateGroup with the group's policies keep the bounds and count the same totals", () => {
    const values = [...Array(120)].map((_, i) => (i < 60 ? 100 : 400));
    const r = simulateGroup(
      values,
      0,
      60,
      {
        capacityPerInstance: 100,
        targetUtilization: 0.7,
        minCapacity: 1,
        maxCapacity: 3,
        launchLeadSeconds: 300,
        policies: [trackedPolicy('cpu', 'ASGAverageCPUUtilization', 60, 100), trackedPolicy('req', 'ALBRequestCountPerTarget', 1200, 100)],
        initialCapacity: 1,
      },
      undefined,
      1,
    );
    expect(Math.max(...r.capacity)).toBe(3);
    expect(r.capacity[60 + 3 + 5]).toBe(3); // 3 minutes above the target, then the launch lead
    expect(r.overloadSteps).toBeGreaterThan(0);
    expect(r.instanceSteps).toBeGreaterThan(119);
  });
});

test("the comparison names target tracking alone with both runs' unserved share and instance-hours", () => {
  const scalers = runFigures({ instanceSteps: 2400, unservedLoad: 1, totalLoad: 1000, overloadSteps: 3 }, 1440, 0.0104);
  const alone = runFigures({ instanceSteps: 2700, unservedLoad: 26, totalLoad: 1000, overloadSteps: 115 }, 1440, 0.0104);
  const c = { scalers, alone, aloneInService: [], instanceType: 't3.micro', pricePerHour: 0.0104 };
  const table = formatColumns(comparisonRows(c));
  expect(table).toMatch(/load unserved\s+0\.10%\s+2\.60%/);
  expect(table).toMatch(/instance-hours\s+40\.0\s+45\.0/);
  expect(verdict(c)).toBe(
    'On this trace the scalers left 0.10% of the load unserved against 2.60% with target tracking alone (3 minutes over capacity against 115), on 40.0 instance-hours instead of 45.0 ($0.05 less).',
  );
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
