// Jest globalTeardown: removes the run's temporary directory (see temp-dir-setup.js).
const fs = require('node:fs');

module.exports = async () => {
  const dir = process.env.CDK_SCALING_TEST_TMPDIR;
  if (dir && dir.includes('cdk-scaling-architecture-test-')) fs.rmSync(dir, { recursive: true, force: true });
};
