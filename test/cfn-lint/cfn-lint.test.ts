/**
 * Every synthesized environment template passes cfn-lint with no error (warnings such as W3005,
 * a DependsOn that aws-cdk-lib generates, are allowed). cfn-lint is a Python tool on the machine
 * image; .ci/run installs it when it is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../bin/environments';

function cfnLint(files: string[]) {
  const run = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', ...files], { encoding: 'utf8', timeout: 180_000 });
  if (run.error) throw new Error(`cfn-lint could not run (${run.error.message}): install it with 'pip install cfn-lint'`);
  return run;
}

describe('cfn-lint', () => {
  let outdir: string;
  let templates: string[];

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    createApp({ appProps: { outdir } }).synth();
    templates = fs
      .readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => path.join(outdir, f));
  });

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes the three environment templates', () => {
    expect(templates.map((f) => path.basename(f)).sort()).toEqual([
      'ScalingArchitecture-Dev.template.json',
      'ScalingArchitecture-Prod.template.json',
      'ScalingArchitecture-Staging.template.json',
    ]);
  });

  test('reports no error on any environment template', () => {
    const run = cfnLint(templates);
    const errors = run.stdout.split('\n').filter((line) => /^E\d{4}/.test(line));
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  });

  test('the check can fail: a template with an invalid property is reported as an error', () => {
    const broken = path.join(outdir, 'broken.json');
    fs.writeFileSync(
      broken,
      JSON.stringify({
        Resources: { Group: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2', DesiredCapacityy: '1' } } },
      }),
    );
    const run = cfnLint([broken]);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/E\d{4}/);
  });
});
