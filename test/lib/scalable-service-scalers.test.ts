import { App, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CostOptimizerMode,
  PredictiveScalerMode,
  ScalableService,
  type ScalableServiceProps,
  ScalingPolicy,
  ScalingStandardsChecks,
} from '../../lib';
import { importedVpc } from '../support/imported-vpc';

function service(props: Partial<ScalableServiceProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Service', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = importedVpc(stack);
  const svc = new ScalableService(stack, 'Web', { vpc, ...props });
  return { app, stack, svc };
}

const envOf = (template: Template, key: string, value: string) =>
  Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [key]: value } } } }));

describe('the scalers in the composite', () => {
  test('with only a VPC: the predictive scaler, forecast-only, planning the request-count target at 70%; no cost optimizer without a budget', () => {
    const { stack, svc } = service();
    const template = Template.fromStack(stack);
    expect(svc.predictiveScaler).toBeDefined();
    expect(svc.costOptimizer).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    // default request-count policy: 1000 requests per target per minute = 70% of 1000 x 100 / 70
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SCALING_MODE: 'forecast-only',
          CAPACITY_PER_INSTANCE: String((1000 * 100) / 70),
          TARGET_UTILIZATION_PERCENT: '70',
        }),
      },
    });
  });

  test('a budget brings the cost optimizer, with the group min as its floor', () => {
    const { stack, svc } = service({ budget: { limit: 300 }, capacity: { minCapacity: 2, maxCapacity: 8 } });
    const template = Template.fromStack(stack);
    expect(svc.costOptimizer).toBeDefined();
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(envOf(template, 'FLOOR_CAPACITY', '2')).toHaveLength(1);
    template.resourceCountIs('AWS::Budgets::Budget', 1);
  });

  test('options reach the scalers: predictive mode and capacity, cost optimizer mode', () => {
    const { stack } = service({
      budget: { limit: 300 },
      predictiveScaler: { mode: PredictiveScalerMode.FORECAST_AND_SCALE, capacityPerInstance: 900 },
      costOptimizer: { mode: CostOptimizerMode.DRY_RUN },
    });
    const template = Template.fromStack(stack);
    expect(envOf(template, 'SCALING_MODE', 'forecast-and-scale')).toHaveLength(1);
    expect(envOf(template, 'CAPACITY_PER_INSTANCE', '900')).toHaveLength(1);
    expect(envOf(template, 'MODE', 'dry-run')).toHaveLength(1);
  });

  test('each scaler can be turned off', () => {
    const { stack, svc } = service({ budget: { limit: 300 }, predictiveScaler: { enabled: false }, costOptimizer: { enabled: false } });
    expect(svc.predictiveScaler).toBeUndefined();
    expect(svc.costOptimizer).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('costOptimizer.enabled without a budget is an error naming both', () => {
    expect(() => service({ costOptimizer: { enabled: true } })).toThrow(/costOptimizer\.enabled is true but budget is not given/);
  });

  test('without a request-count policy the predictive scaler needs capacityPerInstance: a warning by default, an error when enabled', () => {
    const cpuOnly = [ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 })];
    const { stack, svc } = service({ policies: cpuOnly });
    expect(svc.predictiveScaler).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('predictiveScaler.capacityPerInstance'));
    expect(() => service({ policies: cpuOnly, predictiveScaler: { enabled: true } })).toThrow(/predictiveScaler\.capacityPerInstance is required/);
    expect(service({ policies: cpuOnly, predictiveScaler: { capacityPerInstance: 500 } }).svc.predictiveScaler).toBeDefined();
  });

  test('a token request target or target utilization: capacityPerInstance cannot be derived at synth, an error names it (not a nonsense number)', () => {
    const deployTime = Token.asNumber({ Ref: 'DeployTimeValue' });
    expect(() =>
      service({
        policies: [
          ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }),
          ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: deployTime }),
        ],
      }),
    ).toThrow("predictiveScaler.capacityPerInstance is required when the request-count policy's targetRequestsPerMinute is a token");
    expect(() => service({ predictiveScaler: { targetUtilizationPercent: deployTime } })).toThrow(
      'predictiveScaler.capacityPerInstance is required when predictiveScaler.targetUtilizationPercent is a token',
    );
    // given, it is not derived: the token target utilization passes through to the function
    expect(service({ predictiveScaler: { targetUtilizationPercent: deployTime, capacityPerInstance: 900 } }).svc.predictiveScaler).toBeDefined();
  });

  test('the whole service with both scalers passes cdk-nag AwsSolutions and the Scaling standards', () => {
    const { app, svc } = service({ budget: { limit: 300 } });
    expect(svc.costOptimizer).toBeDefined();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
