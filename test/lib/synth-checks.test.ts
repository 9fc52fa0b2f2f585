/**
 * Issue 22, the synth-time half: a setting the functions would refuse, or read otherwise than
 * the user meant, fails (or warns at) synthesis, naming the prop as the user wrote it.
 * - item 4: a schedule whose MinSize or time zone is a CfnParameter is not handed down with that
 *   value dropped (the functions read it from AWS at run time);
 * - item 5: any number of schedules: every function environment stays within Lambda's 4 KB;
 * - item 6: a scheduled action's cron and time zone are checked by the functions' own cron model;
 * - item 8: enum values given as another string are errors naming the prop;
 * - item 10: a capacityPerInstance derived from the request-count target on another load metric warns;
 * - item 11: errors name the nested prop (predictiveScaler.minCapacity), and only the prop at fault.
 */
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { parseGroupBaseline } from '../../lambda/contract/group-baseline';
import {
  BudgetMode,
  BudgetScope,
  CostOptimizerMode,
  NativePredictiveScalingMaxCapacityBreachBehavior,
  NativePredictiveScalingMetric,
  NativePredictiveScalingMode,
  type NativePredictiveScalingOptions,
  NativePredictiveScalingPolicy,
  PredictiveScaler,
  PredictiveScalerMode,
  ScalableService,
  type ScalableServiceProps,
  ScalingBudget,
  ScalingGroup,
  ScalingPolicy,
  SpendSource,
} from '../../lib';
import { importedVpc } from '../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function service(props: Partial<ScalableServiceProps> = {}, stackName = 'Service') {
  const app = new App();
  const stack = new Stack(app, stackName, { env: ENV });
  const svc = new ScalableService(stack, 'Web', { vpc: importedVpc(stack), ...props });
  return { app, stack, svc };
}

/** Lambda's limit: the keys and values of all environment variables together, at most 4 KB. */
function environmentBytes(variables: Record<string, unknown>): number {
  let n = 0;
  // A deploy-time value (the group's generated name, the account id) counted as its longest: 255 characters.
  for (const [k, v] of Object.entries(variables)) n += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 255);
  return n;
}

const baselineOf = (template: Template, key: string) =>
  Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [key]: Match.anyValue() } } } })).map(
    (r) =>
      parseGroupBaseline(
        (r as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables.GROUP_BASELINE,
      ),
  );

describe('item 6: a scheduled action is checked by the cron model of the functions, at synthesis', () => {
  const scheduled = (expression: string, timeZone?: string) =>
    ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.expression(expression), minCapacity: 2, ...(timeZone ? { timeZone } : {}) });

  test.each([
    ['99 8 * * *', /^schedule \('99 8 \* \* \*'\) must be a 5-field cron expression .*minute 99 is outside 0-59/],
    ['0 8 * * * *', /^schedule \('0 8 \* \* \* \*'\) must be a 5-field cron expression .*must have 5 fields/],
    ['0 25 * * *', /^schedule .*hour 25 is outside 0-23/],
    ['0 8 * * MONDAY', /^schedule .*day of week 'MONDAY' is not a number or name/],
  ])('cron %s is an error naming schedule', (expression, message) => {
    expect(() => scheduled(expression)).toThrow(message);
  });

  test.each(['Berlin', 'Mars/Olympus', 'europe/berlin', '+01:00', 'CET '])('time zone %p is an error naming timeZone', (zone) => {
    expect(() => scheduled('0 8 * * 1-5', zone)).toThrow(/^timeZone must be an IANA time zone name .*got '/);
  });

  test.each(['Europe/Berlin', 'UTC', 'Etc/UTC', 'Etc/GMT+9', 'US/Eastern', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata'])(
    'time zone %p is accepted',
    (zone) => {
      expect(() => scheduled('0 8 * * MON-FRI', zone)).not.toThrow();
    },
  );

  test('Schedule.cron renders what the model reads', () => {
    expect(() =>
      ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.cron({ hour: '8', minute: '0', weekDay: 'MON-FRI' }), minCapacity: 2 }),
    ).not.toThrow();
  });

  test("a plain aws-cdk-lib ScheduledAction on the group with a cron the functions cannot read fails the scaler's synthesis, naming the action", () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const group = new ScalingGroup(stack, 'Group', { vpc: importedVpc(stack), minCapacity: 2, maxCapacity: 10 });
    group.autoScalingGroup.scaleOnSchedule('Morning', { schedule: autoscaling.Schedule.expression('99 8 * * *'), minCapacity: 4 });
    const loadMetric = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', statistic: 'Sum' });
    new PredictiveScaler(stack, 'Scaler', { autoScalingGroup: group.autoScalingGroup, loadMetric, capacityPerInstance: 100 });
    // GROUP_BASELINE is rendered at synthesis, so that schedules added after the scaler count.
    expect(() => Template.fromStack(stack)).toThrow(/scheduled action S\/Group\/.*Morning \(recurrence '99 8 \* \* \*'\): minute 99 is outside 0-59/);
  });
});

describe('item 4 (synthesis): a schedule with a deploy-time value is not handed down with that value dropped', () => {
  test('a CfnParameter MinSize or time zone: the schedule is left to the run-time read; literal schedules are handed down', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const minSize = new CfnParameter(stack, 'MorningMin', { type: 'Number', default: 6 });
    const zone = new CfnParameter(stack, 'Zone', { type: 'String', default: 'Europe/Berlin' });
    const svc = new ScalableService(stack, 'Web', {
      vpc: importedVpc(stack),
      capacity: { minCapacity: 3, maxCapacity: 10 },
      policies: [
        ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }),
        ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.expression('0 8 * * 1-5'), minCapacity: minSize.valueAsNumber }),
        ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.expression('0 9 * * 1-5'), minCapacity: 5, timeZone: zone.valueAsString }),
        ScalingPolicy.scheduled({ schedule: autoscaling.Schedule.expression('0 19 * * 1-5'), minCapacity: 3, timeZone: 'Europe/Berlin' }),
      ],
    });
    expect(svc.predictiveScaler).toBeDefined();
    const [baseline] = baselineOf(Template.fromStack(stack), 'SCALING_MODE');
    // Only the literal one: no MinSize-less '0 8' (the parameter dropped), no '0 9' read as UTC.
    expect(baseline.schedules).toEqual([expect.objectContaining({ recurrence: '0 19 * * 1-5', timeZone: 'Europe/Berlin', minSize: 3 })]);
  });
});

describe('item 5: forty schedules synthesize with every function environment within 4 KB', () => {
  test('a service with 40 schedules, both scalers', () => {
    const schedules = Array.from({ length: 40 }, (_, i) =>
      ScalingPolicy.scheduled({
        schedule: autoscaling.Schedule.expression(`${i} ${6 + (i % 12)} * * 1-5`),
        minCapacity: 2 + (i % 4),
        maxCapacity: 12,
        timeZone: 'America/Argentina/Buenos_Aires',
        startTime: new Date('2030-01-01T00:00:00Z'),
        endTime: new Date('2031-01-01T00:00:00Z'),
      }),
    );
    const { stack, svc } = service(
      {
        capacity: { minCapacity: 2, maxCapacity: 12 },
        budget: { limit: 500 },
        policies: [ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }), ...schedules],
      },
      'ScalingArchitecture-A-Rather-Long-Production-Environment-Name',
    );
    expect(svc.predictiveScaler).toBeDefined();
    expect(svc.costOptimizer).toBeDefined();
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const sizes = Object.values(functions).map((f) =>
      environmentBytes((f as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables),
    );
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(4096);
  });
});

describe('item 8: an enum given as another string is an error naming the prop', () => {
  test.each<[string, Partial<ScalableServiceProps>, RegExp]>([
    [
      'predictiveScaler.mode',
      { predictiveScaler: { mode: 'FORECAST_AND_SCALE' as PredictiveScalerMode } },
      /^predictiveScaler\.mode must be one of 'forecast-only', 'forecast-and-scale', got 'FORECAST_AND_SCALE'/,
    ],
    [
      'costOptimizer.mode',
      { budget: { limit: 100 }, costOptimizer: { mode: 'APPLY' as CostOptimizerMode } },
      /^costOptimizer\.mode must be one of 'apply', 'dry-run', 'forecast-only', got 'APPLY'/,
    ],
    [
      'costOptimizer.budgetMode',
      { budget: { limit: 100 }, costOptimizer: { budgetMode: 'HARD' as BudgetMode } },
      /^costOptimizer\.budgetMode must be one of 'hard', 'availability-first', got 'HARD'/,
    ],
    [
      'costOptimizer.spendSource',
      { budget: { limit: 100 }, costOptimizer: { spendSource: 'Budgets' as SpendSource } },
      /^costOptimizer\.spendSource must be one of 'budgets', 'cost-explorer', got 'Budgets'/,
    ],
  ])('%s', (_prop, props, message) => {
    expect(() => service(props)).toThrow(message);
  });

  test('the enum members still synthesize', () => {
    expect(() =>
      service({
        budget: { limit: 100 },
        predictiveScaler: { mode: PredictiveScalerMode.FORECAST_AND_SCALE },
        costOptimizer: { mode: CostOptimizerMode.DRY_RUN, budgetMode: BudgetMode.AVAILABILITY_FIRST, spendSource: SpendSource.BUDGETS },
      }),
    ).not.toThrow();
  });
});

describe('item 10: a derived capacityPerInstance on a load metric of another unit', () => {
  function scaler(loadMetric: cloudwatch.Metric, capacityPerInstance?: number) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const vpc = importedVpc(stack);
    const group = new ScalingGroup(stack, 'Group', { vpc, minCapacity: 2, maxCapacity: 10 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
    const tg = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc, port: 80, targets: [group.autoScalingGroup] });
    alb.addListener('Http', { port: 80, defaultTargetGroups: [tg] });
    group.autoScalingGroup.scaleOnRequestCount('Requests', { targetRequestsPerMinute: 700 });
    new PredictiveScaler(stack, 'Scaler', {
      autoScalingGroup: group.autoScalingGroup,
      loadMetric,
      ...(capacityPerInstance ? { capacityPerInstance } : {}),
    });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('predictiveScalerDerivedCapacityUnit'));
  }
  const bytes = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'ProcessedBytes', statistic: 'Sum' });
  const requests = new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', statistic: 'Sum' });

  test('ProcessedBytes with the capacity derived from the request-count target: a warning naming both', () => {
    const warnings = scaler(bytes);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(
      /capacityPerInstance is derived from the request-count .* loadMetric is AWS\/ApplicationELB\/ProcessedBytes/,
    );
  });

  test('RequestCount, or a capacityPerInstance given in the metric unit: no warning', () => {
    expect(scaler(requests)).toHaveLength(0);
    expect(scaler(bytes, 5_000_000)).toHaveLength(0);
  });
});

describe('item 11: errors name the prop the user wrote', () => {
  test('predictiveScaler.minCapacity, from ScalableService', () => {
    expect(() => service({ capacity: { minCapacity: 2, maxCapacity: 10 }, predictiveScaler: { minCapacity: 5 } })).toThrow(
      /^predictiveScaler\.minCapacity \(5\) differs from the group's configured MinSize \(2\): leave predictiveScaler\.minCapacity out/,
    );
  });

  test('a bad historyDuration names historyDuration, not the minimumHistory derived from it', () => {
    let message = '';
    try {
      service({ predictiveScaler: { historyDuration: Duration.seconds(3600.5) } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^predictiveScaler\.historyDuration must be a whole number of seconds/);
    expect(message).not.toMatch(/minimumHistory/);
  });

  test('a setting left at its default is named under the composite prop too (horizon, from a slower schedule)', () => {
    expect(() => service({ predictiveScaler: { schedule: Schedule.rate(Duration.minutes(61)) } })).toThrow(/^predictiveScaler\.horizon \(2 h/);
  });

  test('costOptimizer props too', () => {
    expect(() => service({ budget: { limit: 100 }, costOptimizer: { capStepPercent: 0 } })).toThrow(/^costOptimizer\.capStepPercent /);
  });
});

describe('item 8, the other enums: a budget scope or a native predictive setting given as another string is an error', () => {
  test("ScalingBudget scope 'Service' (not 'service') is refused instead of counting the whole account", () => {
    const stack = new Stack(new App(), 'Budget', { env: ENV });
    expect(
      () => new ScalingBudget(stack, 'Budget', { limit: 100, alertTopic: new sns.Topic(stack, 'Alerts'), budgetScope: 'Service' as BudgetScope }),
    ).toThrow(/^budgetScope must be one of 'service', 'account', got 'Service'/);
  });

  test("ScalingBudget.fromBudgetName scope 'ACCOUNT' is refused", () => {
    const stack = new Stack(new App(), 'Cost', { env: ENV });
    expect(() => ScalingBudget.fromBudgetName(stack, 'Team', 'team-budget', { limit: 100, budgetScope: 'ACCOUNT' as BudgetScope })).toThrow(
      /^budgetScope must be one of 'service', 'account', got 'ACCOUNT'/,
    );
  });

  test.each<[string, Partial<NativePredictiveScalingOptions>, RegExp]>([
    [
      'mode',
      { mode: 'FORECAST_AND_SCALE' as NativePredictiveScalingMode },
      /^mode must be one of 'ForecastOnly', 'ForecastAndScale', got 'FORECAST_AND_SCALE'/,
    ],
    [
      'maxCapacityBreachBehavior',
      { maxCapacityBreachBehavior: 'increase' as NativePredictiveScalingMaxCapacityBreachBehavior },
      /^maxCapacityBreachBehavior must be one of .*got 'increase'/,
    ],
  ])('NativePredictiveScalingPolicy %s', (_prop, options, message) => {
    expect(() => new NativePredictiveScalingPolicy({ metric: NativePredictiveScalingMetric.cpuUtilization(), targetValue: 50, ...options })).toThrow(
      message,
    );
  });

  test('the enum members still construct', () => {
    const stack = new Stack(new App(), 'Budget', { env: ENV });
    expect(
      () => new ScalingBudget(stack, 'Budget', { limit: 100, alertTopic: new sns.Topic(stack, 'Alerts'), budgetScope: BudgetScope.ACCOUNT }),
    ).not.toThrow();
    expect(
      () =>
        new NativePredictiveScalingPolicy({
          metric: NativePredictiveScalingMetric.cpuUtilization(),
          targetValue: 50,
          mode: NativePredictiveScalingMode.FORECAST_AND_SCALE,
          maxCapacityBreachBehavior: NativePredictiveScalingMaxCapacityBreachBehavior.INCREASE_MAX_CAPACITY,
        }),
    ).not.toThrow();
  });
});
