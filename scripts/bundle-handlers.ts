/**
 * Bundles every Lambda handler under `lambda/<name>/index.ts` (except the pure `core`, `contract` and
 * `shared` folders) into `dist/handlers/<name>/index.js` with esbuild: minified, target node22,
 * with source maps. The constructs use these bundles as Lambda code, so a consumer of the
 * package needs neither esbuild nor Docker at synth time.
 *
 * The AWS SDK v3 is left out of the bundles: the nodejs22.x runtime provides it (the same
 * default as aws-cdk-lib's NodejsFunction for Node.js 18 and later).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '..');
const lambdaDir = path.join(root, 'lambda');
const outRoot = path.join(root, 'dist', 'handlers');
const NOT_HANDLERS = new Set(['core', 'contract', 'shared']);

const names = fs
  .readdirSync(lambdaDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !NOT_HANDLERS.has(d.name) && fs.existsSync(path.join(lambdaDir, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

fs.rmSync(outRoot, { recursive: true, force: true });
for (const name of names) {
  const outfile = path.join(outRoot, name, 'index.js');
  const result = buildSync({
    entryPoints: [path.join(lambdaDir, name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
  console.log(`bundled ${name}: ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(1)} KiB with map)`);
}
if (names.length === 0) console.log('no handlers to bundle');
