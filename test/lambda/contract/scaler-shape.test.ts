/**
 * The two scaler constructs share one shape (issue 15 item 5), and the props issue 10 adds reach
 * the handlers through the contract: unservedBudgetPercent, budgetMode, missingDataAlarmRuns.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_UNSERVED_BUDGET_PERCENT } from '../../../lambda/contract';
import { COST_METRIC } from '../../../lambda/cost-optimizer/telemetry';
import { loadConfig as loadCostConfig } from '../../../lambda/cost-optimizer/config';
import { loadConfig as loadScalerConfig } from '../../../lambda/predictive-scaler/config';
import { METRIC } from '../../../lambda/predictive-scaler/telemetry';
import { PredictiveScaler, type PredictiveScalerProps } from '../../../lib/auto-scaling/predictive-scaler';
import { ScalingGroup } from '../../../lib/auto-scaling/scaling-group';
import { BudgetMode, CostOptimizer, type CostOptimizerProps } from '../../../lib/resource-management/cost-optimizer';
import { BudgetScope } from '../../../lib/resource-management/budget-scope';
import { ScalingBudget } from '../../../lib/resource-management/scaling-budget';
import { importedVpc } from '../../support/imported-vpc';
import { deployedEnv } from '../../support/scaler-env';

const loadMetric = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  statistic: 'Sum',
  period: Duration.minutes(1),
});

function build(scaler: Partial<PredictiveScalerProps> = {}, cost: Partial<CostOptimizerProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const group = new ScalingGroup(stack, 'Web', { vpc: importedVpc(stack), minCapacity: 2, maxCapacity: 20 });
  const ps = new PredictiveScaler(stack, 'Predictive', { autoScalingGroup: group.autoScalingGroup, loadMetric, capacityPerInstance: 100, ...scaler });
  const co = new CostOptimizer(stack, 'Cost', {
    autoScalingGroup: group.autoScalingGroup,
    budget: ScalingBudget.fromBudgetName(stack, 'Budget', 'b', { limit: 10, budgetScope: BudgetScope.SERVICE }),
    ...cost,
  });
  return { stack, ps, co };
}

test('both expose the same resources under the same names', () => {
  const { ps, co } = build();
  for (const s of [ps, co]) {
    expect(s.function).toBeInstanceOf(lambda.Function);
    expect(s.logGroup).toBeInstanceOf(logs.LogGroup);
    expect(s.rule).toBeInstanceOf(events.Rule);
    expect(s.errorAlarm).toBeInstanceOf(cloudwatch.Alarm);
    expect(s.missingDataAlarm).toBeInstanceOf(cloudwatch.Alarm);
    expect(typeof s.metricsNamespace).toBe('string');
    expect(s.role.roleArn).toBeDefined();
  }
  expect((co as unknown as Record<string, unknown>).environment).toBeUndefined();
});

test("missing-data alarms: on the handlers' own metrics, after the configured number of runs, each run one period", () => {
  const { stack } = build({ schedule: events.Schedule.rate(Duration.minutes(10)), missingDataAlarmRuns: 4 }, { metricsNamespace: 'Shop/Cost' });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'CdkScalingArchitecture/PredictiveScaler',
    MetricName: METRIC.DECISION_SKIPPED,
    Statistic: 'Sum',
    Period: 600,
    EvaluationPeriods: 4,
    DatapointsToAlarm: 4,
    Threshold: 1,
    TreatMissingData: 'notBreaching',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: Match.anyValue() }],
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'Shop/Cost',
    MetricName: COST_METRIC.MISSING_DATA,
    Period: 3600,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 3,
  });
});

test('missingDataAlarmRuns: an integer, at most one day of runs', () => {
  expect(() => build({ missingDataAlarmRuns: 0 })).toThrow(/^missingDataAlarmRuns must be in \[1, 1440\], got 0$/);
  expect(() => build({}, { missingDataAlarmRuns: 25 })).toThrow(
    /^missingDataAlarmRuns must span at most one day of runs .* 25 runs x 1 hour = 25 hours/,
  );
});

test("unservedBudgetPercent reaches the planner as a fraction; its default is the contract's constant", () => {
  const a = build({ unservedBudgetPercent: 0.5 });
  expect(loadScalerConfig(deployedEnv(a.stack, 'SCALING_MODE')).unservedBudget).toBeCloseTo(0.005, 12);
  const b = build();
  expect(deployedEnv(b.stack, 'SCALING_MODE').UNSERVED_BUDGET_PERCENT).toBe(String(DEFAULT_UNSERVED_BUDGET_PERCENT));
  expect(() => build({ unservedBudgetPercent: 75 })).toThrow(/^unservedBudgetPercent must be in \[0, 50\], got 75$/);
});

test('budgetMode reaches the cost policy: hard by default, availability-first when chosen', () => {
  expect(loadCostConfig(deployedEnv(build().stack, 'BUDGET_NAME')).policy.budgetMode).toBe('hard');
  expect(loadCostConfig(deployedEnv(build({}, { budgetMode: BudgetMode.AVAILABILITY_FIRST }).stack, 'BUDGET_NAME')).policy.budgetMode).toBe(
    'availability-first',
  );
});
