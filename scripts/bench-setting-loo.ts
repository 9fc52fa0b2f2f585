/**
 * Leave-one-trace-out choice among planner settings, from reference-scorer (or `npm run bench`)
 * runs of each setting: for each trace, the setting is chosen on the other traces (the cheapest,
 * by geometric-mean cost/oracle, whose mean unserved share there stays within --bar; when none
 * does, the cheapest of those whose mean unserved share is within --tie (relative, default 2%) of
 * the smallest: means that differ in the third digit are a tie, not a reason to pay more) and
 * reported on the trace left out.
 *
 *   node ../shared/bench/score.mjs --candidate A.cjs --json a.json   (one run per setting; a
 *   candidate module calls planCapacity(input, { ...the setting }))
 *   npx tsx scripts/bench-setting-loo.ts off=a.json gain1=b.json,b2.json [--bar 0.05] [--tie 0.02]
 *
 * A run split with --only may be given as several files (comma-separated).
 */
import * as fs from 'node:fs';

interface PolicyRow {
  costRatio: number;
  unservedPct: number;
}
interface TraceRow {
  trace: string;
  policies: Record<string, PolicyRow>;
}

function main(argv: string[]): void {
  const barAt = argv.indexOf('--bar');
  const bar = barAt >= 0 ? Number(argv[barAt + 1]) : 0.05;
  const tieAt = argv.indexOf('--tie');
  const tie = tieAt >= 0 ? Number(argv[tieAt + 1]) : 0.02;
  const specs = argv.filter((a, i) => a.includes('=') && (barAt < 0 || i !== barAt + 1) && (tieAt < 0 || i !== tieAt + 1));
  if (specs.length < 2 || !Number.isFinite(bar) || !(tie >= 0)) {
    throw new Error('usage: bench-setting-loo.ts NAME=FILE[,FILE] NAME=FILE[,FILE] ... [--bar PERCENT] [--tie RELATIVE]');
  }
  const runs = new Map<string, Map<string, PolicyRow>>();
  for (const spec of specs) {
    const [name, files] = spec.split('=');
    const rows = new Map<string, PolicyRow>();
    for (const f of files.split(',')) {
      for (const t of (JSON.parse(fs.readFileSync(f, 'utf8')) as { traces: TraceRow[] }).traces) {
        if (!t.policies.candidate) throw new Error(`${f}: no candidate row for ${t.trace}`);
        rows.set(t.trace, t.policies.candidate);
      }
    }
    runs.set(name, rows);
  }
  const settings = [...runs.keys()];
  const names = [...runs.get(settings[0])!.keys()].filter((n) => settings.every((s) => runs.get(s)!.has(n)));
  const at = (s: string, n: string) => runs.get(s)!.get(n)!;
  const mean = (s: string, ns: string[]) => ns.reduce((a, n) => a + at(s, n).unservedPct, 0) / ns.length;
  const geo = (s: string, ns: string[]) => Math.exp(ns.reduce((a, n) => a + Math.log(at(s, n).costRatio), 0) / ns.length);

  console.log('| setting | cost/oracle (geo) | unserved% mean | median | worst |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const s of settings) {
    const u = names.map((n) => at(s, n).unservedPct).sort((a, b) => a - b);
    console.log(
      `| ${s} | ${geo(s, names).toFixed(3)} | ${mean(s, names).toFixed(4)} | ${u[Math.floor(u.length / 2)].toFixed(4)} | ${u[u.length - 1].toFixed(4)} |`,
    );
  }
  console.log(
    `\n| left-out trace | setting chosen on the other ${names.length - 1} (cheapest with mean unserved <= ${bar}%, else within ${100 * tie}% of the least) | unserved% | cost/oracle |`,
  );
  console.log('| --- | --- | ---: | ---: |');
  let sum = 0;
  let logCost = 0;
  let worst = 0;
  const chosenCount = new Map<string, number>();
  for (const n of names) {
    const others = names.filter((x) => x !== n);
    const ok = settings.filter((s) => mean(s, others) <= bar);
    const least = Math.min(...settings.map((s) => mean(s, others)));
    const pool = ok.length ? ok : settings.filter((s) => mean(s, others) <= least * (1 + tie) + 1e-12);
    const chosen = pool.reduce((a, b) => (geo(b, others) < geo(a, others) ? b : a));
    chosenCount.set(chosen, (chosenCount.get(chosen) ?? 0) + 1);
    const r = at(chosen, n);
    sum += r.unservedPct;
    logCost += Math.log(r.costRatio);
    worst = Math.max(worst, r.unservedPct);
    console.log(`| ${n} | ${chosen} | ${r.unservedPct.toFixed(4)} | ${r.costRatio.toFixed(3)} |`);
  }
  console.log(
    `\nleft out: mean unserved ${(sum / names.length).toFixed(4)}%, worst ${worst.toFixed(4)}%, cost/oracle ${Math.exp(logCost / names.length).toFixed(3)} (geometric mean); chosen: ${[...chosenCount].map(([s, c]) => `${s} x${c}`).join(', ')}`,
  );
}

main(process.argv.slice(2));
