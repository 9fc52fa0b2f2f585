/**
 * The package as another team consumes it: `npm pack`, install the tarball into a fresh
 * temporary CDK app that has only aws-cdk-lib and constructs besides it (and cdk-nag, the peer
 * dependency npm installs with it, for the ScalingStandardsChecks pack; no esbuild, no
 * TypeScript sources of ours), and synthesize the README's example there.
 *
 * Needs `npm run build` first (npm test does it); the npm registry (or npm's cache) provides
 * aws-cdk-lib and constructs for the temporary app.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const exampleFile = path.join(root, 'examples', 'my-service-stack.ts');
const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

interface PackResult { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

let work: string;
let app: string;
let pack: PackResult;
let timings: Record<string, number> = {};

const timed = <T>(name: string, f: () => T): T => {
  const t0 = Date.now();
  try { return f(); } finally { timings[name] = (Date.now() - t0) / 1000; }
};

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const out = timed('pack', () => execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
  pack = JSON.parse(out)[0];
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }, null, 2));
  timed('install', () => execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
    path.join(work, pack.filename), `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`], { cwd: app, encoding: 'utf8' }));
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`consumer test timings (s): ${JSON.stringify(timings)}; tarball ${pack ? (pack.size / 1024).toFixed(0) : '?'} KiB`);
});

test('npm pack ships only the compiled constructs, declarations, handler bundles and docs, under 2 MB', () => {
  const files = pack.files.map((f) => f.path).sort();
  const allowed = [
    /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^API\.md$/,
    /^dist\/lib\/.+\.(js|d\.ts)$/, /^dist\/lambda\/core\/.+\.(js|d\.ts)$/,
    /^dist\/bin\/scaling-backtest\.(js|d\.ts)$/, /^dist\/handlers\/[a-z-]+\/index\.js(\.map)?$/,
  ];
  expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/lib/index.js', 'dist/lib/index.d.ts',
    'dist/handlers/predictive-scaler/index.js', 'dist/handlers/cost-optimizer/index.js']) {
    expect(files).toContain(needed);
  }
  expect(files.some((f) => /(^|\/)test\/|\.test\.|traces|__snapshots__|cdk\.out|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toBe(false);
  expect(pack.size).toBeLessThan(2 * 1024 * 1024);
});

test('the consumer app has neither esbuild nor TypeScript', () => {
  expect(fs.existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);
  expect(fs.existsSync(path.join(app, 'node_modules', 'typescript'))).toBe(false);
  expect(fs.existsSync(path.join(app, 'node_modules', 'cdk-scaling-architecture', 'dist', 'lib', 'index.js'))).toBe(true);
  // what the app has: the package, its peers and their own dependencies
  const top = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies;
  expect(Object.keys(top).sort()).toEqual(['aws-cdk-lib', 'cdk-scaling-architecture', 'constructs']);
});

test('the README example is the file this test runs', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toContain(fs.readFileSync(exampleFile, 'utf8').trim());
});

test('the README example type-checks against the shipped declarations', () => {
  fs.copyFileSync(exampleFile, path.join(app, 'app.ts'));
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, noEmit: true, skipLibCheck: true, types: [] },
    files: ['app.ts'],
  }));
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('a fresh app with only the tarball, aws-cdk-lib and constructs synthesizes the README example', () => {
  const js = ts.transpileModule(fs.readFileSync(exampleFile, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
  }).outputText;
  fs.writeFileSync(path.join(app, 'app.js'), js);
  const outdir = path.join(app, 'cdk.out');
  const r = timed('synth', () => spawnSync(process.execPath, ['app.js'], {
    cwd: app, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir, NODE_PATH: '' },
  }));
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.status).toBe(0);
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'MyService.template.json'), 'utf8'));
  const types = Object.values(template.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>);
  const count = (t: string) => types.filter((r) => r.Type === t).length;
  expect(count('AWS::AutoScaling::AutoScalingGroup')).toBe(1);
  expect(count('AWS::ElasticLoadBalancingV2::LoadBalancer')).toBe(1);
  expect(count('AWS::Budgets::Budget')).toBe(1);
  // the two scalers: the predictive scaler and the cost optimizer, from the shipped bundles
  const functions = types.filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions.length).toBeGreaterThanOrEqual(2);
  for (const f of functions) {
    expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  }
  const group = types.find((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')!;
  expect(group.Properties).not.toHaveProperty('DesiredCapacity');
});
