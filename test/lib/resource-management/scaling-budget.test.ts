import { App, Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlertTopic, BudgetScope, ScalingBudget, type ScalingBudgetProps } from '../../../lib';

const ENV = { account: '123456789012', region: 'us-east-1' };

function budget(props: Partial<ScalingBudgetProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Budget', { env: ENV });
  const alerts = new AlertTopic(stack, 'Alerts');
  const b = new ScalingBudget(stack, 'Monthly', { limit: 250, alertTopic: alerts.topic, ...props });
  const topicRef = { Ref: stack.getLogicalId(alerts.topic.node.defaultChild as sns.CfnTopic) };
  return { app, stack, alerts, budget: b, topicRef };
}

const notification = (type: 'ACTUAL' | 'FORECASTED', threshold: number, subscribers: unknown[]) => ({
  Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
  Subscribers: subscribers,
});

describe('ScalingBudget', () => {
  test('monthly COST budget in USD with default notifications at 80/100% actual and 100% forecasted', () => {
    const { stack, budget: b, topicRef } = budget();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Budgets::Budget', 1);
    const sns = [{ SubscriptionType: 'SNS', Address: topicRef }];
    t.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: b.budgetName,
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 250, Unit: 'USD' },
        // Service-scoped by default: only what carries the service's cost allocation tag counts.
        CostFilters: { TagKeyValue: [`user:scaling:service$${b.budgetName}`] },
      },
      NotificationsWithSubscribers: [notification('ACTUAL', 80, sns), notification('ACTUAL', 100, sns), notification('FORECASTED', 100, sns)],
    });
    expect(b.limit).toBe(250);
    expect(b.budgetName).toMatch(/^Budget-Monthly-[0-9A-F]{8}$/);
    expect(b.budgetScope).toBe(BudgetScope.SERVICE);
    expect(b.costAllocationTag).toEqual({ key: 'scaling:service', value: b.budgetName });
  });

  test('scope ACCOUNT: the whole account, declared; with a cost allocation tag it is an error', () => {
    const { stack, budget: b } = budget({ budgetScope: BudgetScope.ACCOUNT });
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', { Budget: { CostFilters: Match.absent() } });
    expect(b.costAllocationTag).toBeUndefined();
    expect(() => budget({ budgetScope: BudgetScope.ACCOUNT, costAllocationTag: { key: 'app', value: 'web' } })).toThrow(
      /costAllocationTag \(app\) narrows the budget to the service, but scope is BudgetScope.ACCOUNT/,
    );
  });

  test('tagResources applies the cost allocation tag to what it is given', () => {
    const { stack, budget: b } = budget({ costAllocationTag: { key: 'app', value: 'web' } });
    const topic = new AlertTopic(stack, 'Other');
    b.tagResources(topic);
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Topic', { Tags: Match.arrayWith([{ Key: 'app', Value: 'web' }]) });
  });

  test('the topic lets budgets.amazonaws.com publish and is KMS-encrypted', () => {
    const { stack } = budget();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'budgets.amazonaws.com' } })]),
      },
    });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('cost allocation tag filter, custom thresholds, name and e-mail subscribers', () => {
    const { stack, topicRef } = budget({
      budgetName: 'web-prod-monthly',
      costAllocationTag: { key: 'app', value: 'checkout' },
      actualThresholdsPercent: [50, 90],
      forecastedThresholdsPercent: [110],
      emailAddresses: ['finops@example.com'],
    });
    const subscribers = [
      { SubscriptionType: 'SNS', Address: topicRef },
      { SubscriptionType: 'EMAIL', Address: 'finops@example.com' },
    ];
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetName: 'web-prod-monthly',
        CostFilters: { TagKeyValue: ['user:app$checkout'] },
      }),
      NotificationsWithSubscribers: [
        notification('ACTUAL', 50, subscribers),
        notification('ACTUAL', 90, subscribers),
        notification('FORECASTED', 110, subscribers),
      ],
    });
  });

  test('forecast-only notifications are allowed', () => {
    const { stack } = budget({ actualThresholdsPercent: [], forecastedThresholdsPercent: [90, 100] });
    const props = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget'))[0].Properties;
    expect(props.NotificationsWithSubscribers.map((n: any) => n.Notification.NotificationType)).toEqual(['FORECASTED', 'FORECASTED']);
  });

  describe('validation', () => {
    test.each<[string, Partial<ScalingBudgetProps>, RegExp]>([
      ['limit 0', { limit: 0 }, /limit must be > 0 USD, got 0 USD$/],
      ['negative limit', { limit: -5 }, /limit must be > 0 USD, got -5 USD$/],
      ['infinite limit', { limit: Infinity }, /limit must be a finite number, got Infinity$/],
      ['actual percentage 0', { actualThresholdsPercent: [0, 100] }, /actualThresholdsPercent\[0\] must be in \(0, 1000\], got 0$/],
      ['actual percentage above 1000', { actualThresholdsPercent: [80, 1001] }, /actualThresholdsPercent\[1\] must be in \(0, 1000\], got 1001$/],
      ['forecasted percentage negative', { forecastedThresholdsPercent: [-10] }, /forecastedThresholdsPercent\[0\] must be in \(0, 1000\], got -10$/],
      [
        'duplicate actual percentages',
        { actualThresholdsPercent: [80, 100, 80] },
        /actualThresholdsPercent \(80, 100, 80\) lists 80% more than once/,
      ],
      [
        'duplicate forecasted percentages',
        { forecastedThresholdsPercent: [100, 100] },
        /forecastedThresholdsPercent \(100, 100\) lists 100% more than once/,
      ],
      ['no notification at all', { actualThresholdsPercent: [], forecastedThresholdsPercent: [] }, /both empty: the budget would never notify/],
      [
        'more than five notifications',
        { actualThresholdsPercent: [50, 60, 70, 80], forecastedThresholdsPercent: [90, 100] },
        /actualThresholdsPercent \(4\) \+ forecastedThresholdsPercent \(2\) must be at most 5 notifications/,
      ],
      [
        'an e-mail that is not an address',
        { emailAddresses: ['finops@example'] },
        /emailAddresses\[0\] \('finops@example'\) is not an e-mail address/,
      ],
      [
        'more than ten e-mail addresses',
        { emailAddresses: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`) },
        /emailAddresses \(11 given\) must be at most 10/,
      ],
      ['budget name with a colon', { budgetName: 'web:prod' }, /budgetName must be 1-100 characters without ':' or '\\', got 'web:prod'/],
      ['budget name too long', { budgetName: 'b'.repeat(101) }, /budgetName must be 1-100 characters without ':' or '\\', got 'b+'/],
      [
        'empty tag key',
        { costAllocationTag: { key: '', value: 'x' } },
        /costAllocationTag.key must be 1-128 characters without leading or trailing whitespace \(a blank key would widen the spend to the whole account\), got ''/,
      ],
    ])('rejects %s', (_name, props, message) => {
      expect(() => budget(props)).toThrow(message);
    });

    test('accepts the limits of the ranges', () => {
      expect(() => budget({ limit: 0.01, actualThresholdsPercent: [0.5, 1000], forecastedThresholdsPercent: [] })).not.toThrow();
    });

    test('skips checks on unresolved values', () => {
      expect(() => budget({ limit: Token.asNumber({ Ref: 'Limit' }), actualThresholdsPercent: [Token.asNumber({ Ref: 'Pct' })] })).not.toThrow();
    });
  });

  test('cdk-nag AwsSolutions: no finding on the budget and its topic', () => {
    const { app } = budget({ emailAddresses: ['finops@example.com'], costAllocationTag: { key: 'app', value: 'web' } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
