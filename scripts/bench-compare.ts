/**
 * Per-trace side-by-side of the candidate in reference-scorer runs (`score.mjs --json`), with the
 * issue's summary figures per run: geometric-mean cost/oracle, median, mean and worst unserved
 * share, traces within twice the budget, forecasts worse than the seasonal naive, plan errors; the
 * same over the held-out traces (`--held`, default the four crane-app traces added for issue 20).
 *
 *   npx tsx scripts/bench-compare.ts default=a.json hl1d=b.json,b2.json --budget 0.03 [--held crane-app-6,crane-app-7]
 *
 * A run split with --only may be given as several files (comma-separated).
 */
import * as fs from 'node:fs';

interface Row {
  costRatio: number;
  unservedPct: number;
  plannerErrors?: number;
  forecastWape?: number;
  naiveDayWape?: number;
}

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function summary(label: string, rows: Row[], budget: number): string {
  const u = rows.map((r) => r.unservedPct).sort((a, b) => a - b);
  const mid = u.length % 2 ? u[(u.length - 1) / 2] : (u[u.length / 2 - 1] + u[u.length / 2]) / 2;
  const geo = Math.exp(rows.reduce((a, r) => a + Math.log(r.costRatio), 0) / rows.length);
  const within = rows.filter((r) => r.unservedPct <= 2 * budget + 1e-9).length;
  const worse = rows.filter((r) => r.forecastWape !== undefined && r.naiveDayWape !== undefined && r.forecastWape > r.naiveDayWape).length;
  const errors = rows.reduce((a, r) => a + (r.plannerErrors ?? 0), 0);
  return (
    `${label}: cost/oracle ${geo.toFixed(3)} (geometric mean), unserved median ${mid.toFixed(4)}%, mean ` +
    `${(u.reduce((a, x) => a + x, 0) / u.length).toFixed(4)}%, worst ${u[u.length - 1].toFixed(4)}%, ${within} of ${rows.length} ` +
    `within twice the budget, forecast worse than the seasonal naive on ${worse}, plan errors ${errors}`
  );
}

function main(argv: string[]): void {
  const budget = Number(option(argv, '--budget') ?? '0.03');
  const held = (option(argv, '--held') ?? 'crane-app-6,crane-app-7,crane-app-11,crane-app-12').split(',');
  const values = new Set([option(argv, '--budget'), option(argv, '--held')]);
  const specs = argv.filter((a) => a.includes('=') && !values.has(a));
  if (specs.length < 1 || !(budget > 0)) throw new Error('usage: bench-compare.ts NAME=FILE[,FILE] ... [--budget PERCENT] [--held T1,T2]');
  const runs = specs.map((spec) => {
    const [name, files] = spec.split('=');
    const rows = new Map<string, Row>();
    for (const f of files.split(',')) {
      for (const t of (JSON.parse(fs.readFileSync(f, 'utf8')) as { traces: { trace: string; policies: Record<string, Row> }[] }).traces) {
        if (!t.policies.candidate) throw new Error(`${f}: no candidate row for ${t.trace}`);
        rows.set(t.trace, t.policies.candidate);
      }
    }
    return { name, rows };
  });
  const traces = [...runs[0].rows.keys()].filter((t) => runs.every((r) => r.rows.has(t)));
  console.log(`| trace | ${runs.map((r) => `${r.name}: cost/oracle / unserved%`).join(' | ')} |`);
  console.log(`| --- | ${runs.map(() => '---').join(' | ')} |`);
  for (const t of traces) {
    console.log(`| ${t} | ${runs.map((r) => `${r.rows.get(t)!.costRatio.toFixed(3)} / ${r.rows.get(t)!.unservedPct.toFixed(4)}`).join(' | ')} |`);
  }
  console.log('');
  for (const r of runs) {
    console.log(
      summary(
        `${r.name}, ${traces.length} traces`,
        traces.map((t) => r.rows.get(t)!),
        budget,
      ),
    );
    const h = traces.filter((t) => held.includes(t));
    if (h.length)
      console.log(
        summary(
          `${r.name}, the ${h.length} held-out traces`,
          h.map((t) => r.rows.get(t)!),
          budget,
        ),
      );
  }
}

main(process.argv.slice(2));
