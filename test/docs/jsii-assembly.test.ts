/**
 * The jsii assembly that `npm run build` writes (`.jsii`): the constructs and the enums, nothing of
 * the user-facing core (whose functions are runtime exports of the entry only). In the integration
 * project because it reads the build's output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FUNCTIONS, PUBLIC_CORE } from '../support/public-core';

const ROOT = path.resolve(__dirname, '..', '..');

test('the jsii assembly of `npm run build` has the constructs and the enums, and nothing of the core', () => {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')) as {
    name: string;
    types: Record<string, { kind: string; name: string }>;
  };
  expect(assembly.name).toBe('cdk-scaling-architecture');
  const types = Object.values(assembly.types);
  const kindOf = (name: string) => types.find((t) => t.name === name)?.kind;
  for (const construct of [
    'ScalableService',
    'PredictiveScaler',
    'CostOptimizer',
    'LoadMonitor',
    'LoadDistribution',
    'ScalingGroup',
    'ScalingBudget',
  ]) {
    expect({ construct, kind: kindOf(construct) }).toEqual({ construct, kind: 'class' });
  }
  // the string union of 0.2.0 is an enum; its values are the strings of 0.2.0
  expect(types.find((t) => t.name === 'ScalingPolicyType')).toMatchObject({ kind: 'enum', members: [{ name: 'HORIZONTAL' }, { name: 'VERTICAL' }] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect({ ...(require('../../lib') as { ScalingPolicyType: object }).ScalingPolicyType }).toEqual({
    HORIZONTAL: 'horizontal',
    VERTICAL: 'vertical',
  });
  for (const name of [...PUBLIC_CORE, ...FUNCTIONS]) {
    expect({ name, inAssembly: kindOf(name) !== undefined }).toEqual({ name, inAssembly: false });
  }
});
