/**
 * Prints the cloud assembly schema revision each given CDK CLI version bundles (the newest
 * assembly it reads), for the README's CLI table:
 * `npx tsx test/compat/cli-schema.ts 2.1107.0 2.1108.0 2.1125.0 2.1126.0 2.1144.0 2.1145.0`.
 * Downloads each CLI tarball with `npm pack` into a temporary folder. The schema an aws-cdk-lib
 * writes is asserted by test/compat/compat.test.ts (SCHEMA).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-schema-'));
try {
  for (const version of process.argv.slice(2)) {
    const file = execFileSync('npm', ['pack', `aws-cdk@${version}`, '--silent', '--pack-destination', work], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    const dir = path.join(work, version);
    fs.mkdirSync(dir);
    execFileSync('tar', ['xzf', path.join(work, file), '-C', dir]);
    const bundle = fs.readFileSync(path.join(dir, 'package', 'lib', 'index.js'), 'utf8');
    const at = bundle.indexOf('schemaHash');
    const revision = /revision:\s*(\d+)/.exec(bundle.slice(at, at + 400))?.[1];
    console.log(`aws-cdk ${version}: reads cloud assembly schema <= ${revision ?? '?'}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
