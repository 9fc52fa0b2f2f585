/**
 * `npm run package` builds the Python bindings into a wheel in dist/python (scripts/package-python.ts,
 * with `--no-build`: `npm test` has just built the assembly and the handler bundles). The wheel
 * must hold the generated module and the npm tarball the jsii runtime loads, with the assembly and
 * the handler bundles in it. Installing the wheel and using it from Python needs PyPI (the jsii
 * runtime, aws-cdk-lib and constructs for Python): docs/python.md.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as { name: string; version: string };

/** Lists the wheel and the npm tarball embedded in it (Python's zipfile and tarfile, no unzip needed). */
const LIST = `
import io, json, sys, tarfile, zipfile
wheel = zipfile.ZipFile(sys.argv[1])
names = wheel.namelist()
tgz = [n for n in names if n.endswith('.jsii.tgz')]
inner = tarfile.open(fileobj=io.BytesIO(wheel.read(tgz[0]))).getnames() if len(tgz) == 1 else []
init = wheel.read('cdk_scaling_architecture/__init__.py').decode() if 'cdk_scaling_architecture/__init__.py' in names else ''
print(json.dumps({'names': names, 'inner': inner, 'init': init}))
`;

test('npm run package leaves a wheel in dist/python with the generated module and the embedded jsii tarball', () => {
  const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/package-python.ts', '--no-build'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scripts/package-python.ts failed (${r.status}):\n${`${r.stdout}${r.stderr}`.slice(-3000)}`);

  const outDir = path.join(ROOT, 'dist', 'python');
  const wheelName = `${pkg.name.replace(/-/g, '_')}-${pkg.version}-py3-none-any.whl`;
  expect(fs.readdirSync(outDir).filter((f) => f.endsWith('.whl'))).toEqual([wheelName]);

  const listed = spawnSync(PYTHON, ['-c', LIST, path.join(outDir, wheelName)], { encoding: 'utf8' });
  expect(listed.stderr).toBe('');
  const { names, inner, init } = JSON.parse(listed.stdout) as { names: string[]; inner: string[]; init: string };

  expect(names).toEqual(
    expect.arrayContaining([
      'cdk_scaling_architecture/__init__.py',
      'cdk_scaling_architecture/py.typed',
      'cdk_scaling_architecture/_jsii/__init__.py',
      `cdk_scaling_architecture/_jsii/${pkg.name}@${pkg.version}.jsii.tgz`,
      `${pkg.name.replace(/-/g, '_')}-${pkg.version}.dist-info/METADATA`,
    ]),
  );
  // the generated classes of the constructs, the enums jsii made of the string unions
  for (const name of ['class ScalableService(', 'class PredictiveScaler(', 'class CostOptimizer(', 'class ScalingPolicyType(']) {
    expect(init).toContain(name);
  }
  // what the jsii runtime loads: the package with its assembly, entry and handler bundles
  expect(inner).toEqual(
    expect.arrayContaining([
      'package/package.json',
      'package/.jsii',
      'package/dist/lib/index.js',
      'package/dist/handlers/predictive-scaler/index.js',
      'package/dist/handlers/cost-optimizer/index.js',
    ]),
  );
});
