/**
 * Leave-one-trace-out calibration of the planner's risk budget, through the reference scorer's
 * own simulation.
 *
 *   npm run build && npx tsx scripts/bench-planner-loo.ts [--scorer ../shared/bench/score.mjs]
 *     [--traces data/traces] [--synthetic] [--budgets 0.0001,0.001,0.01] [--factors 1,3,10]
 *     [--jobs 2] [--json out.json]
 *
 * For every requested budget B and every replay budget factor c it runs the planner (the built
 * package, `dist/`) with `unservedBudget: B, replayBudgetFactor: c` on every trace through the
 * scorer (`--only TRACE --json`, one process per trace and setting, `--jobs` at a time). Then, for
 * each trace t, it chooses c on the other traces (the largest c, i.e. the cheapest plan, whose
 * mean achieved unserved share stays within B for every budget) and reports the planner with that
 * c on t: achieved unserved share against the requested budget, and cost/oracle. No setting sees
 * the trace it is reported on.
 *
 * `--synthetic` scores the synthetic families of `scripts/synthetic-families.ts` (16 days each,
 * written as CSV traces to a temporary folder) instead of the traces.
 */
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SYNTHETIC_FAMILIES } from './synthetic-families';

const root = path.resolve(__dirname, '..');

interface Args {
  scorer: string;
  traces: string;
  synthetic: boolean;
  budgets: number[];
  factors: number[];
  jobs: number;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    scorer: path.resolve(root, '..', 'shared', 'bench', 'score.mjs'),
    traces: path.join(root, 'data', 'traces'),
    synthetic: false,
    budgets: [1e-4, 1e-3, 1e-2],
    factors: [1, 3, 10],
    jobs: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--scorer') a.scorer = path.resolve(v());
    else if (k === '--traces') a.traces = path.resolve(v());
    else if (k === '--synthetic') a.synthetic = true;
    else if (k === '--budgets') a.budgets = v().split(',').map(Number);
    else if (k === '--factors') a.factors = v().split(',').map(Number);
    else if (k === '--jobs') a.jobs = Math.max(1, Number(v()));
    else if (k === '--json') a.json = v();
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

/** The scorer's figures for the candidate on one trace. */
interface Outcome {
  costRatio: number;
  unservedPct: number;
  plannerErrors: number;
  plannerMsPerCall: number;
  forecastWape?: number;
  naiveDayWape?: number;
}

function writeSyntheticTraces(dir: string): void {
  const start = Date.UTC(2026, 0, 5);
  const manifest = SYNTHETIC_FAMILIES.map((f, k) => {
    const values = f.generate(16, 1000 + k);
    const rows = ['timestamp,value'];
    for (let i = 0; i < values.length; i++) {
      // the scorer reads a missing row as a gap
      if (Number.isFinite(values[i])) rows.push(`${new Date(start + i * 60_000).toISOString()},${values[i]}`);
    }
    fs.writeFileSync(path.join(dir, `${f.name}.csv`), rows.join('\n') + '\n');
    return { name: f.name, file: `${f.name}.csv`, step: 60, kind: f.description };
  });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

function wrapper(dir: string): string {
  const file = path.join(dir, 'candidate.mjs');
  fs.writeFileSync(
    file,
    [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      'const core = require(process.env.PLANNER_MODULE);',
      "const options = JSON.parse(process.env.PLANNER_OPTIONS ?? '{}');",
      'export function planCapacity(input) { return core.planCapacity(input, options); }',
      '',
    ].join('\n'),
  );
  return file;
}

function runOne(a: Args, candidate: string, plannerModule: string, traces: string, trace: string, options: object, out: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [a.scorer, '--candidate', candidate, '--traces', traces, '--only', trace, '--json', out],
      {
        env: { ...process.env, PLANNER_MODULE: plannerModule, PLANNER_OPTIONS: JSON.stringify(options) },
        maxBuffer: 1 << 24,
      },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`${trace} ${JSON.stringify(options)}: ${stderr || err.message}`));
        // the scorer's --json report (shared/bench/README.md): one trace asked, the candidate's outcome in it
        const res = JSON.parse(fs.readFileSync(out, 'utf8')) as { traces: { policies: { candidate: Outcome } }[] };
        resolve(res.traces[0].policies.candidate);
      },
    );
  });
}

async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
      while (next < tasks.length) {
        const k = next++;
        results[k] = await tasks[k]();
      }
    }),
  );
  return results;
}

const pct = (x: number) => `${(100 * x).toPrecision(2)}%`;

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'planner-loo-'));
  let traces = a.traces;
  if (a.synthetic) {
    traces = path.join(work, 'traces');
    fs.mkdirSync(traces);
    writeSyntheticTraces(traces);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(traces, 'manifest.json'), 'utf8')) as { name: string }[];
  const names = manifest.map((m) => m.name);
  const candidate = wrapper(work);
  // a snapshot of the built planner, so that a rebuild during the run does not mix two versions
  const planner = path.join(work, 'lambda');
  fs.cpSync(path.join(root, 'dist', 'lambda'), planner, { recursive: true });
  const plannerModule = path.join(planner, 'core', 'index.js');
  // the factors in the order given, so that the first ones finish first
  const settings = a.factors.flatMap((c) => a.budgets.map((b) => ({ b, c })));
  const tasks = settings.flatMap(({ b, c }) =>
    names.map((t) => async () => {
      const out = path.join(work, `${crypto.randomUUID()}.json`);
      const r = await runOne(a, candidate, plannerModule, traces, t, { unservedBudget: b, replayBudgetFactor: c }, out);
      process.stderr.write(`  ${t} budget ${pct(b)} factor ${c}: cost ${r.costRatio.toFixed(3)}, unserved ${r.unservedPct.toFixed(4)}%\n`);
      return { b, c, t, r };
    }),
  );
  const done = await pool(tasks, a.jobs);
  const at = (b: number, c: number, t: string) => done.find((d) => d.b === b && d.c === c && d.t === t)!.r;

  // leave one trace out: choose the factor on the others, report on the one left out
  const rows = names.map((t) => {
    const train = names.filter((x) => x !== t);
    const ok = (c: number) => a.budgets.every((b) => train.reduce((s, x) => s + at(b, c, x).unservedPct / 100, 0) / train.length <= b);
    const chosen = [...a.factors].sort((x, y) => y - x).find(ok) ?? Math.min(...a.factors);
    return { trace: t, factor: chosen, results: a.budgets.map((b) => ({ budget: b, ...at(b, chosen, t) })) };
  });
  const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const lines: string[] = [];
  lines.push(`| trace left out | factor chosen on the others | ${a.budgets.map((b) => `budget ${pct(b)}: unserved / cost`).join(' | ')} |`);
  lines.push(`| --- | ---: | ${a.budgets.map(() => '---:').join(' | ')} |`);
  for (const r of rows) {
    lines.push(`| ${r.trace} | ${r.factor} | ${r.results.map((x) => `${x.unservedPct.toFixed(4)}% / ${x.costRatio.toFixed(3)}`).join(' | ')} |`);
  }
  const summary = a.budgets.map((b, k) => {
    const xs = rows.map((r) => r.results[k]);
    return {
      budget: b,
      unservedMeanPct: xs.reduce((s, x) => s + x.unservedPct, 0) / xs.length,
      unservedWorstPct: Math.max(...xs.map((x) => x.unservedPct)),
      withinTwiceBudget: xs.filter((x) => x.unservedPct / 100 <= 2 * b).length,
      costGeomean: geo(xs.map((x) => x.costRatio)),
      planErrors: xs.reduce((s, x) => s + (x.plannerErrors ?? 0), 0),
      msPerPlanMedian: [...xs.map((x) => x.plannerMsPerCall)].sort((p, q) => p - q)[Math.floor(xs.length / 2)],
    };
  });
  lines.push(
    `| **left-out mean (worst)** | | ${summary.map((s) => `**${s.unservedMeanPct.toFixed(4)}%** (${s.unservedWorstPct.toFixed(4)}%) / **${s.costGeomean.toFixed(3)}**`).join(' | ')} |`,
  );
  lines.push(`| traces within 2x the budget | | ${summary.map((s) => `${s.withinTwiceBudget} of ${rows.length}`).join(' | ')} |`);
  lines.push('');
  lines.push('per setting, all traces (mean unserved / geometric-mean cost):');
  for (const { b, c } of settings) {
    const xs = names.map((t) => at(b, c, t));
    lines.push(
      `  budget ${pct(b)} factor ${c}: ${(xs.reduce((s, x) => s + x.unservedPct, 0) / xs.length).toFixed(4)}% / ${geo(xs.map((x) => x.costRatio)).toFixed(3)}` +
        `  (worst ${Math.max(...xs.map((x) => x.unservedPct)).toFixed(4)}%)`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (a.json) fs.writeFileSync(a.json, JSON.stringify({ settings, rows, summary, runs: done }, null, 2));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench-planner-loo: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
