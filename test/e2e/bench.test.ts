/**
 * `npm run bench` (scripts/bench.ts) from the repository alone: a manifest of traces in a folder,
 * the benchmark's contract through the core's group model, the README's table printed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function writeTraces(dir: string): void {
  const start = Date.parse('2026-01-05T00:00:00Z');
  const minute = (i: number) => new Date(start + i * 60_000).toISOString().replace('.000Z', 'Z');
  // two days of a daily shape with a burst on the second afternoon; and a 5-minute trace with a gap
  const daily = [
    'timestamp,value',
    ...Array.from({ length: 2 * 1440 }, (_, i) => {
      const v = 100 + 80 * Math.sin((2 * Math.PI * (i % 1440)) / 1440) + (i > 1440 + 900 && i < 1440 + 960 ? 150 : 0);
      return `${minute(i)},${v.toFixed(1)}`;
    }),
  ];
  const coarse = [
    'timestamp,value',
    ...Array.from({ length: (2 * 1440) / 5 }, (_, k) => k)
      .filter((k) => k < 200 || k > 230)
      .map((k) => `${minute(5 * k)},${(50 + (k % 12) * 4).toFixed(1)}`),
  ];
  fs.writeFileSync(path.join(dir, 'daily.csv'), daily.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'coarse.csv'), coarse.join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify([
      { name: 'daily', file: 'daily.csv', step: 60 },
      { name: 'coarse', file: 'coarse.csv', step: 300 },
    ]),
  );
}

test('npm run bench scores every trace of a manifest with the reference policies and prints the summary table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    writeTraces(dir);
    const json = path.join(dir, 'out.json');
    const r = spawnSync('npx', ['tsx', 'scripts/bench.ts', '--traces', dir, '--reactive-targets', '0.5', '--json', json], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '| policy | cost/oracle (geometric mean) | overload% (mean) | unserved% (mean) | worst trace unserved% | plan errors |',
    );
    for (const p of [
      'target tracking alone',
      'hourly seasonal (AWS-style predictive)',
      'target tracking alone at 0.5',
      '**this planner + target tracking**',
      'static peak',
    ]) {
      expect(r.stdout).toContain(`| ${p} |`);
    }
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      traces: Array<{ trace: string; policies: Record<string, { costRatio: number; unservedPct: number; plannerErrors?: number }> }>;
    };
    expect(out.traces.map((t) => t.trace)).toEqual(['daily', 'coarse']);
    for (const t of out.traces) {
      // more capacity buys less unserved load; static peak serves everything
      expect(t.policies['reactive@0.5'].unservedPct).toBeLessThanOrEqual(t.policies.reactive.unservedPct);
      expect(t.policies['reactive@0.5'].costRatio).toBeGreaterThan(t.policies.reactive.costRatio);
      expect(t.policies['static-peak'].unservedPct).toBe(0);
      expect(t.policies.candidate.plannerErrors).toBe(0);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

test('npm run bench names an unknown trace and exits non-zero', () => {
  const r = spawnSync('npx', ['tsx', 'scripts/bench.ts', '--only', 'no-such-trace'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/no trace of .*manifest\.json matches --only no-such-trace/);
});
