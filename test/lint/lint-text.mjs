// Lints source texts as if they were files of this repository, with the repository's
// eslint.config.mjs, and prints the findings as JSON. Input on stdin:
// { "cases": [{ "file": "lambda/core/x.ts", "code": "..." }], "files": ["lib/**/*.ts"], "rules": ["import-x/no-restricted-paths"] }
// Output: { "cases": [[{ ruleId, message, fatal }]], "files": [{ file, line, ruleId, message }] }.
// A child process, because jest's module sandbox cannot load the ESM config. The type-aware rules
// are off (no project service): the boundary rules need no types, and the run stays fast.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const rules = new Set(input.rules ?? []);

const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
  ruleFilter: ({ ruleId }) => rules.size === 0 || rules.has(ruleId),
});

const cases = [];
for (const { file, code } of input.cases ?? []) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  cases.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message, fatal: m.fatal ?? false })));
}
const files = [];
if (input.files?.length) {
  for (const result of await eslint.lintFiles(input.files)) {
    for (const m of result.messages) files.push({ file: path.relative(root, result.filePath), line: m.line, ruleId: m.ruleId, message: m.message });
  }
}
process.stdout.write(JSON.stringify({ cases, files }));
