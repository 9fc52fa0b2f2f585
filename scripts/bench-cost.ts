/**
 * `npm run bench:cost`: a simulated month of one shared trace, with a budget set below what the
 * load naturally costs, run twice: without the cost optimizer and with it (the pure core,
 * `decideCost`, deciding every simulated hour). Prints spend vs budget and the load left unserved.
 *
 * Options: --trace NAME (a file in ../shared/traces without .csv; default nasa-http-1995),
 * --budget-ratio R (budget = R x the uncontrolled month's cost; default 0.8), --json.
 *
 * The simulation (a model, not AWS):
 * - load: the trace's requests per minute over 30 days from its first row; minutes the trace lacks
 *   are filled from the same minute one week earlier (the NASA trace has no rows from
 *   1995-07-28 17:33Z to 08-01 04:00Z);
 * - the group: one instance serves C requests per minute at 100% CPU, C chosen so that the trace's
 *   99th percentile minute needs P99_INSTANCES instances at the 50% target (20 req/min for the
 *   NASA trace), MinSize 2, MaxSize 20; a target
 *   tracking policy on CPU sets the desired capacity every 5 minutes from the last 5 minutes'
 *   load at its target (50% unless the optimizer raised it), within MinSize/MaxSize; new
 *   instances are billed at once and serve after a 5-minute warmup; scale-in is immediate;
 * - cost: running instances x PRICE_PER_HOUR, per minute;
 * - unserved: each minute, the requests above what the in-service instances serve at 100% CPU;
 * - AWS Budgets: actual spend is the simulated spend; the forecast is refreshed every 8 hours as
 *   the actual spend plus the mean hourly spend of the last 7 days times the hours left;
 * - the optimizer: hourly, `decideCost` with the construct's defaults (and a CPU target band up to
 *   75%), the budget, the group, 5-minute CPU and in-service samples, and its own state; its
 *   actions are applied to the simulated group at once;
 * - for reference, the lowest static CPU target that would have met the budget, found in hindsight
 *   by replaying the month (an oracle: no controller knows the month's cost in advance).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CostPolicy, CostState, decideCost, GroupSnapshot, UtilizationSample } from '../lambda/core/cost';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH_DAYS = 30;
/** The trace's 99th percentile load needs this many instances at the 50% target. */
const P99_INSTANCES = 13;
const PRICE_PER_HOUR = 0.192; // USD, on-demand m5.xlarge in us-east-1
const MIN_SIZE = 2;
const MAX_SIZE = 20;
const TARGET = 50;
const WARMUP_MIN = 5;
const FORECAST_REFRESH_H = 8;

/** The CostOptimizer construct's defaults, with a target band up to 75% and a floor of 2. */
const POLICY: CostPolicy = {
  floorCapacity: 2,
  emergencyUtilizationPercent: 90,
  loadLookbackMs: 7 * DAY,
  tightenAbovePercent: 100,
  restoreBelowPercent: 95,
  capStepPercent: 10,
  budgetStepIntervalMs: 12 * HOUR,
  targetUtilization: { maxPercent: 75, stepPercent: 5 },
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The trace as one value per minute over the month, with gaps filled from a week earlier. */
function loadMonth(file: string): { start: number; load: Float64Array; filled: number } {
  const rows = fs.readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  const first = Date.parse(rows[0].split(',')[0]);
  const n = MONTH_DAYS * 24 * 60;
  const load = new Float64Array(n).fill(NaN);
  let step = Infinity;
  let prev = NaN;
  for (const row of rows) {
    const [ts, v] = row.split(',');
    const t = Date.parse(ts);
    if (Number.isFinite(prev)) step = Math.min(step, t - prev);
    prev = t;
    const i = Math.floor((t - first) / MINUTE);
    if (i >= 0 && i < n) load[i] = Number(v);
  }
  // Traces sampled every 5 minutes: hold each value for its 5 minutes.
  if (step > MINUTE) for (let i = 0; i < n; i++) if (Number.isNaN(load[i]) && i > 0 && (i % (step / MINUTE)) !== 0) load[i] = load[i - 1];
  let filled = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(load[i])) {
      const j = i - 7 * 24 * 60;
      if (j < 0 || Number.isNaN(load[j])) throw new Error(`${file}: no data at minute ${i} nor a week earlier`);
      load[i] = load[j];
      filled++;
    }
  }
  return { start: first, load, filled };
}

interface RunResult {
  readonly spend: number;
  readonly requests: number;
  readonly unserved: number;
  readonly minutesSaturated: number;
  readonly actions: number;
  readonly peakInService: number;
  readonly finalSettings: string;
  readonly lowestCap: number;
  readonly highestTarget: number;
}

let CAPACITY_PER_INSTANCE = 20;

function simulate(start: number, load: Float64Array, budgetLimit: number | undefined, staticTarget = TARGET): RunResult {
  const n = load.length;
  const periodEnd = start + n * MINUTE;
  let minSize = MIN_SIZE;
  let maxSize = MAX_SIZE;
  let target = staticTarget;
  let desired = MIN_SIZE;
  // Instances: launch minute of each (serving from launch + warmup).
  let instances: number[] = Array.from({ length: desired }, () => -WARMUP_MIN);
  let spend = 0;
  let requests = 0;
  let unserved = 0;
  let minutesSaturated = 0;
  let actions = 0;
  let peakInService = 0;
  let lowestCap = maxSize;
  let highestTarget = target;
  const hourlySpend: number[] = [];
  let hourSpend = 0;
  let forecast = 0;
  let state: CostState | undefined;
  const samples: UtilizationSample[] = [];
  let busy5 = 0;
  let inService5 = 0;
  let load5 = 0;

  const setDesired = (d: number, minute: number) => {
    desired = Math.min(maxSize, Math.max(minSize, d));
    if (instances.length < desired) {
      while (instances.length < desired) instances.push(minute);
    } else if (instances.length > desired) {
      // Scale-in removes the newest instances first (still warming ones are never useful).
      instances.sort((a, b) => a - b);
      instances = instances.slice(0, desired);
    }
  };

  for (let m = 0; m < n; m++) {
    const now = start + m * MINUTE;
    // The optimizer runs at the top of each hour.
    if (budgetLimit !== undefined && m % 60 === 0 && m > 0) {
      const group: GroupSnapshot = { minSize, maxSize, desiredCapacity: desired, targetUtilization: target };
      const d = decideCost({
        now,
        budget: { limit: budgetLimit, actualSpend: spend, forecastedSpend: forecast > 0 ? forecast : undefined, periodStart: start, periodEnd },
        group,
        utilization: samples.filter((s) => s.t >= now - 14 * DAY),
        utilizationPeriodSeconds: 300,
        policy: POLICY,
        state,
      });
      for (const a of d.actions) {
        actions++;
        if (a.kind === 'set-capacity') {
          minSize = a.minSize; maxSize = a.maxSize;
          setDesired(a.desiredCapacity ?? desired, m);
          lowestCap = Math.min(lowestCap, maxSize);
        }
        if (a.kind === 'set-target-utilization') { target = a.percent; highestTarget = Math.max(highestTarget, target); }
      }
      state = d.state;
    }
    // Target tracking every 5 minutes on the last 5 minutes' load.
    if (m % 5 === 0 && m > 0) {
      const needed = Math.ceil(load5 / 5 / (CAPACITY_PER_INSTANCE * target / 100) - 1e-9);
      setDesired(needed, m);
    }
    if (m % 5 === 0) {
      if (m > 0) samples.push({ t: now - 5 * MINUTE, cpuPercent: inService5 > 0 ? (busy5 / inService5) * 100 : 0, instances: inService5 / 5 });
      busy5 = 0; inService5 = 0; load5 = 0;
    }
    const inService = instances.filter((t) => m - t >= WARMUP_MIN).length;
    peakInService = Math.max(peakInService, inService);
    const served = Math.min(load[m], inService * CAPACITY_PER_INSTANCE);
    requests += load[m];
    unserved += load[m] - served;
    if (inService > 0 && load[m] / (inService * CAPACITY_PER_INSTANCE) >= 0.9) minutesSaturated++;
    busy5 += served / CAPACITY_PER_INSTANCE;
    inService5 += inService;
    load5 += load[m];
    const cost = instances.length * PRICE_PER_HOUR / 60;
    spend += cost;
    hourSpend += cost;
    if ((m + 1) % 60 === 0) {
      hourlySpend.push(hourSpend);
      hourSpend = 0;
      // AWS Budgets' forecast, refreshed every few hours.
      if (hourlySpend.length % FORECAST_REFRESH_H === 0) {
        const recent = hourlySpend.slice(-7 * 24);
        const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
        forecast = spend + mean * ((periodEnd - (now + MINUTE)) / HOUR);
      }
    }
  }
  return {
    spend, requests, unserved, minutesSaturated, actions, peakInService,
    finalSettings: `MinSize ${minSize}, MaxSize ${maxSize}, target ${target}%`, lowestCap, highestTarget,
  };
}

function main(): void {
  const traceName = arg('trace') ?? 'nasa-http-1995';
  const ratio = Number(arg('budget-ratio') ?? '0.8');
  const file = path.resolve(__dirname, '..', '..', 'shared', 'traces', `${traceName}.csv`);
  const { start, load, filled } = loadMonth(file);
  const sorted = Float64Array.from(load).sort();
  const p99 = sorted[Math.floor(sorted.length * 0.99)];
  CAPACITY_PER_INSTANCE = Math.max(1e-9, Math.round((p99 / (P99_INSTANCES * TARGET / 100)) * 100) / 100);
  const t0 = Date.now();
  const natural = simulate(start, load, undefined);
  const budget = Math.round(natural.spend * ratio * 100) / 100;
  const uncontrolled = natural; // the same group without the optimizer, now measured against the budget
  const controlled = simulate(start, load, budget);
  // For reference, what no controller can know in advance: the lowest static CPU target that
  // would have kept this month within the budget, found by replaying the month.
  let hindsight: { target: number; result: RunResult } | undefined;
  for (let t = TARGET; t <= 95 && !hindsight; t++) {
    const r = simulate(start, load, undefined, t);
    if (r.spend <= budget) hindsight = { target: t, result: r };
  }
  const ms = Date.now() - t0;
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;
  const row = (name: string, r: RunResult) => ({
    run: name,
    spend: `$${r.spend.toFixed(2)}`,
    'spend / budget': pct(r.spend, budget),
    'unserved requests': `${Math.round(r.unserved)} (${pct(r.unserved, r.requests)})`,
    'minutes >= 90% CPU': r.minutesSaturated,
    'peak in service': r.peakInService,
    'optimizer actions': r.actions,
    'lowest MaxSize': r.lowestCap,
    'highest target': `${r.highestTarget}%`,
    'end settings': r.finalSettings,
  });
  const rows = [row('without the optimizer', uncontrolled), row('with the optimizer', controlled)];
  if (hindsight) rows.push({ ...row(`static ${hindsight.target}% target (hindsight)`, hindsight.result), 'highest target': `${hindsight.target}%` });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ trace: traceName, budget, ratio, filledMinutes: filled, rows }, null, 2));
    return;
  }
  console.log(`trace ${traceName}: ${MONTH_DAYS} days from ${new Date(start).toISOString()}, ${Math.round(natural.requests)} requests (${filled} minutes filled from a week earlier; a trace shorter than the month repeats by weeks)`);
  console.log(`group: ${CAPACITY_PER_INSTANCE} load units/min per instance at 100% CPU, MinSize ${MIN_SIZE}, MaxSize ${MAX_SIZE}, CPU target ${TARGET}%, $${PRICE_PER_HOUR}/instance-hour`);
  console.log(`natural cost $${natural.spend.toFixed(2)}; budget ${ratio * 100}% of it = $${budget.toFixed(2)}`);
  console.table(rows);
  console.log(`simulated ${load.length} minutes per run in ${ms} ms (all runs)`);
}

main();
