/**
 * Issue 10, "Found - settings": each setting that synthesized but made every handler run fail is
 * now accepted by both the construct and the handler, or a synthesis error naming the prop and the
 * value. Each case synthesizes, reads the function's environment from the template and parses it
 * with the handler's own loadConfig.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import { loadConfig as loadCostConfig } from '../../../lambda/cost-optimizer/config';
import { loadConfig as loadScalerConfig } from '../../../lambda/predictive-scaler/config';
import { ScalingGroup } from '../../../lib/auto-scaling/scaling-group';
import { PredictiveScaler, type PredictiveScalerProps } from '../../../lib/auto-scaling/predictive-scaler';
import { CostOptimizer, type CostOptimizerProps, SpendSource, type WeekDay } from '../../../lib/resource-management/cost-optimizer';
import { ScalableService } from '../../../lib/scalable-service';
import { BudgetScope } from '../../../lib/resource-management/budget-scope';
import { ScalingBudget } from '../../../lib/resource-management/scaling-budget';
import { importedVpc } from '../../support/imported-vpc';
import { deployedEnv } from '../../support/scaler-env';

const ENV = { account: '123456789012', region: 'us-east-1' };

function stackWithGroup() {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  const group = new ScalingGroup(stack, 'Web', {
    vpc: importedVpc(stack),
    instanceType: new ec2.InstanceType('m5.xlarge'),
    minCapacity: 2,
    maxCapacity: 20,
  });
  return { app, stack, group };
}

function cost(props: Partial<CostOptimizerProps> = {}, budgetName = 'web-monthly') {
  const { stack, group } = stackWithGroup();
  new CostOptimizer(stack, 'Cost', {
    autoScalingGroup: group.autoScalingGroup,
    launchTemplate: group.launchTemplate,
    budget: ScalingBudget.fromBudgetName(stack, 'Budget', budgetName, { limit: 100, budgetScope: BudgetScope.SERVICE }),
    ...props,
  });
  return loadCostConfig(deployedEnv(stack, 'BUDGET_NAME'));
}

const loadMetric = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  statistic: 'Sum',
  period: Duration.minutes(1),
});
function scaler(props: Partial<PredictiveScalerProps> = {}) {
  const { stack, group } = stackWithGroup();
  new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group.autoScalingGroup, loadMetric, capacityPerInstance: 100, ...props });
  return loadScalerConfig(deployedEnv(stack, 'SCALING_MODE'));
}

const ladder = {
  instanceTypes: [new ec2.InstanceType('m5.large'), new ec2.InstanceType('m5.xlarge')],
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.days(3),
  minInterval: Duration.days(7),
};
const hours = { startTime: '08:00', endTime: '18:00' };

describe('CostOptimizer: fractional percentages of 0.5 are accepted by both (the handler wanted >= 1)', () => {
  test('capStepPercent 0.5', () => expect(cost({ capStepPercent: 0.5 }).policy.capStepPercent).toBe(0.5));
  test('emergencyUtilizationPercent 0.5', () => expect(cost({ emergencyUtilizationPercent: 0.5 }).policy.emergencyUtilizationPercent).toBe(0.5));
  test('tightenAbovePercent 0.5', () => expect(cost({ tightenAbovePercent: 0.5, restoreBelowPercent: 0.25 }).policy.tightenAbovePercent).toBe(0.5));
  test('targetUtilizationBand.maxPercent 0.5 / stepPercent 0.5', () => {
    expect(cost({ targetUtilizationBand: { maxPercent: 0.5, stepPercent: 0.5 } }).policy.targetUtilization).toEqual({
      maxPercent: 0.5,
      stepPercent: 0.5,
    });
  });
  test("spot.stepPercent 0.5 is a synthesis error: Auto Scaling's on-demand percentage is an integer", () => {
    expect(() => cost({ spot: { minOnDemandPercent: 20, stepPercent: 0.5 } })).toThrow(/^spot.stepPercent must be in \[1, 100\], got 0.5$/);
    expect(() => cost({ spot: { minOnDemandPercent: 20.5 } })).toThrow(/^spot.minOnDemandPercent must be an integer, got 20.5$/);
  });
});

test('utilizationPeriod of 2 days is a synthesis error naming the prop and the value', () => {
  expect(() => cost({ utilizationPeriod: Duration.days(2) })).toThrow(/^utilizationPeriod must be in \[1 minute, 1 day\], got 2 days$/);
});

describe('workingHours.restoreLead', () => {
  test('25 hours is a synthesis error', () => {
    expect(() => cost({ workingHours: { ...hours, restoreLead: Duration.hours(25) } })).toThrow(
      /^workingHours.restoreLead must be in \[0 seconds, 1 day\], got 25 hours$/,
    );
  });
  test('90 seconds is accepted by both (it crashed synthesis with a message that did not name the prop)', () => {
    expect(cost({ workingHours: { ...hours, restoreLead: Duration.seconds(90) } }).policy.offHours?.restoreLeadMs).toBe(90_000);
  });
});

describe('workingHours.days', () => {
  test('[7] is a synthesis error', () => {
    expect(() => cost({ workingHours: { ...hours, days: [7 as WeekDay] } })).toThrow(
      /^workingHours.days must be WeekDay values 0 \(Sunday\) to 6 \(Saturday\), got \[7\]$/,
    );
  });
  test('[1.5] is a synthesis error', () => {
    expect(() => cost({ workingHours: { ...hours, days: [1.5 as WeekDay] } })).toThrow(
      /^workingHours.days must be WeekDay values 0 \(Sunday\) to 6 \(Saturday\), got \[1.5\]$/,
    );
  });
});

test('vertical.evaluationWindow of 15 days is a synthesis error', () => {
  expect(() => cost({ vertical: { ...ladder, evaluationWindow: Duration.days(15) } })).toThrow(
    /^vertical.evaluationWindow must be in \[1 hour, 14 days\], got 15 days$/,
  );
});

test('vertical.minInterval of 400 days is a synthesis error', () => {
  expect(() => cost({ vertical: { ...ladder, minInterval: Duration.days(400) } })).toThrow(
    /^vertical.minInterval must be in \(0 seconds, 366 days\], got 400 days$/,
  );
});

describe('costAllocationTag', () => {
  test("value '' is a synthesis error", () => {
    expect(() => cost({ spendSource: SpendSource.COST_EXPLORER, costAllocationTag: { key: 'app', value: '' } })).toThrow(
      /^costAllocationTag.value must be 1-256 characters without leading or trailing whitespace, got ''$/,
    );
  });
  test("key '  ' is a synthesis error (it silently widened the spend to the whole account)", () => {
    expect(() => cost({ spendSource: SpendSource.COST_EXPLORER, costAllocationTag: { key: '  ', value: 'web' } })).toThrow(
      /^costAllocationTag.key must be 1-128 characters .* got ' {2}'$/,
    );
  });
  test('a valid tag reaches the handler as written', () => {
    expect(cost({ spendSource: SpendSource.COST_EXPLORER, costAllocationTag: { key: 'app', value: 'web' } }).costTag).toEqual({
      key: 'app',
      value: 'web',
    });
  });
});

describe('budget.budgetName', () => {
  test("'web-monthly ' is a synthesis error (the handler trimmed it, the budget and its IAM ARN did not)", () => {
    expect(() => cost({}, 'web-monthly ')).toThrow(/^budget.budgetName must not start or end with whitespace .* got 'web-monthly '$/);
  });
  test('a name with an inner space is accepted by both, unchanged', () => {
    expect(cost({}, 'web monthly').budgetName).toBe('web monthly');
  });
});

describe('PredictiveScaler schedule', () => {
  test('rate(2 days) is a synthesis error naming the schedule', () => {
    expect(() => scaler({ schedule: events.Schedule.rate(Duration.days(2)) })).toThrow(/^schedule must run at least once a day, .* got 2 days$/);
  });
  test('rate(3 hours) with the default 2-hour horizon is a synthesis error, as the same horizon given explicitly is', () => {
    const message = /^horizon \(2 hours\) must be at least two schedule intervals \(2 x 3 hours\)/;
    expect(() => scaler({ schedule: events.Schedule.rate(Duration.hours(3)) })).toThrow(message);
    expect(() => scaler({ schedule: events.Schedule.rate(Duration.hours(3)), horizon: Duration.hours(2) })).toThrow(message);
    expect(scaler({ schedule: events.Schedule.rate(Duration.hours(3)), horizon: Duration.hours(6) }).intervalSeconds).toBe(10_800);
  });
});

test('ScalableService: predictiveScaler.targetUtilizationPercent 0 names predictiveScaler.targetUtilizationPercent (not capacityPerInstance)', () => {
  const app = new App();
  const stack = new Stack(app, 'S', { env: ENV });
  expect(() => new ScalableService(stack, 'Web', { vpc: importedVpc(stack), predictiveScaler: { targetUtilizationPercent: 0 } })).toThrow(
    /^predictiveScaler.targetUtilizationPercent must be in \(0, 100\], got 0$/,
  );
  const other = new Stack(app, 'T', { env: ENV });
  // Valid for the handler, but the derived capacityPerInstance (target x 100 / 1e-320) is not finite.
  expect(() => new ScalableService(other, 'Web', { vpc: importedVpc(other), predictiveScaler: { targetUtilizationPercent: 1e-320 } })).toThrow(
    /^predictiveScaler.targetUtilizationPercent \(1e-320\) is too small/,
  );
});

describe('a vertical ladder out of order ([t3.large, t3.micro]) is rejected by size', () => {
  const outOfOrder = { ...ladder, instanceTypes: [new ec2.InstanceType('t3.large'), new ec2.InstanceType('t3.micro')] };
  test('by the CostOptimizer', () => {
    expect(() => cost({ vertical: outOfOrder })).toThrow(/^vertical.instanceTypes must be ordered small to large: t3.micro is smaller than t3.large/);
  });
  test('by the handler, for an environment written by hand', () => {
    const env = {
      AUTO_SCALING_GROUP_NAME: 'web',
      BUDGET_ACCOUNT_ID: '1',
      BUDGET_NAME: 'b',
      LAUNCH_TEMPLATE_ID: 'lt-1',
      GROUP_BASELINE: '{"minSize":1,"maxSize":4,"schedules":[]}',
      VERTICAL_SCALING: JSON.stringify({
        instanceTypes: ['t3.large', 't3.micro'],
        lowerUtilizationPercent: 20,
        upperUtilizationPercent: 70,
        evaluationWindowHours: 24,
        minIntervalHours: 24,
      }),
    };
    expect(() => loadCostConfig(env)).toThrow(/VERTICAL_SCALING \(vertical.instanceTypes\) must be ordered small to large/);
  });
});

describe('the configured baseline handed down (GROUP_BASELINE)', () => {
  test("bounds, instance type and the group's own scheduled actions, for both handlers", () => {
    const { stack, group } = stackWithGroup();
    group.autoScalingGroup.scaleOnSchedule('WeekdayMorning', {
      schedule: autoscaling.Schedule.expression('0 8 * * 1-5'),
      timeZone: 'Europe/Berlin',
      minCapacity: 3,
    });
    new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group.autoScalingGroup, loadMetric, capacityPerInstance: 100 });
    new CostOptimizer(stack, 'Cost', {
      autoScalingGroup: group.autoScalingGroup,
      budget: ScalingBudget.fromBudgetName(stack, 'Budget', 'b', { limit: 10, budgetScope: BudgetScope.SERVICE }),
    });
    // A schedule added after the scalers counts too (read at synthesis).
    group.autoScalingGroup.scaleOnSchedule('Night', {
      schedule: autoscaling.Schedule.cron({ hour: '20', minute: '0' }),
      minCapacity: 2,
      maxCapacity: 6,
    });
    const expected = {
      minSize: 2,
      maxSize: 20,
      instanceType: 'm5.xlarge',
      schedules: [
        { name: 'Web/Group/ScheduledActionNight', recurrence: '0 20 * * *', minSize: 2, maxSize: 6 },
        { name: 'Web/Group/ScheduledActionWeekdayMorning', recurrence: '0 8 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 },
      ],
    };
    expect(loadScalerConfig(deployedEnv(stack, 'SCALING_MODE')).baseline).toEqual(expected);
    expect(loadCostConfig(deployedEnv(stack, 'BUDGET_NAME')).baseline).toEqual(expected);
  });
});

describe('a group imported by name (IAutoScalingGroup)', () => {
  function imported() {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    return { stack, group: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Existing', 'shop-web') };
  }
  test('without minCapacity/maxCapacity: an error naming the prop', () => {
    const { stack, group } = imported();
    expect(() => new PredictiveScaler(stack, 'P', { autoScalingGroup: group, loadMetric, capacityPerInstance: 100 })).toThrow(
      /^minCapacity is required for an imported group/,
    );
    expect(
      () => new CostOptimizer(stack, 'C', { autoScalingGroup: group, budget: ScalingBudget.fromBudgetName(stack, 'B', 'b'), minCapacity: 1 }),
    ).toThrow(/^maxCapacity is required for an imported group/);
  });
  test("with them: the baseline carries them, and IAM writes are scoped to the group's name", () => {
    const { stack, group } = imported();
    new PredictiveScaler(stack, 'P', { autoScalingGroup: group, loadMetric, capacityPerInstance: 100, minCapacity: 1, maxCapacity: 8 });
    const budget = ScalingBudget.fromBudgetName(stack, 'B', 'b', { budgetScope: BudgetScope.SERVICE });
    new CostOptimizer(stack, 'C', { autoScalingGroup: group, budget, minCapacity: 1, maxCapacity: 8 });
    expect(loadScalerConfig(deployedEnv(stack, 'SCALING_MODE'))).toMatchObject({
      groupName: 'shop-web',
      baseline: { minSize: 1, maxSize: 8, schedules: [] },
    });
    expect(loadCostConfig(deployedEnv(stack, 'BUDGET_NAME'))).toMatchObject({
      groupName: 'shop-web',
      baseline: { minSize: 1, maxSize: 8, schedules: [] },
    });
    const json = JSON.stringify(stack.resolve(Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))));
    expect(json).toContain('autoScalingGroup:*:autoScalingGroupName/shop-web');
  });
  test("given bounds that differ from an L2 group's own: an error naming both", () => {
    const { stack, group } = stackWithGroup();
    expect(
      () => new PredictiveScaler(stack, 'P', { autoScalingGroup: group.autoScalingGroup, loadMetric, capacityPerInstance: 100, maxCapacity: 30 }),
    ).toThrow(/^maxCapacity \(30\) differs from the group's configured MaxSize \(20\)/);
  });
});
