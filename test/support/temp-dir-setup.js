// Jest globalSetup: the tests' temporary files (aws-cdk-lib's App() without an outdir writes a
// cdk.out* directory of assets per synthesis, about 3,500 in a full run) go to one directory of
// this run, which test/support/temp-dir-teardown.js removes.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-scaling-architecture-test-'));
  process.env.CDK_SCALING_TEST_TMPDIR = dir;
  // the workers and every child process inherit it; os.tmpdir() reads it on each call
  process.env.TMPDIR = dir;
};
