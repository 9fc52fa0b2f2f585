/**
 * The layer boundaries of docs/DESIGN.md are lint rules (eslint.config.mjs). Each case lints a
 * small file placed (virtually) in a layer and checks that the boundary fires, or stays quiet for
 * the import the layer is allowed. The type-aware rules are turned off here: the boundaries do not
 * need types, and the cases stay fast.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const BOUNDARY_RULES = ['import-x/no-restricted-paths', 'no-restricted-imports', 'import-x/no-nodejs-modules', 'import-x/no-extraneous-dependencies'];

interface Finding {
  readonly ruleId: string | null;
  readonly message: string;
  readonly fatal: boolean;
}

/**
 * Every case of this file, linted in one child process (test/lint/lint-text.mjs) before the tests
 * run: `findings(file, code)` registers a case while the tests are collected and looks its result up
 * when they run.
 */
const cases: { file: string; code: string }[] = [];
let results: Finding[][] | undefined;
let repositoryFindings: string[] = [];

function findings(file: string, code: string): () => string[] {
  const index = cases.push({ file, code }) - 1;
  return () => {
    const found = results![index];
    const fatal = found.filter((m) => m.fatal);
    if (fatal.length > 0) throw new Error(`${file}: ${fatal.map((m) => m.message).join('; ')}`);
    return found.map((m) => m.ruleId ?? 'unknown');
  };
}

beforeAll(() => {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'lint-text.mjs')], {
    cwd: ROOT,
    input: JSON.stringify({ cases, files: ['lib/**/*.ts', 'lambda/**/*.ts'], rules: BOUNDARY_RULES }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`lint-text.mjs failed (${run.status}): ${run.stderr}`);
  const output = JSON.parse(run.stdout) as { cases: Finding[][]; files: { file: string; line: number; ruleId: string; message: string }[] };
  results = output.cases;
  repositoryFindings = output.files.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`);
});

describe('lambda/core is the pure core', () => {
  const file = 'lambda/core/lint-fixture.ts';
  test.each(
    [
      [
        'the AWS SDK',
        "import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';\nexport const c = AutoScalingClient;",
        'no-restricted-imports',
      ],
      ['smithy', "import { StandardRetryStrategy } from '@smithy/util-retry';\nexport const s = StandardRetryStrategy;", 'no-restricted-imports'],
      ['aws-cdk-lib', "import { Duration } from 'aws-cdk-lib';\nexport const d = Duration;", 'no-restricted-imports'],
      [
        'an aws-cdk-lib module',
        "import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';\nexport const a = autoscaling;",
        'no-restricted-imports',
      ],
      ['constructs', "import { Construct } from 'constructs';\nexport const c = Construct;", 'no-restricted-imports'],
      ['Powertools', "import { Logger } from '@aws-lambda-powertools/logger';\nexport const l = Logger;", 'no-restricted-imports'],
      ['a Node built-in', "import * as fs from 'fs';\nexport const f = fs;", 'import-x/no-nodejs-modules'],
      ['a node: built-in', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", 'import-x/no-nodejs-modules'],
      ['lib/', "import { ScalableService } from '../../lib';\nexport const s = ScalableService;", 'import-x/no-restricted-paths'],
      [
        'a construct file',
        "import { CostOptimizer } from '../../lib/resource-management/cost-optimizer';\nexport const c = CostOptimizer;",
        'import-x/no-restricted-paths',
      ],
      ['a handler', "import { METRIC } from '../predictive-scaler/telemetry';\nexport const m = METRIC;", 'import-x/no-restricted-paths'],
      ['lambda/shared', "import { describeError } from '../shared/aws';\nexport const d = describeError;", 'import-x/no-restricted-paths'],
    ].map(([what, code, rule]) => [what, findings(file, code), rule] as const),
  )('importing %s is a finding', (_what, found, rule) => {
    expect(found()).toContain(rule);
  });

  const allowed = findings(
    file,
    [
      "import { planCapacity } from './plan-capacity';",
      "import { decideCost } from './cost';",
      "import { GROUP_BASELINE_ENV } from '../contract/group-baseline';",
      'export const all = [planCapacity, decideCost, GROUP_BASELINE_ENV];',
    ].join('\n'),
  );
  test('importing the core itself and the settings contract is allowed', () => {
    expect(allowed()).toEqual([]);
  });

  const subCdk = findings('lambda/core/cost/lint-fixture.ts', "import { Duration } from 'aws-cdk-lib';\nexport const d = Duration;");
  const subNode = findings('lambda/core/cost/lint-fixture.ts', "import * as fs from 'fs';\nexport const f = fs;");
  test('the boundary holds in sub-folders of the core too', () => {
    expect(subCdk()).toContain('no-restricted-imports');
    expect(subNode()).toContain('import-x/no-nodejs-modules');
  });
});

describe('lib/ reaches lambda/ only through the settings contract and the core entry', () => {
  const file = 'lib/auto-scaling/lint-fixture.ts';
  test.each(
    [
      ['a handler module', "import { METRIC } from '../../lambda/predictive-scaler/telemetry';\nexport const m = METRIC;"],
      ['lambda/shared', "import { describeError } from '../../lambda/shared/aws';\nexport const d = describeError;"],
      [
        'a core internal (the cost state codec)',
        "import { encodeCostState } from '../../lambda/core/cost/state-codec';\nexport const e = encodeCostState;",
      ],
      ['a core sub-entry', "import { decideCost } from '../../lambda/core/cost';\nexport const d = decideCost;"],
      ['a script', "import { startMoto } from '../../scripts/moto-server';\nexport const s = startMoto;"],
      ['a test helper', "import { importedVpc } from '../../test/support/imported-vpc';\nexport const v = importedVpc;"],
    ].map(([what, code]) => [what, findings(file, code)] as const),
  )('importing %s is a finding', (_what, found) => {
    expect(found()).toContain('import-x/no-restricted-paths');
  });

  const allowed = findings(
    file,
    [
      "import { planCapacity } from '../../lambda/core';",
      "import { explainPlan } from '../../lambda/core/index';",
      "import { GROUP_BASELINE_ENV } from '../../lambda/contract/group-baseline';",
      'export const all = [planCapacity, explainPlan, GROUP_BASELINE_ENV];',
    ].join('\n'),
  );
  test('the core entry and the settings contract are allowed', () => {
    expect(allowed()).toEqual([]);
  });

  const devDependency = findings(file, "import { Logger } from '@aws-lambda-powertools/logger';\nexport const l = Logger;");
  const peers = findings(
    file,
    "import { Duration } from 'aws-cdk-lib';\nimport { Construct } from 'constructs';\nexport const all = [Duration, Construct];",
  );
  test('lib/ imports only what a user app provides (peer dependencies)', () => {
    expect(devDependency()).toContain('import-x/no-extraneous-dependencies');
    expect(peers()).toEqual([]);
  });
});

describe('standards rules import no construct', () => {
  const file = 'lib/standards/rules/lint-fixture.ts';
  test.each(
    [
      ['a construct', "import { ScalingGroup } from '../../auto-scaling/scaling-group';\nexport const g = ScalingGroup;"],
      ['the package entry', "import { ScalableService } from '../..';\nexport const s = ScalableService;"],
      ['lib/private', "import { assertPositiveDuration } from '../../private/validation';\nexport const a = assertPositiveDuration;"],
    ].map(([what, code]) => [what, findings(file, code)] as const),
  )('importing %s is a finding', (_what, found) => {
    expect(found()).toContain('import-x/no-restricted-paths');
  });

  const allowed = findings(
    file,
    [
      "import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';",
      "import type { ScalingRule } from '../scaling-rule';",
      "import { logicalIdOf } from '../private/cfn-lookup';",
      'export const rule: ScalingRule | undefined = undefined;',
      'export const all = [CfnAutoScalingGroup, logicalIdOf];',
    ].join('\n'),
  );
  test('lib/standards helpers and aws-cdk-lib L1 classes are allowed', () => {
    expect(allowed()).toEqual([]);
  });
});

describe('handlers', () => {
  const file = 'lambda/cost-optimizer/lint-fixture.ts';
  const construct = findings(file, "import { CostOptimizer } from '../../lib/resource-management/cost-optimizer';\nexport const c = CostOptimizer;");
  const cdk = findings(file, "import { Duration } from 'aws-cdk-lib';\nexport const d = Duration;");
  test('import no construct and no aws-cdk-lib', () => {
    expect(construct()).toContain('import-x/no-restricted-paths');
    expect(cdk()).toContain('no-restricted-imports');
  });

  const allowed = findings(
    file,
    [
      "import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';",
      "import { decideCost } from '../core/cost';",
      "import { GROUP_BASELINE_ENV } from '../contract/group-baseline';",
      "import { describeError } from '../shared/aws';",
      'export const all = [AutoScalingClient, decideCost, GROUP_BASELINE_ENV, describeError];',
    ].join('\n'),
  );
  test('may use the core, the contract, lambda/shared and the AWS SDK', () => {
    expect(allowed()).toEqual([]);
  });
});

test('the repository itself keeps every boundary', () => {
  expect(repositoryFindings).toEqual([]);
});
