import { Stack } from 'aws-cdk-lib';
import { createApp } from '../../../bin/environments';
import { ScalingStandardsChecks } from '../../../lib/standards';

test("the project's own environment stacks meet the Scaling standards", () => {
  const app = createApp({ nagChecks: false });
  app.synth(); // runs the aspects first, as synthesis does before validation plugins
  const report = new ScalingStandardsChecks(undefined, { maxCapacityLimit: 20 }).validateScope(app);
  expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
  // The check saw the groups: a limit below their maxima reports each of them (one violation per group).
  const tight = new ScalingStandardsChecks(undefined, { maxCapacityLimit: 1 }).validateScope(app);
  const stacks = app.node.children.filter((c) => Stack.isStack(c)).length;
  expect(tight.violations.map((v) => v.ruleName)).toEqual(Array(stacks).fill('Scaling-MaxCapacityLimit'));
  expect(tight.violations.map((v) => v.violatingResources.length)).toEqual(Array(stacks).fill(1));
});
