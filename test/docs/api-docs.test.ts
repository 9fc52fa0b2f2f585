import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

test('API.md is generated from the current JSDoc (npm run docs)', () => {
  const root = path.resolve(__dirname, '..', '..');
  const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/api-docs.ts', '--check'], { cwd: root, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toContain('API.md is current.');
  expect(r.status).toBe(0);
});
