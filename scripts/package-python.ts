/**
 * Builds the Python bindings into a wheel in dist/python (`npm run package`).
 *
 *   1. `npm run build`: jsii writes the assembly (.jsii) and the JavaScript, esbuild the handler
 *      bundles (skipped with `--no-build`, for a tree just built, as `npm test` has).
 *   2. `jsii-pacmak --targets python --code-only`: generates the Python package in dist/python
 *      from the assembly, with the npm tarball of this package embedded. Its `npm pack` runs with
 *      `npm_config_ignore_scripts=true`: the tarball must be the build the assembly describes, not
 *      a second build by `prepack` (a `--pack-command` would do too, but pacmak then copies the
 *      whole folder, node_modules included, before packing it). `--no-npmignore`: the package's
 *      `files` list says what it carries; pacmak would otherwise write a .npmignore.
 *   3. `python3 -m build --wheel --no-isolation --skip-dependency-check` in dist/python, with a
 *      Python that has the `build` module (Debian's python3-build; `PYTHON` picks another).
 *
 * jsii-pacmak's own Python step creates a virtual environment and installs setuptools, build and
 * twine from PyPI; steps 2 and 3 build the same wheel without it, from the system's packages, for
 * machines that reach the npm registry and Debian's archive but not PyPI. docs/python.md says what
 * this cannot check (installing the wheel with its dependencies, a Python consumer).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'python');
const python = process.env.PYTHON ?? '/usr/bin/python3';

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  console.log(`> ${[command, ...args].join(' ')}`);
  const r = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${r.status}`);
}

const probe = spawnSync(python, ['-c', 'import build, setuptools, wheel'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(
    `${python} cannot import build, setuptools and wheel (${(probe.stderr || String(probe.error)).trim()}).\n` +
      'On Debian: apt-get install -y python3-build; or set PYTHON to a Python that has them.',
  );
  process.exit(1);
}

if (!process.argv.includes('--no-build')) run('npm', ['run', 'build'], root);
fs.rmSync(outDir, { recursive: true, force: true });
run(
  process.execPath,
  [path.join(root, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--targets', 'python', '--code-only', '--no-npmignore'],
  root,
  { ...process.env, npm_config_ignore_scripts: 'true' },
);
run(python, ['-m', 'build', '--wheel', '--no-isolation', '--skip-dependency-check', '--outdir', '.'], outDir);

const wheels = fs.readdirSync(outDir).filter((f) => f.endsWith('.whl'));
if (wheels.length !== 1) throw new Error(`expected one wheel in ${path.relative(root, outDir)}, found ${wheels.join(', ') || 'none'}`);
const size = fs.statSync(path.join(outDir, wheels[0])).size;
console.log(`wrote ${path.relative(root, path.join(outDir, wheels[0]))} (${(size / 1024).toFixed(0)} KiB)`);
