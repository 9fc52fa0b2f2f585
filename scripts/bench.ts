/**
 * `npm run bench`: the predictive planner on the public traces in data/traces/, through the
 * product's own group model (lambda/core/backtest: the group, its launch lead and target
 * tracking), under the capacity-planning benchmark's contract:
 *
 * - one step is one minute; the planner is called every 15 minutes (--interval) with up to 14
 *   days of history (--history), a 5-minute launch lead (--launch), target utilization 0.7
 *   (--target); target tracking always runs beside it (3 points above the target scale out to
 *   what the load needs, 15 points below 90% of it scale in, not while instances launch);
 * - every plan is also given the instances the simulated group had in service over the same
 *   minutes (`capacityHistory`, as the reference scorer passes GroupInServiceInstances), from which
 *   the planner measures the unserved share its own past plans really left;
 * - the first 7 days of a trace (half of a shorter one) are history only, the rest is scored;
 * - one instance serves the trace's 99th-percentile load / 30 at 100%; MinSize 1, MaxSize 1.5
 *   times what the peak needs at the target;
 * - reported per trace and policy: cost/oracle (instance-minutes, launching ones included, over
 *   those of the oracle that runs exactly what each minute needs at the target, launched just in
 *   time; both over the scored minutes with a datapoint, so a gap in a trace counts for neither),
 *   overload% (scored minutes with load above what the serving instances carry),
 *   unserved% (share of the scored load above it), launches, forecast WAPE (beside the
 *   same-minute-yesterday forecast's), ms per plan, plan errors;
 * - reference policies: `reactive` (target tracking alone), `hourly-seasonal` (an approximation
 *   of AWS predictive scaling: the hour of day's mean load over the history as MinSize, 5 minutes
 *   early), `static-peak` (the scored peak all the time), and with --reactive-targets U,...
 *   target tracking alone at those lower targets (the oracle stays at --target): what the same
 *   money buys without a planner.
 *
 *   npm run bench -- [--only a,b] [--traces DIR] [--json FILE] [--interval MIN] [--launch MIN]
 *                    [--target U] [--history DAYS] [--reactive-targets U,U,...]
 *                    [--unserved-budget PERCENT]   (the planner's risk budget; default 0.03)
 *   npm run bench -- --merge A.json,B.json   (the summary of split runs' --json, in their order)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REALIZED_UNSERVED_WINDOW_MINUTES, realizedUnservedAlarmWindow } from '../lambda/contract';
import { readMetricCsv } from '../lambda/core/backtest/read-metric-csv';
import { MISS_ORIGINS, type MissOrigin, missEpisodes, summarizeMisses } from '../lambda/core/backtest/miss-episodes';
import { type RealizedAlarmOutcome, replayRealizedAlarm } from '../lambda/core/backtest/realized-alarm';
import { type PlannerSchedule, simulateGroup, type SimulationResult } from '../lambda/core/backtest/simulate-group';
import { DEFAULT_MAX_REALIZED_BOOST, DEFAULT_PLANNER_UNSERVED_BUDGET, planCapacity } from '../lambda/core/plan-capacity';
import type { PlanInput, PlanOutput } from '../lambda/core/plan-types';

const DAY = 1440;

interface Options {
  merge?: string[];
  traces: string;
  only?: string[];
  json?: string;
  unservedBudgetPercent?: number;
  interval: number;
  launch: number;
  target: number;
  history: number;
  reactiveTargets: number[];
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      merge: { type: 'string' },
      traces: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
      interval: { type: 'string' },
      launch: { type: 'string' },
      target: { type: 'string' },
      history: { type: 'string' },
      'unserved-budget': { type: 'string' },
      'reactive-targets': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    const lines = fs.readFileSync(__filename, 'utf8').split('\n');
    console.log(
      lines
        .slice(1, lines.indexOf(' */'))
        .map((l) => l.replace(/^ \*\s?/, ''))
        .join('\n'),
    );
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, dflt: number, ok: (n: number) => boolean) => {
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || !ok(n)) throw new Error(`--${name}: '${raw}' is out of range`);
    return n;
  };
  const unit = (n: number) => n > 0 && n <= 1;
  return {
    merge: values.merge?.split(','),
    traces: path.resolve(values.traces ?? path.join(__dirname, '..', 'data', 'traces')),
    only: values.only?.split(','),
    json: values.json,
    interval: num('interval', values.interval, 15, (n) => Number.isInteger(n) && n >= 1),
    launch: num('launch', values.launch, 5, (n) => Number.isInteger(n) && n >= 0),
    target: num('target', values.target, 0.7, unit),
    history: num('history', values.history, 14, (n) => n >= 1),
    unservedBudgetPercent:
      values['unserved-budget'] === undefined ? undefined : num('unserved-budget', values['unserved-budget'], 0, (n) => n >= 0 && n < 100),
    reactiveTargets: values['reactive-targets'] ? values['reactive-targets'].split(',').map((u) => num('reactive-targets', u, 0, unit)) : [],
  };
}

/** The q-quantile of the finite values, the benchmark's definition (no interpolation). */
function quantile(values: ArrayLike<number>, q: number): number {
  const s = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** AWS predictive scaling, approximately: each coming hour's mean load over the history as MinSize, 5 minutes early. */
export function hourlySeasonal(input: PlanInput): PlanOutput {
  const { now, history, capacityPerInstance, targetUtilization, minCapacity, maxCapacity, horizonSeconds } = input;
  const sum = new Float64Array(24);
  const count = new Float64Array(24);
  for (let i = 0; i < history.values.length; i++) {
    const v = history.values[i];
    if (!Number.isFinite(v)) continue;
    const h = new Date(history.start + i * history.stepSeconds * 1000).getUTCHours();
    sum[h] += v;
    count[h]++;
  }
  const schedule = [];
  const firstHour = Math.ceil(now / 3_600_000) * 3_600_000;
  for (let hs = firstHour - 3_600_000; hs < now + horizonSeconds * 1000 + 3_600_000; hs += 3_600_000) {
    const h = new Date(hs).getUTCHours();
    if (!count[h]) continue;
    const cap = Math.ceil(sum[h] / count[h] / (capacityPerInstance * targetUtilization));
    schedule.push({ at: Math.max(now, hs - 300_000), minCapacity: clamp(cap, minCapacity, maxCapacity) });
  }
  return { schedule };
}

interface Env {
  perInstance: number;
  minCapacity: number;
  maxCapacity: number;
  scoreFrom: number;
}

/** The oracle's instance-minutes: exactly what each scored minute needs at the target, launched just in time. */
function oracleCost(values: Float64Array, env: Env, o: Options): number {
  let cost = 0;
  let prev: number | undefined;
  for (let t = env.scoreFrom; t < values.length; t++) {
    if (!Number.isFinite(values[t])) continue;
    const c = Math.max(env.minCapacity, Math.ceil(values[t] / (env.perInstance * o.target)));
    cost += c + (prev !== undefined && c > prev ? (c - prev) * o.launch : 0);
    prev = c;
  }
  return cost;
}

interface PolicyRow {
  costRatio: number;
  overloadPct: number;
  unservedPct: number;
  launches?: number;
  plannerCalls?: number;
  plannerErrors?: number;
  plannerMsPerCall?: number;
  forecastWape?: number;
  naiveDayWape?: number;
  /** The planner's promise watched: the construct's alarm on RealizedUnservedPercent over the scored minutes. */
  realizedAlarm?: RealizedAlarmOutcome & { budgetPct: number; intervalMinutes: number };
  /** The planner's unserved load by what the metric had shown before each miss (`missEpisodes`), in percent of the scored load. */
  misses?: { byOriginPct: Record<MissOrigin, number>; episodes: number; largestPct: number; historyDays: number };
}

function forecastErrors(values: Float64Array, r: SimulationResult, scoreFrom: number): { wape?: number; naive?: number } {
  let err = 0;
  let naive = 0;
  let actual = 0;
  for (let t = Math.max(scoreFrom, DAY); t < values.length; t++) {
    const f = r.forecast[t];
    if (!Number.isFinite(values[t]) || !Number.isFinite(f) || !Number.isFinite(values[t - DAY])) continue;
    err += Math.abs(f - values[t]);
    naive += Math.abs(values[t - DAY] - values[t]);
    actual += values[t];
  }
  return actual > 0 ? { wape: err / actual, naive: naive / actual } : {};
}

function scoreTrace(file: string, stepSeconds: number, o: Options): { days: number; scoredDays: number; policies: Record<string, PolicyRow> } {
  const m = readMetricCsv(fs.readFileSync(file, 'utf8'), 60);
  if (Math.round(m.sourceStepSeconds) !== stepSeconds)
    throw new Error(`${file}: rows ${m.sourceStepSeconds} s apart, the manifest says ${stepSeconds}`);
  const values = m.values;
  const n = values.length;
  let peak = 0;
  for (const v of values) if (v > peak) peak = v;
  const perInstance = quantile(values, 0.99) / 30;
  const env: Env = {
    perInstance,
    minCapacity: 1,
    maxCapacity: Math.ceil((1.5 * peak) / (perInstance * o.target)),
    scoreFrom: Math.min(7 * DAY, Math.floor(n / 2)),
  };
  const oracle = oracleCost(values, env, o);
  const planner = (plan: (input: PlanInput) => PlanOutput): PlannerSchedule => ({
    intervalSeconds: o.interval * 60,
    historySeconds: o.history * 86_400,
    horizonSeconds: Math.max(2 * o.interval, 60) * 60,
    warmupSteps: 60,
    plan,
  });
  const run = (target: number, p?: PlannerSchedule, budget?: number): PolicyRow => {
    const r = simulateGroup(
      values,
      m.start,
      60,
      {
        capacityPerInstance: perInstance,
        targetUtilization: target,
        minCapacity: env.minCapacity,
        maxCapacity: env.maxCapacity,
        launchLeadSeconds: o.launch * 60,
      },
      p,
      env.scoreFrom,
    );
    const f = p ? forecastErrors(values, r, env.scoreFrom) : {};
    // RealizedUnservedPercent as the handler publishes it (once per run, here every plan) and the
    // construct's alarm on it for that schedule
    const alarmWindow = realizedUnservedAlarmWindow(o.interval * 60);
    const realizedAlarm =
      budget === undefined
        ? undefined
        : replayRealizedAlarm(values, r.capacity, m.start, 60_000, {
            capacityPerInstance: perInstance,
            targetUtilization: target,
            minCapacity: env.minCapacity,
            unservedBudget: budget,
            windowSteps: REALIZED_UNSERVED_WINDOW_MINUTES,
            everySteps: o.interval,
            periodSteps: alarmWindow.periodSeconds / 60,
            periods: alarmWindow.periods,
            from: env.scoreFrom,
          });
    // where the planner's unserved load came from
    const misses =
      budget === undefined
        ? undefined
        : summarizeMisses(
            missEpisodes(values, r.capacity, {
              capacityPerInstance: perInstance,
              stepSeconds: 60,
              from: env.scoreFrom,
              historySeconds: o.history * 86_400,
            }),
            r.totalLoad,
          );
    // instance-minutes paid over the scored minutes with a datapoint, as the oracle's are counted
    let paid = 0;
    for (let t = env.scoreFrom; t < n; t++) if (Number.isFinite(values[t])) paid += r.paid[t];
    return {
      costRatio: paid / oracle,
      overloadPct: (100 * r.overloadSteps) / Math.max(1, countFinite(values, env.scoreFrom)),
      unservedPct: r.totalLoad > 0 ? (100 * r.unservedLoad) / r.totalLoad : 0,
      launches: r.launches,
      ...(p ? { plannerCalls: r.plans, plannerErrors: r.planErrors, plannerMsPerCall: r.planMs / Math.max(1, r.plans + r.planErrors) } : {}),
      ...(f.wape !== undefined ? { forecastWape: f.wape, naiveDayWape: f.naive } : {}),
      ...(realizedAlarm ? { realizedAlarm: { ...realizedAlarm, budgetPct: 100 * budget!, intervalMinutes: o.interval } } : {}),
      ...(misses
        ? {
            misses: {
              byOriginPct: Object.fromEntries(MISS_ORIGINS.map((k) => [k, 100 * misses.byOrigin[k].unservedShare])) as Record<MissOrigin, number>,
              episodes: MISS_ORIGINS.reduce((a, k) => a + misses.byOrigin[k].episodes, 0),
              largestPct: r.totalLoad > 0 ? (100 * (misses.largest?.unserved ?? 0)) / r.totalLoad : 0,
              historyDays: o.history,
            },
          }
        : {}),
    };
  };
  const policies: Record<string, PolicyRow> = {
    reactive: run(o.target),
    'hourly-seasonal': run(o.target, planner(hourlySeasonal)),
  };
  for (const u of o.reactiveTargets) policies[`reactive@${u}`] = run(u);
  const budget = o.unservedBudgetPercent !== undefined ? o.unservedBudgetPercent / 100 : DEFAULT_PLANNER_UNSERVED_BUDGET;
  policies.candidate = run(
    o.target,
    planner((input) => planCapacity(input, { unservedBudget: budget })),
    budget,
  );
  let peakNeed = env.minCapacity;
  for (let t = env.scoreFrom; t < n; t++)
    if (Number.isFinite(values[t])) peakNeed = Math.max(peakNeed, Math.ceil(values[t] / (perInstance * o.target)));
  policies['static-peak'] = { costRatio: (peakNeed * countFinite(values, env.scoreFrom)) / oracle, overloadPct: 0, unservedPct: 0 };
  return { days: n / DAY, scoredDays: (n - env.scoreFrom) / DAY, policies };
}

function countFinite(values: Float64Array, from: number): number {
  let c = 0;
  for (let t = from; t < values.length; t++) if (Number.isFinite(values[t])) c++;
  return c;
}

const LABELS: Record<string, string> = {
  reactive: 'target tracking alone',
  'hourly-seasonal': 'hourly seasonal (AWS-style predictive)',
  candidate: 'this planner + target tracking',
  'static-peak': 'static peak',
};
const label = (p: string) => LABELS[p] ?? (p.startsWith('reactive@') ? `target tracking alone at ${p.slice(9)}` : p);

function main(): void {
  const o = options(process.argv.slice(2));
  if (o.merge) {
    const rows = o.merge.flatMap((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { traces: TraceRow[] }).traces);
    printSummary(rows);
    return;
  }
  const manifest = (
    JSON.parse(fs.readFileSync(path.join(o.traces, 'manifest.json'), 'utf8')) as Array<{ name: string; file: string; step?: number }>
  ).filter((t) => !o.only || o.only.includes(t.name));
  if (manifest.length === 0) throw new Error(`no trace of ${path.join(o.traces, 'manifest.json')} matches --only ${(o.only ?? []).join(',')}`);
  console.log(
    `scoring ${manifest.length} traces from ${path.relative(process.cwd(), o.traces) || '.'}: planner every ${o.interval} min, launch lead ${o.launch} min, target ${o.target}, up to ${o.history} days of history`,
  );
  const rows: TraceRow[] = [];
  for (const t of manifest) {
    const row = { trace: t.name, ...scoreTrace(path.join(o.traces, t.file), t.step ?? 60, o) };
    rows.push(row);
    console.log(`\n${t.name}  (${row.days.toFixed(1)} days, ${row.scoredDays.toFixed(1)} scored)`);
    console.log('  policy            cost/oracle  overload%  unserved%  launches  forecastWAPE          ms/plan');
    for (const [p, r] of Object.entries(row.policies)) {
      const wape = r.forecastWape !== undefined ? `${r.forecastWape.toFixed(3)} (naive ${r.naiveDayWape!.toFixed(3)})` : '';
      console.log(
        `  ${p.padEnd(17)} ${r.costRatio.toFixed(3).padStart(11)}  ${r.overloadPct.toFixed(2).padStart(9)}  ${r.unservedPct.toFixed(3).padStart(9)}  ` +
          `${String(r.launches ?? '').padStart(8)}  ${wape.padEnd(20)}  ${r.plannerMsPerCall !== undefined ? r.plannerMsPerCall.toFixed(2) : ''}` +
          `${r.plannerErrors ? `  ERRORS ${r.plannerErrors}` : ''}`,
      );
    }
  }
  const summary = printSummary(rows);
  if (o.json)
    fs.writeFileSync(
      o.json,
      JSON.stringify({ settings: { interval: o.interval, launch: o.launch, target: o.target, history: o.history }, traces: rows, summary }, null, 2),
    );
  const errors = summary.reduce((a, s) => a + (s.plannerErrors ?? 0), 0);
  if (errors > 0) {
    console.error(`\n${errors} plans threw`);
    process.exitCode = 1;
  }
}

type TraceRow = { trace: string; days: number; scoredDays: number; policies: Record<string, PolicyRow> };

/** The summary over the traces, printed as the README's markdown table (and the timings beside it). */
export function printSummary(rows: readonly TraceRow[]) {
  const names = Object.keys(rows[0].policies);
  const summary = names.map((p) => {
    const rs = rows.map((r) => ({ trace: r.trace, ...r.policies[p] }));
    const worst = rs.reduce((a, b) => (b.unservedPct > a.unservedPct ? b : a));
    return {
      policy: p,
      costRatioGeomean: Math.exp(rs.reduce((a, x) => a + Math.log(x.costRatio), 0) / rs.length),
      overloadPctMean: rs.reduce((a, x) => a + x.overloadPct, 0) / rs.length,
      unservedPctMean: rs.reduce((a, x) => a + x.unservedPct, 0) / rs.length,
      worstUnserved: worst.unservedPct > 0 ? `${worst.unservedPct.toFixed(3)} (${worst.trace})` : '0.000',
      plannerErrors: rs.some((x) => x.plannerErrors !== undefined) ? rs.reduce((a, x) => a + (x.plannerErrors ?? 0), 0) : undefined,
      msPerPlanMedian: rs.some((x) => x.plannerMsPerCall !== undefined) ? median(rs.map((x) => x.plannerMsPerCall ?? NaN)) : undefined,
    };
  });
  console.log(`\nsummary over ${rows.length} traces (geometric mean of cost/oracle; mean of the percentages), \`npm run bench\`:\n`);
  console.log('| policy | cost/oracle (geometric mean) | overload% (mean) | unserved% (mean) | worst trace unserved% | plan errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of summary) {
    const bold = s.policy === 'candidate' ? (x: string) => `**${x}**` : (x: string) => x;
    console.log(
      `| ${[
        label(s.policy),
        s.costRatioGeomean.toFixed(3),
        s.overloadPctMean.toFixed(2),
        s.unservedPctMean.toFixed(3),
        s.worstUnserved,
        s.plannerErrors !== undefined ? String(s.plannerErrors) : '',
      ]
        .map((c) => (c ? bold(c) : c))
        .join(' | ')} |`,
    );
  }
  // Timings depend on the machine and its load: beside the table, not in it.
  console.log(
    `\nms per plan, median over the traces (this machine, now): ${summary
      .filter((s) => s.msPerPlanMedian !== undefined)
      .map((s) => `${label(s.policy)} ${s.msPerPlanMedian!.toFixed(1)}`)
      .join('; ')}`,
  );
  printPromiseWatched(rows);
  printMissOrigins(rows);
  return summary;
}

/** Whether the construct's alarm on RealizedUnservedPercent fired where the budget was broken, and only there. */
function printPromiseWatched(rows: readonly TraceRow[]): void {
  const watched = rows.flatMap((r) => {
    const c = r.policies.candidate;
    return c?.realizedAlarm ? [{ trace: r.trace, unservedPct: c.unservedPct, ...c.realizedAlarm }] : [];
  });
  if (watched.length === 0) return;
  const budget = watched[0].budgetPct;
  const w = realizedUnservedAlarmWindow(watched[0].intervalMinutes * 60);
  console.log(
    `\nthe promise watched: RealizedUnservedPercent (the last ${REALIZED_UNSERVED_WINDOW_MINUTES / 60} hours, once per plan: every ${watched[0].intervalMinutes} minutes) and the alarm when its minimum per ${w.periodSeconds / 60} minutes stays above the budget (${budget}%) for ${w.periods} periods in a row (evaluated every minute over a sliding window), this planner:\n`,
  );
  console.log('| trace | unserved% (scored) | rolling day above the budget (share of the shares) | alarm: times, hours |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const x of watched)
    console.log(
      `| ${x.trace} | ${x.unservedPct.toFixed(4)} | ${((100 * x.aboveBudget) / Math.max(1, x.datapoints)).toFixed(1)}% | ${x.alarms}, ${(x.alarmSteps / 60).toFixed(1)} |`,
    );
  const broken = watched.filter((w) => w.unservedPct > budget);
  const kept = watched.filter((w) => !(w.unservedPct > budget));
  const fired = (ws: typeof watched) => ws.filter((w) => w.alarms > 0).length;
  const traces = (n: number) => `${n} trace${n === 1 ? '' : 's'}`;
  console.log(
    `\nbudget broken over the scored days on ${traces(broken.length)}, the alarm fired on ${fired(broken)} of them; kept on ${traces(kept.length)}, the alarm fired on ${fired(kept)} (it watches days, not the whole run)`,
  );
}

/**
 * Where the planner's unserved load came from, per trace: what the metric had shown before each
 * miss (`missEpisodes`: within 1.5x of the last two hours, of the same time of day on the 7 days
 * before, of the highest load of the planner's history (`--history`, 14 days by default), or above
 * all of them).
 */
function printMissOrigins(rows: readonly TraceRow[]): void {
  const missed = rows.flatMap((r) =>
    r.policies.candidate?.misses ? [{ trace: r.trace, unservedPct: r.policies.candidate.unservedPct, ...r.policies.candidate.misses }] : [],
  );
  if (missed.length === 0) return;
  console.log(
    `\nwhere this planner's unserved load came from: per miss (load above the instances in service, misses up to 5 minutes apart joined), what the metric had shown before it within ${DEFAULT_MAX_REALIZED_BOOST}x: the last 2 hours (recent), the same time of day +-30 minutes on the 7 days before (time of day), the highest load of the ${missed[0].historyDays} days before (record), or none (new); percent of the scored load:\n`,
  );
  console.log('| trace | unserved% | recent | time of day | record | new | misses | largest miss |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const f = (x: number) => x.toFixed(4);
  for (const x of missed)
    console.log(
      `| ${x.trace} | ${f(x.unservedPct)} | ${f(x.byOriginPct.recent)} | ${f(x.byOriginPct['time-of-day'])} | ${f(x.byOriginPct.record)} | ${f(x.byOriginPct.new)} | ${x.episodes} | ${f(x.largestPct)} |`,
    );
  const mean = (g: (x: (typeof missed)[number]) => number) => missed.reduce((a, x) => a + g(x), 0) / missed.length;
  console.log(
    `| mean over ${missed.length} traces | ${f(mean((x) => x.unservedPct))} | ${f(mean((x) => x.byOriginPct.recent))} | ${f(mean((x) => x.byOriginPct['time-of-day']))} | ${f(mean((x) => x.byOriginPct.record))} | ${f(mean((x) => x.byOriginPct.new))} | | |`,
  );
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`npm run bench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
