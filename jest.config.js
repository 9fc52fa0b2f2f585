/**
 * Two projects over the same tests (test/ mirrors the source: test/lib, test/lambda, test/bin,
 * test/scripts), split by path so that a new test lands in the right one by where it lives:
 * - `integration`: the suites that start moto_server (named `*.emulator.test.ts`), the simulations
 *   of a month or of the synthetic load families (named `*.simulation.test.ts`), and the
 *   cross-cutting directories that deploy with the CDK CLI, pack the tarball or run an external
 *   tool: test/e2e (local deploys, benchmarks), test/compat, test/consumer, test/cfn-lint,
 *   test/docs (API.md and the jsii assembly, which read the build's output);
 * - `fast`: every other `*.test.ts` (unit, property and synthesis tests).
 * `npx jest` (and `npm test`) runs both; `npm run test:fast` runs `fast` alone.
 */
const INTEGRATION = ['\\.emulator\\.test\\.ts$', '\\.simulation\\.test\\.ts$', '/test/(e2e|compat|consumer|cfn-lint|docs)/.+\\.test\\.ts$'];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type-checking is done once by `tsc --noEmit` (npm run typecheck); jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  maxWorkers: 2,
  // one temporary directory per run, removed at its end (the syntheses' cdk.out* directories)
  globalSetup: '<rootDir>/test/support/temp-dir-setup.js',
  globalTeardown: '<rootDir>/test/support/temp-dir-teardown.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'fast', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION] },
    { ...shared, displayName: 'integration', testRegex: INTEGRATION },
  ],
};
