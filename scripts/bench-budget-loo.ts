/**
 * Leave-one-trace-out choice of the planner's default risk budget, from `npm run bench` runs at
 * several budgets: for each trace, the budget is chosen on the other traces (the largest whose
 * mean unserved share there stays within --bar, 0.02% by default) and reported on the trace left
 * out. Also prints, per budget, how many traces exceed the budget, twice the budget, and the
 * seasonal-naive forecast.
 *
 *   npm run bench -- --unserved-budget 0.03 --json b003.json    (and 0.1, 1, ...)
 *   npx tsx scripts/bench-budget-loo.ts 0.03=b003.json 0.1=b01.json 1=b1.json [--bar 0.02]
 *
 * A run split with --only may be given as several files: 0.1=a.json,b.json.
 */
import * as fs from 'node:fs';

interface PolicyRow {
  costRatio: number;
  unservedPct: number;
  forecastWape?: number;
  naiveDayWape?: number;
}
interface TraceRow {
  trace: string;
  policies: Record<string, PolicyRow>;
}

function main(argv: string[]): void {
  const barAt = argv.indexOf('--bar');
  const bar = barAt >= 0 ? Number(argv[barAt + 1]) : 0.02;
  const specs = argv.filter((a, i) => a.includes('=') && (barAt < 0 || i !== barAt + 1));
  if (specs.length < 2 || !Number.isFinite(bar))
    throw new Error('usage: bench-budget-loo.ts BUDGET=FILE[,FILE] BUDGET=FILE[,FILE] ... [--bar PERCENT]');
  const runs = new Map<number, TraceRow[]>();
  for (const spec of specs) {
    const [budget, files] = spec.split('=');
    runs.set(
      Number(budget),
      files.split(',').flatMap((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { traces: TraceRow[] }).traces),
    );
  }
  const budgets = [...runs.keys()].sort((a, b) => a - b);
  const names = runs.get(budgets[0])!.map((t) => t.trace);
  const at = (b: number, n: string): PolicyRow => {
    const row = runs.get(b)!.find((t) => t.trace === n);
    if (!row?.policies.candidate) throw new Error(`no planner row for ${n} at budget ${b}%`);
    return row.policies.candidate;
  };
  console.log(`| left-out trace | budget chosen on the other ${names.length - 1} (mean unserved <= ${bar}%) | unserved% | cost/oracle |`);
  console.log('| --- | ---: | ---: | ---: |');
  let sum = 0;
  let logCost = 0;
  let worst = 0;
  for (const n of names) {
    const others = names.filter((x) => x !== n);
    let chosen = budgets[0];
    for (const b of budgets) if (others.reduce((a, x) => a + at(b, x).unservedPct, 0) / others.length <= bar) chosen = b;
    const r = at(chosen, n);
    sum += r.unservedPct;
    logCost += Math.log(r.costRatio);
    worst = Math.max(worst, r.unservedPct);
    console.log(`| ${n} | ${chosen}% | ${r.unservedPct.toFixed(3)} | ${r.costRatio.toFixed(3)} |`);
  }
  console.log(
    `\nleft out: mean unserved ${(sum / names.length).toFixed(3)}%, worst ${worst.toFixed(3)}%, cost/oracle ${Math.exp(logCost / names.length).toFixed(3)} (geometric mean)`,
  );
  for (const b of budgets) {
    const rs = names.map((n) => at(b, n));
    const worse = rs.filter((r) => r.forecastWape !== undefined && r.naiveDayWape !== undefined && r.forecastWape > r.naiveDayWape).length;
    console.log(
      `budget ${b}%: ${rs.filter((r) => r.unservedPct > b).length} of ${rs.length} traces above the budget, ${rs.filter((r) => r.unservedPct > 2 * b).length} above twice it; forecast worse than same-minute-yesterday on ${worse}`,
    );
  }
}

main(process.argv.slice(2));
