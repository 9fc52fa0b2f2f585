import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatMisses, main, parseArgs } from '../../bin/scaling-backtest';
import { readMetricCsv } from '../../lambda/core/backtest/read-metric-csv';
import { runBacktest } from '../../lambda/core/backtest/run-backtest';
import { DAY, daily, series } from '../lambda/core/synthetic-load';

const ROOT = path.join(__dirname, '..', '..');
const T0 = Date.UTC(2026, 0, 5);

function runCli(args: string[]) {
  return spawnSync('npx', ['tsx', 'bin/scaling-backtest.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
}

describe('scaling-backtest CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaling-backtest-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('replays a five-minute CSV export, prints the comparison and writes a self-contained chart', () => {
    // 3 days of a daily shape, exported every 5 minutes, with a header and one broken row
    const values = series(3, daily, 0.05).filter((_, i) => i % 5 === 0);
    const rows = values.map((v, i) => `${new Date(T0 + i * 300_000).toISOString()},${v.toFixed(3)}`);
    rows.splice(100, 0, '2026-01-05T08:20:00Z,n/a');
    const csv = path.join(dir, 'metric.csv');
    fs.writeFileSync(csv, ['timestamp,value', ...rows].join('\n'));
    const out = path.join(dir, 'chart.html');

    const r = runCli([
      '--csv',
      csv,
      '--capacity-per-instance',
      '10',
      '--target',
      '0.6',
      '--launch-lead',
      '5m',
      '--interval',
      '15m',
      '--warmup-days',
      '1',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/metric\.csv: 864 rows every 300s \(1 unparsable rows skipped\), 3\.0 days at one minute, 2\.0 days scored/);
    expect(r.stdout).toMatch(/capacity per instance 10\.000, target 0\.6, group 1\.\.\d+/);
    expect(r.stdout).toMatch(/policy\s+instance-hours\s+unserved load\s+overloaded minutes\s+launches\s+ms\/plan/);
    // the frontier: the planner at each budget, target tracking alone at the same cost, and at the target
    const row = (label: RegExp) => {
      const m = new RegExp(`${label.source}\\s+([\\d.]+)\\s+([\\d.]+)%\\s+([\\d.]+)%\\s+(\\d+)`).exec(r.stdout);
      expect(m).not.toBeNull();
      return { hours: Number(m![1]), unserved: Number(m![2]) };
    };
    const planner = [0.01, 0.1, 1].map((b) => row(new RegExp(`planner, budget ${b}%`)));
    const sameCost = [...r.stdout.matchAll(/target tracking alone at (\d\.\d\d) \(same cost\)\s+([\d.]+)\s+([\d.]+)%/g)];
    expect(sameCost).toHaveLength(3);
    const reactive = row(/target tracking alone {2,}/);
    for (const m of [...planner, reactive]) {
      // two scored days of 160/10/0.6 = up to 27 instances: instance-hours in a plausible range
      expect(m.hours).toBeGreaterThan((2 * 24 * 100) / 6);
      expect(m.hours).toBeLessThan(2 * 24 * 40);
    }
    // a larger budget never costs more; target tracking at the same cost is within 5% of the planner's cost
    expect(planner[2].hours).toBeLessThanOrEqual(planner[0].hours * 1.001);
    sameCost.forEach((m, i) => expect(Math.abs(Number(m[2]) / planner[i].hours - 1)).toBeLessThan(0.05));
    // the planner scales ahead of the daily rise: it leaves no more load unserved than target tracking
    expect(planner[1].unserved).toBeLessThanOrEqual(reactive.unserved);
    // the budget alarm (RealizedUnservedPercent above the budget for more than a day), on the planner's rows only
    expect(r.stdout).toMatch(/ms\/plan\s+budget alarm/);
    [0.01, 0.1, 1].forEach((b, i) => {
      const m = new RegExp(`planner, budget ${b}%.*\\s(\\d+)x, (\\d+(?:\\.\\d+)?) h\\s*$`, 'm').exec(r.stdout);
      expect(m).not.toBeNull();
      // hours in ALARM, within the two scored days
      expect(Number(m![2])).toBeLessThanOrEqual(48);
      if (planner[i].unserved === 0) expect(m![1]).toBe('0');
    });
    expect(r.stdout).not.toMatch(/target tracking alone.*\dx, [\d.]+ h/);
    // where the unserved load came from, at the budget the chart draws
    expect(r.stdout).toMatch(
      /where the planner's unserved load came from \(budget 0\.01%\):\n\n(no load went unserved|what the metric had shown before the miss)/,
    );
    expect(r.stdout).toContain(`chart: ${out}`);

    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect((html.match(/<path d="M/g) ?? []).length).toBe(6);
    expect(html).toContain('capacity, planner + target tracking');
    expect(html).toContain('<td>target tracking alone</td>');
    expect(html).toContain('Frontier: what each unserved budget costs');
    expect((html.match(/<circle /g) ?? []).length).toBe(7);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  }, 300_000);

  test('says where the unserved load came from: a jump above anything the metric showed is new, its recurrence the next day time of day', () => {
    // 4 days of a daily shape; on day 3 at 12:00 ten minutes at 6x, and on day 4 at 12:05 ten
    // minutes at 8x (within 1.5x of the day before at that time, above what the plan holds)
    const values = Float64Array.from(series(4, daily, 0.02));
    for (const [at, x] of [
      [2 * DAY + 720, 6],
      [3 * DAY + 725, 8],
    ])
      for (let k = 0; k < 10; k++) values[at + k] = x * daily(at + k);
    const result = runBacktest(values, T0, 60, { capacityPerInstance: 10, warmupSteps: 2 * DAY, planIntervalSeconds: 900 });
    const text = formatMisses(values, result, T0, 60).join('\n');
    expect(text).toMatch(/^what the metric had shown before the miss\s+episodes\s+unserved load$/m);
    const share = (origin: string) => Number(new RegExp(`^${origin}: .*\\s(\\d+)\\s+([\\d.]+)%$`, 'm').exec(text)![2]);
    expect(share('new')).toBeGreaterThan(0);
    expect(share('time of day')).toBeGreaterThan(0);
    // the largest episodes: when, and what the metric had shown before (in instances at 100%)
    expect(text).toMatch(/^2026-01-07 12:0\d\s+\d+\s+[\d.]+%\s+[\d.]+\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+new$/m);
    expect(text).toMatch(/^2026-01-08 12:0\d\s+\d+\s+[\d.]+%.*time-of-day$/m);
    const total = ['recent', 'time of day', 'record', 'new'].reduce((a, o) => a + share(o), 0);
    expect(total).toBeCloseTo((100 * result.planned.unservedLoad) / result.planned.totalLoad, 3);
  });

  test('explains wrong usage with exit code 2, and a broken file with exit code 1', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(main(['--target', '2'])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/--target must be in \(0, 1\] \(got "2"\)/);
      expect(main([])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/--csv is required/);
      expect(main(['--launch-lead', 'soon'])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/--launch-lead takes a duration/);
      const broken = path.join(dir, 'broken.csv');
      fs.writeFileSync(broken, 'timestamp,value\nyesterday,lots\n');
      expect(main(['--csv', broken])).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/no "timestamp,value" row could be parsed/);
    } finally {
      stderr.mockRestore();
    }
  });

  test('parses durations and numbers', () => {
    expect(
      parseArgs(['--launch-lead', '5m', '--interval', '90s', '--capacity-per-instance', '2.5', '--min', '0', '--max', '9', '--budgets', '0.05,2']),
    ).toEqual({
      launchLeadSeconds: 300,
      intervalSeconds: 90,
      capacityPerInstance: 2.5,
      min: 0,
      max: 9,
      budgetsPercent: [0.05, 2],
    });
    expect(() => parseArgs(['--budgets', '0.1,x'])).toThrow(/--budgets must be percentages in \[0, 100\) \(got "x"\)/);
    expect(() => parseArgs(['--max', '0'])).toThrow(/--max must be a whole number >= 1/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown argument "--bogus"/);
  });

  test('a bad command line is refused naming the flag and the value', () => {
    expect(() => parseArgs(['--csv', 'load.csv', '--targte', '0.6'])).toThrow(/^unknown argument "--targte" \(see --help\)$/);
    expect(() => parseArgs(['--csv'])).toThrow(/^--csv needs a value$/);
    expect(() => parseArgs(['load.csv'])).toThrow(/^unexpected argument "load\.csv": every value follows its flag/);
    expect(() => parseArgs(['--min', '-1'])).toThrow(/^--min "-1": a value that starts with "-" is written --min=-1$/);
    expect(() => parseArgs(['--min=-1'])).toThrow(/^--min must be a whole number >= 0 \(got "-1"\)$/);
    expect(() => parseArgs(['--help=yes'])).toThrow(/^--help takes no value$/);
    // --flag=value is the same as --flag value, and -h is --help
    expect(parseArgs(['--target=0.6', '--out', 'c.html', '-h'])).toEqual({ target: 0.6, out: 'c.html', help: true });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(main(['--csv', 'load.csv', '--bogus', '3'])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toBe('scaling-backtest: unknown argument "--bogus" (see --help)\n');
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('readMetricCsv', () => {
  test('resamples to one minute: averages within a minute, spreads a coarser row, keeps gaps', () => {
    const text = [
      'time,load',
      '2026-01-05T00:00:10Z,10',
      '2026-01-05T00:00:40Z,20',
      '1767571260,30', // epoch seconds, 00:01
      '1767571380000,40', // epoch milliseconds, 00:03 (00:02 has no point)
    ].join('\n');
    const m = readMetricCsv(text);
    expect(m.start).toBe(T0);
    expect(Array.from(m.values.slice(0, 3))).toEqual([15, 30, NaN]);
    expect(m.values[3]).toBe(40);
    const five = readMetricCsv(['2026-01-05T00:00:00Z,1', '2026-01-05T00:05:00Z,2', '2026-01-05T00:10:00Z,3'].join('\n'));
    expect(Array.from(five.values)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(five.sourceStepSeconds).toBe(300);
    expect(() => readMetricCsv('timestamp,value\nfoo,bar\n')).toThrow(/no "timestamp,value" row/);
  });
});

describe('runBacktest', () => {
  test('defaults capacity per instance to what makes the busy minutes need 10 instances', () => {
    const values = Float64Array.from(series(2, daily));
    const r = runBacktest(values, T0, 60, { warmupSteps: DAY, planIntervalSeconds: 1800 });
    const p99 = Array.from(values).sort((a, b) => a - b)[Math.floor(0.99 * (values.length - 1))];
    expect(r.capacityPerInstance).toBeCloseTo(p99 / 7, 0);
    expect(r.summary.map((s) => s.policy)).toEqual(['predictive planner + target tracking', 'target tracking alone']);
    expect(r.summary[0].planErrors).toBe(0);
    expect(() => runBacktest(new Float64Array(100), T0, 60)).toThrow(/no positive value/);
  });
});
