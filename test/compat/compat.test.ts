/**
 * The supported aws-cdk-lib range, tested at both ends: `npm pack` once, install the tarball
 * into two fresh apps, one with the oldest aws-cdk-lib, constructs and cdk-nag our
 * peerDependencies allow (the lower bounds of the ranges) and one with the newest (the
 * versions this repository develops against, from package-lock.json), without --force or
 * --legacy-peer-deps (with --strict-peer-deps). In each: type-check and run
 * fixtures/standards-app.ts (ScalableService with the Scaling and AwsSolutions packs applied
 * at synthesis, Template assertions, the pack's findings on the corpus apps of
 * test/lib/standards/corpus), and synthesize the README example; and, at the oldest end, type-check
 * our own sources against that app's aws-cdk-lib, constructs and cdk-nag (what our .d.ts are
 * emitted from; the newest end is what `npm run typecheck` uses).
 *
 * Needs `npm run build` first (npm test does it) and the npm registry or npm's cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { EXPECTED } from '../lib/standards/corpus/expected';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;
/** The lower bound of a caret range, e.g. `^2.257.0` -> `2.257.0`. */
const floorOf = (name: string) => {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.peerDependencies[name]);
  if (!m) throw new Error(`peerDependencies.${name} (${pkg.peerDependencies[name]}) is not a caret range`);
  return m[1];
};
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-nag'];
const TARGETS = {
  oldest: Object.fromEntries(PEERS.map((p) => [p, floorOf(p)])),
  newest: Object.fromEntries(PEERS.map((p) => [p, installed(p)])),
};
/** The cloud assembly schema each end writes: the README says which CDK CLI reads it, so a change fails here. */
const SCHEMA = { oldest: '54.0.0', newest: '55.0.0' };

let work: string;
let tarball: string;
const timings: Record<string, number> = {};
const timed = <T>(name: string, f: () => T): T => {
  const t0 = Date.now();
  try {
    return f();
  } finally {
    timings[name] = (Date.now() - t0) / 1000;
  }
};

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
  const out = timed('pack', () =>
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  tarball = path.join(work, JSON.parse(out)[0].filename);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  console.log(`compat test timings (s): ${JSON.stringify(timings)}; versions ${JSON.stringify(TARGETS)}`);
});

/** Our test sources, copied into the app with their imports of our sources pointed at the package. */
function copySources(app: string): string[] {
  const files: Array<[string, string]> = [
    [path.join(root, 'test', 'compat', 'fixtures', 'standards-app.ts'), 'standards-app.ts'],
    [path.join(root, 'examples', 'my-service-stack.ts'), 'my-service-stack.ts'],
    ...fs
      .readdirSync(path.join(root, 'test', 'lib', 'standards', 'corpus'))
      .filter((f) => f.endsWith('.ts') && f !== 'print-findings.ts')
      .map((f): [string, string] => [path.join(root, 'test', 'lib', 'standards', 'corpus', f), path.join('corpus', f)]),
  ];
  fs.mkdirSync(path.join(app, 'corpus'), { recursive: true });
  for (const [from, to] of files) {
    const text = fs
      .readFileSync(from, 'utf8')
      .replace(/from '(\.\.\/)+lib'/g, "from 'cdk-scaling-architecture'")
      .replace(/from '\.\.\/\.\.\/lib\/standards\/corpus'/g, "from './corpus'");
    fs.writeFileSync(path.join(app, to), text);
  }
  return files.map(([, to]) => to);
}

describe.each(Object.keys(TARGETS) as Array<keyof typeof TARGETS>)('the packed package with the %s supported aws-cdk-lib', (end) => {
  const versions = TARGETS[end];
  let app: string;
  let sources: string[];

  beforeAll(() => {
    app = path.join(work, end);
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `compat-${end}`, version: '1.0.0', private: true }));
    timed(`install ${end}`, () =>
      execFileSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--strict-peer-deps',
          '--loglevel=error',
          tarball,
          ...PEERS.map((p) => `${p}@${versions[p]}`),
        ],
        { cwd: app, encoding: 'utf8' },
      ),
    );
    sources = copySources(app);
  }, 600_000);

  test('installs beside exactly those versions, without --force or --legacy-peer-deps', () => {
    for (const p of PEERS) {
      expect(JSON.parse(fs.readFileSync(path.join(app, 'node_modules', p, 'package.json'), 'utf8')).version).toBe(versions[p]);
    }
    expect(fs.existsSync(path.join(app, 'node_modules', 'cdk-scaling-architecture', 'dist', 'lib', 'index.js'))).toBe(true);
  });

  test('the apps type-check against the shipped declarations', () => {
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, noEmit: true, skipLibCheck: true, types: [], esModuleInterop: true },
        files: sources,
      }),
    );
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  // The newest end is what `npm run typecheck` checks our sources against already.
  (end === 'oldest' ? test : test.skip)("our sources type-check against this end's aws-cdk-lib, constructs and cdk-nag", () => {
    const nm = path.join(app, 'node_modules');
    const config = path.join(work, `tsconfig.${end}.json`);
    fs.writeFileSync(
      config,
      JSON.stringify({
        extends: path.join(root, 'tsconfig.build.json'),
        compilerOptions: {
          noEmit: true,
          baseUrl: root,
          typeRoots: [path.join(root, 'node_modules', '@types')],
          paths: Object.fromEntries(
            PEERS.flatMap((p) => [
              [p, [path.join(nm, p)]],
              [`${p}/*`, [path.join(nm, p, '*')]],
            ]),
          ),
        },
        include: [
          path.join(root, 'lib', '**', '*.ts'),
          path.join(root, 'lambda', 'core', '**', '*.ts'),
          path.join(root, 'bin', 'scaling-backtest.ts'),
        ],
      }),
    );
    const r = timed(`tsc ${end}`, () =>
      spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { cwd: root, encoding: 'utf8' }),
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  const run = (file: string, outdir: string) => {
    for (const f of sources) {
      const js = ts.transpileModule(fs.readFileSync(path.join(app, f), 'utf8'), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
      }).outputText;
      fs.writeFileSync(path.join(app, f.replace(/\.ts$/, '.js')), js);
    }
    return spawnSync(process.execPath, [file], {
      cwd: app,
      encoding: 'utf8',
      // As the CDK CLI runs an app: an error aws-cdk-lib constructs (even one caught) writes its code there.
      env: { ...process.env, CDK_OUTDIR: path.join(app, outdir), CDK_ERROR_FILE: path.join(app, outdir, 'error.txt'), NODE_PATH: '' },
    });
  };

  test('ScalableService synthesizes with both packs applied, passes Template assertions, and the corpus findings are the expected ones', () => {
    const r = timed(`standards-app ${end}`, () => run('standards-app.js', 'cdk.out'));
    expect(r.stderr).not.toMatch(/Error|failure/);
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result.schema).toBe(SCHEMA[end]);
    expect(result.service).toEqual([]);
    expect(result.corpus).toEqual(EXPECTED);
    expect(fs.existsSync(path.join(app, 'cdk.out', 'error.txt'))).toBe(false);
  });

  test('the README example synthesizes', () => {
    const r = timed(`example ${end}`, () => run('my-service-stack.js', 'example.out'));
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(app, 'example.out', 'MyService.template.json'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'example.out', 'error.txt'))).toBe(false);
  });
});
