/**
 * Issue 10, "one contract": for every prop of PredictiveScaler and CostOptimizer that reaches the
 * handler's environment (and the ScalableService paths into them), synthesis accepts a value if
 * and only if the handler's loadConfig accepts the rendered environment.
 * - synthesis succeeds: the function's Environment.Variables, read from the template, parse;
 * - synthesis fails: the error names a prop, and the same props rendered without the construct's
 *   checks (the contract's encoder) are rejected by the handler too.
 * Props that never reach the environment (alertTopic, dashboard, logRetention, and
 * missingDataAlarmRuns, which sizes an alarm) are not part of the equivalence.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as fc from 'fast-check';
import { encodeCostOptimizerEnv, encodePredictiveScalerEnv } from '../../../lambda/contract';
import { loadConfig as loadCostConfig } from '../../../lambda/cost-optimizer/config';
import { loadConfig as loadScalerConfig } from '../../../lambda/predictive-scaler/config';
import { PredictiveScaler, PredictiveScalerMode, type PredictiveScalerProps } from '../../../lib/auto-scaling/predictive-scaler';
import { costOptimizerSettings, predictiveScalerSettings } from '../../../lib/private/scaler-settings';
import {
  BudgetMode,
  CostOptimizer,
  CostOptimizerMode,
  type CostOptimizerProps,
  SpendSource,
  type WeekDay,
} from '../../../lib/resource-management/cost-optimizer';
import { ScalableService, type ScalableServiceProps } from '../../../lib/scalable-service';
import { BudgetScope } from '../../../lib/resource-management/budget-scope';
import { ScalingBudget } from '../../../lib/resource-management/scaling-budget';
import { importedVpc } from '../../support/imported-vpc';
import { deployedEnv } from '../../support/scaler-env';

const ENV = { account: '123456789012', region: 'us-east-1' };
const RUNS = Number(process.env.CONTRACT_PROPERTY_RUNS ?? 40);
const GROUP = { minSize: 2, maxSize: 20 };

/** A plain aws-cdk-lib group with a mixed instances policy (so that the Spot lever is usable). */
function plainGroup(stack: Stack) {
  const vpc = importedVpc(stack);
  const launchTemplate = new ec2.LaunchTemplate(stack, 'Lt', {
    instanceType: new ec2.InstanceType('m5.xlarge'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc,
    minCapacity: GROUP.minSize,
    maxCapacity: GROUP.maxSize,
    mixedInstancesPolicy: { launchTemplate, launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('m5.xlarge') }] },
  });
  return { group, launchTemplate };
}

/** Literal stand-ins for the deploy-time values of an environment rendered without synthesis. */
function literal(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' && !v.includes('${Token') ? v : 'web-group']));
}

const durationArb = (maxSeconds: number) =>
  fc.oneof(
    fc.integer({ min: 0, max: maxSeconds }).map((s) => Duration.seconds(s)),
    fc.integer({ min: 0, max: Math.ceil(maxSeconds / 60) }).map((m) => Duration.minutes(m)),
    fc.integer({ min: 0, max: Math.ceil(maxSeconds / 3600) }).map((h) => Duration.hours(h)),
    fc.integer({ min: 0, max: Math.ceil(maxSeconds / 86_400) }).map((d) => Duration.days(d)),
    fc.integer({ min: 0, max: maxSeconds * 1000 }).map((ms) => Duration.millis(ms)),
  );
const numberArb = (lo: number, hi: number) =>
  fc.oneof(
    fc.double({ min: lo, max: hi, noNaN: true }),
    fc.integer({ min: Math.floor(lo), max: Math.ceil(hi) }),
    fc.constantFrom(0, 0.5, 1, -1, Number.NaN, Number.POSITIVE_INFINITY),
  );
const rateArb = fc.oneof(
  fc.integer({ min: 1, max: 200 }).map((m) => events.Schedule.rate(Duration.minutes(m))),
  fc.integer({ min: 1, max: 50 }).map((h) => events.Schedule.rate(Duration.hours(h))),
  fc.integer({ min: 1, max: 3 }).map((d) => events.Schedule.rate(Duration.days(d))),
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const noUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const scalerArbs = {
  capacityPerInstance: numberArb(-10, 5000),
  targetUtilizationPercent: opt(numberArb(-50, 150)),
  // Issue 22 item 8: an enum given as another string (a cast, plain JavaScript) is refused on both sides.
  mode: opt(
    fc.constantFrom(PredictiveScalerMode.FORECAST_ONLY, PredictiveScalerMode.FORECAST_AND_SCALE, 'FORECAST_AND_SCALE' as PredictiveScalerMode),
  ),
  dryRun: opt(fc.boolean()),
  schedule: opt(rateArb),
  historyDuration: opt(durationArb(20 * 86_400)),
  minimumHistory: opt(durationArb(20 * 86_400)),
  launchLeadTime: opt(durationArb(2 * 3600)),
  horizon: opt(durationArb(3 * 86_400)),
  maxScheduledActions: opt(numberArb(0, 150)),
  scheduledActionPrefix: opt(fc.constantFrom('predictive-scaler-', 'shop.plan:', 'my plan', '', 'x'.repeat(201))),
  metricsNamespace: opt(fc.constantFrom('Shop/Scaler', 'AWS/Scaler', 'ok#1', 'bad$ns')),
  unservedBudgetPercent: opt(numberArb(-1, 60)),
  costOptimizerStateTagKey: opt(fc.constantFrom('cost-optimizer:state', 'team:cost', '', ' padded', 'aws:reserved', 'k'.repeat(129))),
};

/**
 * Props where one to three settings are drawn (the rest default), so that both valid and
 * invalid combinations come up, with each prop's own bounds and the cross-setting rules.
 */
function someOf<T extends Record<string, fc.Arbitrary<unknown>>>(arbs: T): fc.Arbitrary<Partial<{ [K in keyof T]: unknown }>> {
  const keys = Object.keys(arbs) as Array<keyof T & string>;
  return fc
    .subarray(keys, { minLength: 1, maxLength: 3 })
    .chain((chosen) => fc.record(Object.fromEntries(chosen.map((k) => [k, arbs[k]])) as Record<string, fc.Arbitrary<unknown>>))
    .map(noUndefined) as never;
}
const scalerPropsArb = someOf(scalerArbs).chain((p) => numberArb(-10, 5000).map((capacityPerInstance) => ({ capacityPerInstance, ...p })));

const loadMetric = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  statistic: 'Sum',
  period: Duration.minutes(1),
});

/** The first word of a construct error: the prop it names. */
const propOf = (e: unknown) => /^([\w.]+) /.exec((e as Error).message)?.[1];

test('PredictiveScaler: synthesis accepts a setting iff the handler accepts the rendered environment', () => {
  const names = new Set([
    'capacityPerInstance',
    'targetUtilizationPercent',
    'schedule',
    'historyDuration',
    'minimumHistory',
    'launchLeadTime',
    'horizon',
    'maxScheduledActions',
    'scheduledActionPrefix',
    'metricsNamespace',
    'unservedBudgetPercent',
    'costOptimizerStateTagKey',
    'mode',
  ]);
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(scalerPropsArb, (given) => {
      const app = new App();
      const stack = new Stack(app, 'S', { env: ENV });
      const { group } = plainGroup(stack);
      const props = { autoScalingGroup: group, loadMetric, ...given } as PredictiveScalerProps;
      let env: Record<string, string> | undefined;
      let error: unknown;
      try {
        new PredictiveScaler(stack, 'Predictive', props);
        env = deployedEnv(stack, 'SCALING_MODE');
      } catch (e) {
        error = e;
      }
      if (env) {
        accepted++;
        expect(() => loadScalerConfig(env)).not.toThrow();
        return;
      }
      rejected++;
      expect(names).toContain(propOf(error));
      const settings = predictiveScalerSettings(props as PredictiveScalerProps & { capacityPerInstance: number }, GROUP);
      expect(() => loadScalerConfig(literal(encodePredictiveScalerEnv({ ...settings, baseline: { ...GROUP, schedules: [] } })))).toThrow();
    }),
    { numRuns: RUNS },
  );
  // Both sides of the equivalence were exercised.
  expect(accepted).toBeGreaterThan(0);
  expect(rejected).toBeGreaterThan(0);
});

const hhmm = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  fc.constant('24:00'),
);
const dayArb = fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constant(1.5)) as fc.Arbitrary<WeekDay>;
const typeArb = fc.constantFrom('t3.micro', 't3.large', 'm5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.large').map((t) => new ec2.InstanceType(t));

const costArbs = {
  budgetName: fc.constantFrom('web-monthly', 'web monthly', 'web-monthly ', 'a:b', ' x'),
  budgetLimit: opt(numberArb(-10, 5000)),
  floorCapacity: opt(numberArb(-2, 25)),
  emergencyUtilizationPercent: opt(numberArb(-5, 110)),
  loadLookback: opt(durationArb(20 * 86_400)),
  tightenAbovePercent: opt(numberArb(-5, 1100)),
  restoreBelowPercent: opt(numberArb(-5, 1100)),
  budgetStepInterval: opt(durationArb(40 * 86_400)),
  capStepPercent: opt(numberArb(-5, 110)),
  targetUtilizationBand: opt(fc.record({ maxPercent: numberArb(-5, 110), stepPercent: opt(numberArb(-5, 110)) }).map(noUndefined)),
  spot: opt(fc.record({ minOnDemandPercent: numberArb(-5, 110), stepPercent: opt(numberArb(-5, 110)) }).map(noUndefined)),
  workingHours: opt(
    fc
      .record({
        days: opt(fc.array(dayArb, { maxLength: 3 })),
        startTime: hhmm,
        endTime: hhmm,
        timeZone: opt(fc.constantFrom('UTC', 'Europe/Berlin', 'Mars/Olympus')),
        restoreLead: opt(durationArb(30 * 3600)),
      })
      .map(noUndefined),
  ),
  vertical: opt(
    fc.record({
      instanceTypes: fc.array(typeArb, { minLength: 1, maxLength: 3 }),
      lowerUtilizationPercent: numberArb(-5, 110),
      upperUtilizationPercent: numberArb(-5, 110),
      evaluationWindow: durationArb(20 * 86_400),
      minInterval: durationArb(400 * 86_400),
    }),
  ),
  spendSource: opt(fc.constantFrom(SpendSource.BUDGETS, SpendSource.COST_EXPLORER, 'Budgets' as SpendSource)),
  costAllocationTag: opt(fc.record({ key: fc.constantFrom('app', '  ', ' app', ''), value: fc.constantFrom('web', '', 'web ') })),
  mode: opt(fc.constantFrom(CostOptimizerMode.APPLY, CostOptimizerMode.DRY_RUN, CostOptimizerMode.FORECAST_ONLY, 'APPLY' as CostOptimizerMode)),
  budgetMode: opt(fc.constantFrom(BudgetMode.HARD, BudgetMode.AVAILABILITY_FIRST, 'HARD' as BudgetMode)),
  utilizationPeriod: opt(durationArb(3 * 86_400)),
  refreshMinHealthyPercent: opt(numberArb(-5, 110)),
  metricsNamespace: opt(fc.constantFrom('Shop/Cost', 'AWS/Cost', 'bad$ns')),
};
const costPropsArb = someOf(costArbs).map((p) => ({ budgetName: 'web-monthly', ...p }));

test('CostOptimizer: synthesis accepts a setting iff the handler accepts the rendered environment', () => {
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(costPropsArb, (given) => {
      const app = new App();
      const stack = new Stack(app, 'S', { env: ENV });
      const { group, launchTemplate } = plainGroup(stack);
      const { budgetName, budgetLimit, ...rest } = given as { budgetName: string; budgetLimit?: number };
      // An imported budget carries the name and the limit: the contract checks them (budget.budgetName, budget.limit).
      const budget = ScalingBudget.fromBudgetName(stack, 'Budget', budgetName, { limit: budgetLimit, budgetScope: BudgetScope.SERVICE });
      const props = { autoScalingGroup: group, launchTemplate, budget, ...rest } as CostOptimizerProps;
      let env: Record<string, string> | undefined;
      let error: unknown;
      try {
        new CostOptimizer(stack, 'Cost', props);
        env = deployedEnv(stack, 'BUDGET_NAME');
      } catch (e) {
        error = e;
      }
      if (env) {
        accepted++;
        expect(() => loadCostConfig(env)).not.toThrow();
        return;
      }
      rejected++;
      expect(propOf(error)).toMatch(
        /^(budget\.budgetName|budget\.limit|floorCapacity|emergencyUtilizationPercent|loadLookback|tightenAbovePercent|restoreBelowPercent|budgetStepInterval|capStepPercent|targetUtilizationBand|spot|workingHours|vertical|costAllocationTag|utilizationPeriod|refreshMinHealthyPercent|metricsNamespace|mode|budgetMode|spendSource)\b/,
      );
      let settings;
      try {
        settings = costOptimizerSettings(props, GROUP);
      } catch {
        return; // a value the settings cannot even represent ('HH:MM' that is not a time): no environment exists
      }
      const rendered = literal(
        encodeCostOptimizerEnv({
          ...settings,
          accountId: '123456789012',
          launchTemplateId: settings.launchTemplateId && 'lt-0123456789abcdef0',
          baseline: { ...GROUP, schedules: [] },
        }),
      );
      expect(() => loadCostConfig(rendered)).toThrow();
    }),
    { numRuns: RUNS },
  );
  expect(accepted).toBeGreaterThan(0);
  expect(rejected).toBeGreaterThan(0);
});

test('ScalableService: its paths into the scalers keep the equivalence', () => {
  fc.assert(
    fc.property(
      fc
        .record({
          targetUtilizationPercent: opt(numberArb(-50, 150)),
          horizon: opt(durationArb(3 * 86_400)),
          schedule: opt(rateArb),
          unservedBudgetPercent: opt(numberArb(-1, 60)),
          mode: opt(fc.constantFrom(PredictiveScalerMode.FORECAST_AND_SCALE, 'FORECAST_AND_SCALE' as PredictiveScalerMode)),
        })
        .map(noUndefined),
      fc
        .record({
          capStepPercent: opt(numberArb(-5, 110)),
          utilizationPeriod: opt(durationArb(3 * 86_400)),
          mode: opt(fc.constantFrom(CostOptimizerMode.DRY_RUN, 'DRY_RUN' as CostOptimizerMode)),
        })
        .map(noUndefined),
      (predictiveScaler, costOptimizer) => {
        const app = new App();
        const stack = new Stack(app, 'S', { env: ENV });
        const props: ScalableServiceProps = { vpc: importedVpc(stack), budget: { limit: 100 }, predictiveScaler, costOptimizer };
        let ok = true;
        try {
          new ScalableService(stack, 'Web', props);
        } catch (e) {
          ok = false;
          // Issue 22 item 11: the error names the prop as the user wrote it, under its composite prop.
          expect(propOf(e)).toMatch(
            /^(predictiveScaler\.(targetUtilizationPercent|horizon|schedule|unservedBudgetPercent|mode)|costOptimizer\.(capStepPercent|utilizationPeriod|mode))$/,
          );
        }
        if (ok) {
          expect(() => loadScalerConfig(deployedEnv(stack, 'SCALING_MODE'))).not.toThrow();
          expect(() => loadCostConfig(deployedEnv(stack, 'BUDGET_NAME'))).not.toThrow();
        }
      },
    ),
    { numRuns: Math.max(10, Math.round(RUNS / 4)) },
  );
});
