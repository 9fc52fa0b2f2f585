/**
 * Errors of the parts ScalableService builds name the prop path the user wrote
 * (`predictiveScaler.unservedBudgetPercent`, `budget.limit`), whatever rule finds the problem:
 * the settings contract, the shared rules, or a message of the part's own. The same parts
 * created directly name their own props.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  type BudgetScope,
  CostOptimizer,
  CostOptimizerMode,
  PredictiveScaler,
  ScalableService,
  type ScalableServiceProps,
  ScalingBudget,
} from '../../lib';
import { importedVpc } from '../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function service(props: Partial<ScalableServiceProps>) {
  const stack = new Stack(new App(), 'Service', { env: ENV });
  return new ScalableService(stack, 'Web', { vpc: importedVpc(stack), ...props });
}

/** The message of the error `build` throws. */
function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const LADDER = {
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.hours(24),
  minInterval: Duration.hours(24),
};

describe('from ScalableService, errors name the composite prop path', () => {
  test.each<[string, Partial<ScalableServiceProps>, RegExp]>([
    [
      'predictiveScaler.unservedBudgetPercent (the contract)',
      { predictiveScaler: { unservedBudgetPercent: 60 } },
      /^predictiveScaler\.unservedBudgetPercent must be in \[0, 50\], got 60$/,
    ],
    [
      'predictiveScaler.missingDataAlarmRuns (the contract, a construct-only setting)',
      { predictiveScaler: { missingDataAlarmRuns: 0 } },
      /^predictiveScaler\.missingDataAlarmRuns must be in \[1, 1440\], got 0$/,
    ],
    [
      'budget.budgetScope (the shared enum rule)',
      { budget: { limit: 100, budgetScope: 'Account' as BudgetScope } },
      /^budget\.budgetScope must be one of 'service', 'account', got 'Account'$/,
    ],
    [
      'costOptimizer.workingHours.startTime (rendering the settings)',
      { budget: { limit: 100 }, costOptimizer: { workingHours: { startTime: '8am', endTime: '18:00' } } },
      /^costOptimizer\.workingHours\.startTime must be 'HH:MM' \(24-hour clock\), got '8am'$/,
    ],
    [
      'costOptimizer.vertical.instanceTypes (the contract, nested)',
      {
        capacity: { instanceType: new ec2.InstanceType('t3.micro') },
        budget: { limit: 100 },
        costOptimizer: { vertical: { ...LADDER, instanceTypes: [new ec2.InstanceType('t3.large'), new ec2.InstanceType('t3.micro')] } },
      },
      /^costOptimizer\.vertical\.instanceTypes must be ordered small to large: t3\.micro is smaller than t3\.large/,
    ],
    ['budget.limit (the contract rule the optimizer reads it with)', { budget: { limit: -5 } }, /^budget\.limit must be > 0 USD, got -5 USD$/],
    [
      'budget.budgetName (the one budget-name rule)',
      { budget: { limit: 100, budgetName: 'web:prod' } },
      /^budget\.budgetName must be 1-100 characters without ':' or '\\', got 'web:prod'$/,
    ],
    [
      'budget.emailAddresses (the shared e-mail rule)',
      { budget: { limit: 100, emailAddresses: ['finops@example'] } },
      /^budget\.emailAddresses\[0\] \('finops@example'\) is not an e-mail address$/,
    ],
    [
      'budget.costAllocationTag.value (the optimizer contract rule, through the budget)',
      { budget: { limit: 100, costAllocationTag: { key: 'team', value: ' web' } } },
      /^budget\.costAllocationTag\.value must be 1-256 characters without leading or trailing whitespace, got ' web'$/,
    ],
  ])('%s', (_name, props, expected) => {
    expect(messageOf(() => service(props))).toMatch(expected);
  });
});

describe('created directly, the parts name their own props', () => {
  function groupStack() {
    const stack = new Stack(new App(), 'Direct', { env: ENV });
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc: importedVpc(stack),
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      minCapacity: 1,
      maxCapacity: 4,
    });
    return { stack, group };
  }
  const load = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', statistic: 'Sum' });

  test('PredictiveScaler: unservedBudgetPercent', () => {
    const { stack, group } = groupStack();
    expect(
      messageOf(
        () => new PredictiveScaler(stack, 'P', { autoScalingGroup: group, loadMetric: load, capacityPerInstance: 600, unservedBudgetPercent: 60 }),
      ),
    ).toMatch(/^unservedBudgetPercent must be in \[0, 50\], got 60$/);
  });

  test('CostOptimizer: an imported budget without budgetScope in APPLY mode', () => {
    const { stack, group } = groupStack();
    const budget = ScalingBudget.fromBudgetName(stack, 'B', 'shared');
    expect(messageOf(() => new CostOptimizer(stack, 'C', { autoScalingGroup: group, budget, mode: CostOptimizerMode.APPLY }))).toMatch(
      /^budget\.budgetScope is required for a budget imported by name \('shared', Direct\/B\) in APPLY mode/,
    );
  });

  test('ScalingBudget: limit and budgetName, the same rules as in the service', () => {
    const { stack } = groupStack();
    const topic = new sns.Topic(stack, 'T');
    expect(messageOf(() => new ScalingBudget(stack, 'B1', { limit: 0, alertTopic: topic }))).toBe('limit must be > 0 USD, got 0 USD');
    expect(messageOf(() => new ScalingBudget(stack, 'B2', { limit: 10, budgetName: ' web', alertTopic: topic }))).toMatch(
      /^budgetName must not start or end with whitespace/,
    );
  });
});
