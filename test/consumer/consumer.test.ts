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
/** The group examples of docs/groups.md: Spot, a warm pool and lifecycle hooks; a team's existing group; scalers on a plain and an imported group. */
const groupExamples = [
  { file: path.join(root, 'examples', 'group-features-stack.ts'), stack: 'GroupFeatures' },
  { file: path.join(root, 'examples', 'existing-group-stack.ts'), stack: 'ExistingGroup' },
  { file: path.join(root, 'examples', 'imported-group-stack.ts'), stack: 'ImportedGroup' },
];

/** The example of docs/ecs-services.md (the README shows its scaler part). */
const ecsExample = { file: path.join(root, 'examples', 'ecs-service-stack.ts'), stack: 'EcsService' };

type Resource = { Type: string; Properties?: Record<string, any> };

/** Transpiles an example to app dir's `<name>.js`, runs it with only the consumer app's node_modules, and returns the stack's resources. */
function synthExample(file: string, stack: string): Resource[] {
  const name = path.basename(file, '.ts');
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
  }).outputText;
  fs.writeFileSync(path.join(app, `${name}.js`), js);
  const outdir = path.join(app, `cdk.out.${name}`);
  const r = timed(`synth ${name}`, () =>
    spawnSync(process.execPath, [`${name}.js`], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir, NODE_PATH: '' },
    }),
  );
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.status).toBe(0);
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack}.template.json`), 'utf8'));
  return Object.values(template.Resources as Record<string, Resource>);
}
const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let work: string;
let app: string;
let pack: PackResult;
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
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const out = timed('pack', () =>
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  pack = JSON.parse(out)[0];
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }, null, 2));
  timed('install', () =>
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        path.join(work, pack.filename),
        `aws-cdk-lib@${versionOf('aws-cdk-lib')}`,
        `constructs@${versionOf('constructs')}`,
      ],
      { cwd: app, encoding: 'utf8' },
    ),
  );
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });

  console.log(`consumer test timings (s): ${JSON.stringify(timings)}; tarball ${pack ? (pack.size / 1024).toFixed(0) : '?'} KiB`);
});

test('npm pack ships only the compiled constructs, declarations, handler bundles and docs, under 2 MB', () => {
  const files = pack.files.map((f) => f.path).sort();
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    /^CHANGELOG\.md$/,
    /^API\.md$/,
    /^dist\/lib\/.+\.(js|d\.ts)$/,
    /^dist\/lambda\/(core|contract)\/.+\.(js|d\.ts)$/,
    /^dist\/bin\/scaling-backtest\.(js|d\.ts)$/,
    /^dist\/handlers\/[a-z-]+\/index\.js(\.map)?$/,
    /^\.jsii$/,
  ];
  expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/lib/index.js',
    'dist/lib/index.d.ts',
    'dist/lib/core.js',
    'dist/lib/core.d.ts',
    '.jsii',
    'dist/handlers/predictive-scaler/index.js',
    'dist/handlers/cost-optimizer/index.js',
  ]) {
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

test('the core: planCapacity, explainPlan and decideCost from the entry and from cdk-scaling-architecture/core; the assembly and package.json reachable', () => {
  const script = `
    const entry = require('cdk-scaling-architecture');
    const core = require('cdk-scaling-architecture/core');
    const names = ['planCapacity', 'explainPlan', 'decideCost'];
    console.log(JSON.stringify({
      entry: names.filter((n) => typeof entry[n] === 'function'),
      core: Object.keys(core).sort(),
      same: names.every((n) => entry[n] === core[n]),
      jsii: JSON.parse(require('fs').readFileSync(require.resolve('cdk-scaling-architecture/.jsii'), 'utf8')).name,
      version: require('cdk-scaling-architecture/package.json').version,
    }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({
    entry: ['planCapacity', 'explainPlan', 'decideCost'],
    core: ['decideCost', 'explainPlan', 'planCapacity'],
    same: true,
    jsii: 'cdk-scaling-architecture',
    version: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
  });
});

test("the core's types come from cdk-scaling-architecture/core, under the node10 (typesVersions) and node16 (exports) resolutions", () => {
  const source = [
    "import { planCapacity } from 'cdk-scaling-architecture';",
    "import { explainPlan, type PlanInput, type PlanOutput, type CostDecisionInput } from 'cdk-scaling-architecture/core';",
    'export function plan(input: PlanInput): PlanOutput {',
    '  explainPlan(input);',
    '  return planCapacity(input, { unservedBudget: 0.03 });',
    '}',
    'export type Decision = CostDecisionInput;',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(app, 'core-types.ts'), source);
  for (const [module, moduleResolution] of [
    ['commonjs', 'node10'],
    ['node16', 'node16'],
  ]) {
    const config = path.join(app, `tsconfig.core-${moduleResolution}.json`);
    fs.writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module, moduleResolution, strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['core-types.ts'],
      }),
    );
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { cwd: app, encoding: 'utf8' });
    expect({ moduleResolution, out: r.stdout + r.stderr }).toEqual({ moduleResolution, out: '' });
    expect(r.status).toBe(0);
  }
});

test('the guide shows the examples this test runs: the README its example, docs/groups.md the group examples', () => {
  const shown = (doc: string) => fs.readFileSync(path.join(root, doc), 'utf8');
  expect(shown('README.md')).toContain(fs.readFileSync(exampleFile, 'utf8').trim());
  for (const { file } of groupExamples) expect(shown('docs/groups.md')).toContain(fs.readFileSync(file, 'utf8').trim());
});

test('the examples (README, docs/groups.md, docs/ecs-services.md) type-check against the shipped declarations', () => {
  const files = [exampleFile, ...groupExamples.map((e) => e.file), ecsExample.file].map((file) => {
    const name = `${path.basename(file, '.ts')}.ts`;
    fs.copyFileSync(file, path.join(app, name));
    return name;
  });
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files,
    }),
  );
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
  const r = timed('synth', () =>
    spawnSync(process.execPath, ['app.js'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir, NODE_PATH: '' },
    }),
  );
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

test('the group features example synthesizes clean under AwsSolutions and ScalingStandardsChecks: Spot (mixed instances), a warm pool, lifecycle hooks', () => {
  const resources = synthExample(groupExamples[0].file, groupExamples[0].stack);
  const groups = resources.filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup');
  expect(groups).toHaveLength(2);
  const spot = groups.find((g) => g.Properties!.MixedInstancesPolicy)!;
  expect(spot.Properties!.MixedInstancesPolicy.InstancesDistribution).toMatchObject({
    OnDemandBaseCapacity: 2,
    OnDemandPercentageAboveBaseCapacity: 50,
  });
  expect(spot.Properties!.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([{ InstanceType: 'm7i.large' }, { InstanceType: 'm6i.large' }]);
  expect(spot.Properties).toMatchObject({ CapacityRebalance: true, MaxInstanceLifetime: 14 * 86400 });
  for (const g of groups) {
    expect(g.Properties!.LifecycleHookSpecificationList).toEqual([
      expect.objectContaining({
        LifecycleHookName: 'drain',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
      }),
    ]);
  }
  expect(resources.filter((r) => r.Type === 'AWS::AutoScaling::WarmPool')).toEqual([
    expect.objectContaining({ Properties: expect.objectContaining({ MinSize: 1, InstanceReusePolicy: { ReuseOnScaleIn: true } }) }),
  ]);
  // the cost optimizer's Spot lever, from the shipped bundle
  expect(resources.some((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.SPOT_MIN_ON_DEMAND_PERCENT === '0')).toBe(
    true,
  );
});

test("the existing group example synthesizes clean with exactly one AutoScalingGroup: the team's", () => {
  const resources = synthExample(groupExamples[1].file, groupExamples[1].stack);
  const count = (t: string) => resources.filter((r) => r.Type === t).length;
  expect(count('AWS::AutoScaling::AutoScalingGroup')).toBe(1);
  expect(count('AWS::EC2::LaunchTemplate')).toBe(1);
  expect(count('AWS::ElasticLoadBalancingV2::LoadBalancer')).toBe(1);
  expect(count('AWS::Budgets::Budget')).toBe(1);
  const group = resources.find((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')!;
  expect(group.Properties!.TargetGroupARNs).toHaveLength(1);
  // the predictive scaler and the cost optimizer (with vertical scaling on the team's template) act on it
  const scalers = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.AUTO_SCALING_GROUP_NAME);
  expect(scalers).toHaveLength(2);
  expect(scalers.some((f) => f.Properties!.Environment.Variables.LAUNCH_TEMPLATE_ID)).toBe(true);
});

test('the imported group example synthesizes clean: both scalers on a plain aws-cdk-lib group (derived capacityPerInstance, found launch template) and on one imported by name', () => {
  const resources = synthExample(groupExamples[2].file, groupExamples[2].stack);
  expect(resources.filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')).toHaveLength(1);
  const scalers = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.AUTO_SCALING_GROUP_NAME);
  expect(scalers).toHaveLength(4);
  const env = (groupName: unknown, has: string) =>
    scalers
      .map((f) => f.Properties!.Environment.Variables)
      .find((v) => JSON.stringify(v.AUTO_SCALING_GROUP_NAME) === JSON.stringify(groupName) && v[has] !== undefined);
  const plain = scalers.find((f) => typeof f.Properties!.Environment.Variables.AUTO_SCALING_GROUP_NAME === 'object')!.Properties!.Environment
    .Variables.AUTO_SCALING_GROUP_NAME;
  // the plain group: 1000 requests per target per minute / 0.7, and vertical scaling on its own template
  expect(env(plain, 'SCALING_MODE')).toMatchObject({
    CAPACITY_PER_INSTANCE: '1428.571429',
    LOAD_METRIC_STATISTIC: 'Sum',
    LAUNCH_LEAD_SECONDS: '300',
  });
  expect(env(plain, 'BUDGET_NAME')).toMatchObject({ LAUNCH_TEMPLATE_ID: { Ref: expect.stringMatching(/^FleetTemplate/) } });
  // the imported group: by name, with its given bounds
  expect(env('legacy-web', 'SCALING_MODE')).toMatchObject({
    CAPACITY_PER_INSTANCE: '1200',
    GROUP_BASELINE: JSON.stringify({ minSize: 1, maxSize: 8, schedules: [] }),
  });
  expect(env('legacy-web', 'BUDGET_NAME')).toMatchObject({ BUDGET_NAME: 'legacy-web-monthly' });
});

test("the ECS example synthesizes: the predictive scaler plans the service's tasks and may write only Application Auto Scaling scalable targets", () => {
  const resources = synthExample(ecsExample.file, ecsExample.stack);
  expect(resources.filter((r) => r.Type === 'AWS::ECS::CapacityProvider')).toEqual([
    expect.objectContaining({
      Properties: expect.objectContaining({
        AutoScalingGroupProvider: expect.objectContaining({ ManagedScaling: expect.objectContaining({ Status: 'ENABLED' }) }),
      }),
    }),
  ]);
  const scaler = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.ECS_SERVICE_TARGET)!;
  expect(scaler.Properties!.Environment.Variables).toMatchObject({
    CAPACITY_PER_INSTANCE: '1000',
    LAUNCH_LEAD_SECONDS: '300',
    LOAD_METRIC_STATISTIC: 'Sum',
  });
  const writes = resources
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Sid?: string }[])
    .filter((st) => st.Sid === 'PlanTheServiceTasks' || st.Sid === 'ScaleTheManagedGroup');
  expect(writes.map((st) => st.Sid)).toEqual(['PlanTheServiceTasks']);
  // the cost optimizer caps the tasks with the group it serves alone
  const optimizer = resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Environment?.Variables?.ECS_TASK_CAP)!;
  expect(JSON.parse(optimizer.Properties!.Environment.Variables.ECS_TASK_CAP)).toEqual({
    tasksPerInstance: 4,
    minCapacity: 2,
    maxCapacity: 40,
    groupMaxSize: 10,
  });
});
