/**
 * Issue 22, item 8 (cdk.json): a misspelt mode in cdk.json fails `cdk synth` and names the
 * cdk.json path, instead of deploying a default (a misspelt 'dry-run' deployed 'apply', a
 * misspelt 'forecast-and-scale' deployed forecast-only). Run through the app's own entry point,
 * bin/app.ts, as the CDK CLI runs it (`npx tsx bin/app.ts`, the context in CDK_CONTEXT_JSON).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdkJsonEnvironments, createApp } from '../../bin/environments';

const ROOT = path.join(__dirname, '..', '..');

/** Runs bin/app.ts like `cdk synth` does, with `environments` as the context. */
function synth(environments: unknown): { status: number | null; stderr: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-modes-'));
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'bin', 'app.ts')], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ environments }), CDK_OUTDIR: outdir },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, stderr: r.stderr };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const prod = cdkJsonEnvironments().prod;

test.each(['dryrun', 'dry_run', 'DRY_RUN'])("cdk.json costOptimizer.mode '%s' fails the synthesis of bin/app.ts, naming the path", (mode) => {
  const r = synth({ prod: { ...prod, costOptimizer: { ...prod.costOptimizer, mode } } });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(`cdk.json: environments.prod.costOptimizer.mode must be one of 'apply', 'dry-run', 'forecast-only', got "${mode}"`);
});

test("cdk.json predictiveScaler.mode 'forecast_and_scale' fails the synthesis, naming the path", () => {
  expect(() =>
    createApp({ environments: { prod: { ...prod, predictiveScaler: { mode: 'forecast_and_scale' as never } } }, nagChecks: false }),
  ).toThrow(/^cdk\.json: environments\.prod\.predictiveScaler\.mode must be one of 'forecast-only', 'forecast-and-scale', got "forecast_and_scale"/);
});

test("cdk.json scaling.nativePredictive.mode 'forecastAndScale' fails too", () => {
  expect(() =>
    createApp({
      environments: { dev: { scaling: { nativePredictive: { mode: 'forecastAndScale' as never, targetRequestsPerTarget: 100 } } } },
      nagChecks: false,
    }),
  ).toThrow(/environments\.dev\.scaling\.nativePredictive\.mode must be one of 'ForecastOnly', 'ForecastAndScale'/);
});

test("the modes as written synthesize: prod's 'dry-run' reaches the function", () => {
  const app = createApp({ environments: { prod: { ...prod, costOptimizer: { ...prod.costOptimizer, mode: 'dry-run' } } }, nagChecks: false });
  const template = JSON.stringify(app.synth().getStackArtifact('ScalingArchitecture-Prod').template);
  expect(template).toContain('"MODE":"dry-run"');
});

test('a cdk.json schedule the cron model cannot read fails, naming its path', () => {
  const staging = cdkJsonEnvironments().staging;
  const schedules = [{ cron: '0 8 * * 1-5', minCapacity: 3, timeZone: 'Berlin' }];
  expect(() => createApp({ environments: { staging: { ...staging, scaling: { ...staging.scaling, schedules } } }, nagChecks: false })).toThrow(
    /^cdk\.json: environments\.staging\.scaling\.schedules\[0\] \(cron '0 8 \* \* 1-5', timeZone 'Berlin'\): time zone 'Berlin' is not an IANA time zone name/,
  );
});

// Red-team review of issue 22 #8: the controllers' switches are typed in cdk.json too. A string
// "false" is truthy: `"enabled": "false"` deployed the function it meant to turn off (dev's cost
// optimizer in apply mode), `"dryRun": "false"` deployed a dry run.
test.each([
  ['costOptimizer.enabled', '"false"', { costOptimizer: { ...prod.costOptimizer, enabled: 'false' } }],
  ['predictiveScaler.enabled', '"false"', { predictiveScaler: { ...prod.predictiveScaler, enabled: 'false' } }],
  ['predictiveScaler.dryRun', '"false"', { predictiveScaler: { ...prod.predictiveScaler, dryRun: 'false' } }],
  ['costOptimizer.enabled', '0', { costOptimizer: { ...prod.costOptimizer, enabled: 0 } }],
])('cdk.json %s given as %s fails the synthesis, naming the path', (where, got, section) => {
  expect(() => createApp({ environments: { prod: { ...prod, ...(section as object) } }, nagChecks: false })).toThrow(
    `cdk.json: environments.prod.${where} must be true or false, got ${got}`,
  );
});
