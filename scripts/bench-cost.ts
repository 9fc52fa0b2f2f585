/**
 * `npm run bench:cost -- [--traces DIR] [--json FILE] [--trace NAME] [--budget-ratio R]`
 *
 * A simulated month of every trace in `DIR/manifest.json` (default: the traces the repository
 * carries, data/traces), with a budget of R (0.8) x the month's cost without the optimizer, run
 * four ways (see scripts/bench-cost/month.ts for the model):
 * - uncontrolled: the group at its 50% CPU target, no optimizer;
 * - optimizer: the cost optimizer in hard budget mode;
 * - hindsightStatic: the better (least unserved) of the lowest static CPU target and the largest
 *   constant fleet (MinSize = MaxSize) whose month fits the budget, found by replaying the month (an
 *   oracle: no controller knows the month in advance); a constant fleet always fits unless MinSize
 *   alone overruns the budget, and then the run is null with its `reason`;
 * - optimizerSoft: the cost optimizer in availability-first mode.
 *
 * The two tuned settings, the spend plan's margin and the level's floor gain, are chosen
 * leave-one-trace-out: for each trace, from the candidates, the pair that keeps every OTHER trace
 * within its budget in hard mode with the least unserved load above the hindsight static on them
 * (ties to the smaller margin, then the smaller gain); the trace is reported with that pair.
 * `--margin M` and `--floor-gain G` fix them instead.
 *
 * Prints one row per trace and run and a summary; `--json FILE` writes
 * `{ "traces": [ { "name", "runs": { "uncontrolled", "optimizer", "hindsightStatic", "optimizerSoft" } } ] }`
 * with each run `{ "spendPctOfBudget", "unservedPct", "boundChanges" }` (boundChanges: changes of
 * MaxSize, CPU target, Spot share or instance type in the month; 0 for the static runs), and
 * `hindsightStatic` `{ ..., "kind": "target" | "fleet", "target"?, "fleet"? }` or `null` with
 * `hindsightReason`. The traces are those of `DIR/manifest.json`, whatever their number.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMetricCsv } from '../lambda/core/backtest/read-metric-csv';
import { capacityPerInstance, type Hindsight, hindsightStatic, monthOf, type MonthResult, type MonthSeries, simulateMonth } from './bench-cost/month';

/** Candidate margins (percent of the remaining budget held back) for the leave-one-out choice. */
const MARGINS = [0, 1, 2, 4];
/** Candidate floor gains (percent of the recent loss a split with more floor must save) for the same choice. */
const GAINS = [10, 25, 50];

/** One candidate of the tuned settings. */
interface Setting {
  readonly margin: number;
  readonly gain: number;
}
const key = (s: Setting) => `${s.margin}/${s.gain}`;

interface ManifestEntry {
  readonly name: string;
  readonly file: string;
  readonly step?: number;
}
interface Run {
  readonly spendPctOfBudget: number;
  readonly unservedPct: number;
  readonly boundChanges: number;
  readonly kind?: 'target' | 'fleet';
  readonly target?: number;
  readonly fleet?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
/** `--min-change P` overrides the core's no-churn band (percent of the money left). */
const MIN_CHANGE = {
  ...(arg('min-change') !== undefined ? { minChangePercent: Number(arg('min-change')) } : {}),
  ...(arg('max-changes') !== undefined ? { maxChangesPerDay: Number(arg('max-changes')) } : {}),
};

interface TraceRuns {
  readonly name: string;
  readonly month: MonthSeries;
  readonly budget: number;
  readonly uncontrolled: MonthResult;
  readonly hindsight: Hindsight;
  readonly bySetting: Map<string, MonthResult>;
}

function runTrace(dir: string, e: ManifestEntry, ratio: number, settings: readonly Setting[]): TraceRuns {
  const step = e.step && e.step > 0 ? e.step : 60;
  const csv = readMetricCsv(fs.readFileSync(path.join(dir, e.file), 'utf8'), step);
  const month = monthOf(csv.start, csv.stepSeconds, csv.values);
  const uncontrolled = simulateMonth(month);
  const budget = uncontrolled.spend * ratio;
  const hindsight = hindsightStatic(month, budget);
  const bySetting = new Map<string, MonthResult>();
  for (const s of settings) {
    bySetting.set(key(s), simulateMonth(month, { budget, mode: 'hard', planMarginPercent: s.margin, floorGainPercent: s.gain, ...MIN_CHANGE }));
  }
  return { name: e.name, month, budget, uncontrolled, hindsight, bySetting };
}

/**
 * Leave-one-trace-out: the settings for `held` chosen on the other traces (every other trace within
 * its budget, then the least unserved load above the hindsight static; ties to the earlier
 * candidate: the smaller margin, then the smaller gain).
 */
function chooseSetting(all: readonly TraceRuns[], held: string | undefined, settings: readonly Setting[]): Setting {
  const others = all.filter((t) => t.name !== held);
  let best = settings[settings.length - 1];
  let bestScore = Infinity;
  for (const m of settings) {
    const within = others.every((t) => t.bySetting.get(key(m))!.spend <= t.budget);
    if (!within) continue;
    const excess = others.reduce(
      (a, t) => a + Math.max(0, t.bySetting.get(key(m))!.unservedPct - (t.hindsight.kind === 'none' ? 0 : t.hindsight.result.unservedPct)),
      0,
    );
    if (excess < bestScore - 1e-12) {
      best = m;
      bestScore = excess;
    }
  }
  return best;
}

function main(): void {
  const repo = path.resolve(__dirname, '..');
  const dir = path.resolve(arg('traces') ?? path.join(repo, 'data', 'traces'));
  const ratio = Number(arg('budget-ratio') ?? '0.8');
  const fixed = arg('margin');
  const fixedGain = arg('floor-gain');
  const only = arg('trace');
  const jsonFile = arg('json');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ManifestEntry[];
  const entries = manifest.filter((e) => !only || e.name === only);
  if (entries.length === 0) throw new Error(`no trace ${only ?? ''} in ${path.join(dir, 'manifest.json')}`);
  const margins = fixed !== undefined ? [Number(fixed)] : MARGINS;
  const gains = fixedGain !== undefined ? [Number(fixedGain)] : GAINS;
  const settings = margins.flatMap((margin) => gains.map((gain) => ({ margin, gain })));
  const t0 = Date.now();

  const all = entries.map((e) => runTrace(dir, e, ratio, settings));
  const pct = (a: number, b: number) => (b > 0 ? (a / b) * 100 : 0);
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  const run = (r: MonthResult, budget: number): Run => ({
    spendPctOfBudget: round(pct(r.spend, budget)),
    unservedPct: round(r.unservedPct, 3),
    boundChanges: r.boundChanges,
  });
  const yardstick = (h: Hindsight, budget: number): Run | null =>
    h.kind === 'none'
      ? null
      : {
          ...run(h.result, budget),
          kind: h.kind,
          ...(h.target !== undefined ? { target: h.target } : {}),
          ...(h.fleet ? { fleet: h.fleet.size } : {}),
        };

  const out: {
    name: string;
    runs: Record<string, Run | null>;
    margin: number;
    floorGain: number;
    hindsightReason?: string;
    filledSteps: number;
    gapSteps: number;
    capacityPerInstance: number;
  }[] = [];
  const rows: Record<string, string | number>[] = [];
  for (const t of all) {
    const chosen = settings.length === 1 ? settings[0] : chooseSetting(all, t.name, settings);
    const { margin, gain } = chosen;
    const optimizer = t.bySetting.get(key(chosen))!;
    const soft = simulateMonth(t.month, {
      budget: t.budget,
      mode: 'availability-first',
      planMarginPercent: margin,
      floorGainPercent: gain,
      ...MIN_CHANGE,
    });
    const runs: Record<string, Run | null> = {
      uncontrolled: run(t.uncontrolled, t.budget),
      optimizer: run(optimizer, t.budget),
      hindsightStatic: yardstick(t.hindsight, t.budget),
      optimizerSoft: run(soft, t.budget),
    };
    out.push({
      name: t.name,
      runs,
      margin,
      floorGain: gain,
      ...(t.hindsight.kind === 'none' ? { hindsightReason: t.hindsight.reason } : {}),
      filledSteps: t.month.filled,
      gapSteps: t.month.gaps,
      capacityPerInstance: capacityPerInstance(t.month.values),
    });
    const label: Record<string, string> = {
      uncontrolled: 'uncontrolled (50% target)',
      optimizer: `optimizer, hard (margin ${margin}%, floor gain ${gain}%)`,
      hindsightStatic:
        t.hindsight.kind === 'none'
          ? `hindsight static: none (${t.hindsight.reason})`
          : t.hindsight.kind === 'target'
            ? `hindsight static: target ${t.hindsight.target}%`
            : `hindsight static: fleet of ${t.hindsight.fleet.size}`,
      optimizerSoft: 'optimizer, availability-first',
    };
    const soft2 = { optimizerSoft: soft.maxOverrunPercent };
    for (const [k, r] of Object.entries(runs)) {
      rows.push({
        trace: t.name,
        run: label[k],
        'spend % of budget': r ? r.spendPctOfBudget.toFixed(2) : 'null',
        'unserved %': r ? r.unservedPct.toFixed(3) : 'null',
        boundChanges: r ? r.boundChanges : '',
        ...(k === 'optimizerSoft' ? { 'max overrun reported %': soft2.optimizerSoft.toFixed(1) } : {}),
      });
    }
  }
  console.log(
    `bench:cost: ${all.length} trace(s) from ${path.relative(process.cwd(), dir) || '.'}, budget ${ratio * 100}% of the uncontrolled month; margin ${margins.length === 1 ? `fixed at ${margins[0]}%` : `chosen leave-one-trace-out from ${margins.join(', ')}%`}, floor gain ${gains.length === 1 ? `fixed at ${gains[0]}%` : `chosen leave-one-trace-out from ${gains.join(', ')}%`}`,
  );
  console.table(rows);
  // A null yardstick counts as short: the trace does not pass the service check.
  const opt = (o: (typeof out)[number]) => o.runs.optimizer!;
  const within = out.filter((o) => opt(o).spendPctOfBudget <= 100.0).length;
  const service = out.filter((o) => o.runs.hindsightStatic !== null && opt(o).unservedPct <= o.runs.hindsightStatic.unservedPct + 0.3).length;
  const worst = Math.max(...out.map((o) => opt(o).spendPctOfBudget));
  const gaps = out.map((o) => (o.runs.hindsightStatic ? opt(o).unservedPct - o.runs.hindsightStatic.unservedPct : Infinity));
  const changes = out.map((o) => opt(o).boundChanges);
  console.log(
    `summary (hard mode): ${within}/${out.length} traces <= 100.0% of the budget (highest ${worst.toFixed(2)}%); ${service}/${out.length} with unserved <= hindsight static + 0.3 pp (largest gap ${Math.max(...gaps).toFixed(3)} pp); boundChanges ${Math.min(...changes)}-${Math.max(...changes)} per month`,
  );
  const softWorst = Math.max(...out.map((o) => o.runs.optimizerSoft!.spendPctOfBudget));
  console.log(
    `summary (availability-first): highest spend ${softWorst.toFixed(2)}% of the budget; unserved <= hard mode's on ${out.filter((o) => o.runs.optimizerSoft!.unservedPct <= opt(o).unservedPct + 1e-9).length}/${out.length} traces`,
  );
  if (settings.length > 1) {
    const onAll = chooseSetting(all, undefined, settings);
    console.log(`settings chosen on all ${all.length} trace(s) (the defaults to ship): margin ${onAll.margin}%, floor gain ${onAll.gain}%`);
  }
  console.log(`${all.length} trace(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (jsonFile) {
    fs.writeFileSync(jsonFile, JSON.stringify({ budgetRatio: ratio, traces: out }, null, 2) + '\n');
    console.log(`wrote ${jsonFile}`);
  }
}

main();
