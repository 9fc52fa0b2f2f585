import { Names, Tags, Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { BudgetScope } from './budget-scope';
import { COST_OPTIMIZER_SETTINGS, MAX_BUDGET_NAME_LENGTH, NO_ENV, budgetNameProblem, costTagProblems, rangeProblem } from '../../lambda/contract';
import { propPrefix } from '../private/prop-path';
import { assertEmailAddresses, assertEnumValue, assertInRange, throwProblems } from '../private/validation';

/** Resource types the cost allocation tag is not applied to (no cost, and no Tags in their CloudFormation schema). */
const UNTAGGED_TYPES = ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::CloudWatch::Dashboard'];

/** AWS Budgets accepts at most five notifications per budget. */
const MAX_NOTIFICATIONS = 5;
/** AWS Budgets accepts at most ten e-mail subscribers per notification (plus one SNS topic). */
const MAX_EMAIL_SUBSCRIBERS = 10;

/**
 * A cost allocation tag that narrows a budget to the resources carrying it. The tag must be
 * activated as a cost allocation tag in the Billing console to be counted.
 */
export interface CostAllocationTag {
  /** Tag key, e.g. 'app'. */
  readonly key: string;
  /** Tag value, e.g. 'checkout-web'. */
  readonly value: string;
}

/**
 * A monthly AWS cost budget the cost optimizer reads: a {@link ScalingBudget} of this app, or one
 * imported by name with {@link ScalingBudget.fromBudgetName}.
 */
export interface IScalingBudget extends IConstruct {
  /** Name of the budget in AWS Budgets. */
  readonly budgetName: string;

  /**
   * Monthly cost limit, in USD (the budget's currency).
   *
   * @default - none declared: the handler uses the limit AWS Budgets reports for the budget
   */
  readonly limit?: number;

  /**
   * Whose spend the budget counts, as declared with the budget.
   *
   * @default - none declared (an imported budget without `scope`): the cost optimizer refuses it
   * in APPLY mode and treats it as the whole account's otherwise
   */
  readonly budgetScope?: BudgetScope;

  /**
   * The cost allocation tag the budget counts (a service-scoped {@link ScalingBudget} of this app):
   * the cost optimizer applies it to the group it manages.
   *
   * @default - no tag is applied
   */
  readonly costAllocationTag?: CostAllocationTag;
}

/** Options of {@link ScalingBudget.fromBudgetName}: what the imported budget declares. */
export interface ScalingBudgetAttributes {
  /**
   * Monthly cost limit of the budget, in USD (the budget's currency), used only when AWS Budgets
   * reports none. Must be more than zero.
   *
   * @default - the limit AWS Budgets reports for the budget
   */
  readonly limit?: number;

  /**
   * Whose spend the budget counts: `BudgetScope.SERVICE` when it counts only this service's tagged
   * cost, `BudgetScope.ACCOUNT` to let the cost optimizer act on the whole account's spend (other
   * teams' included; the optimizer warns in APPLY mode). A cost optimizer in APPLY mode refuses a
   * budget that declares no scope.
   *
   * @default - undeclared: a cost optimizer in APPLY mode refuses the budget
   */
  readonly budgetScope?: BudgetScope;
}

/**
 * Options of a {@link ScalingBudget}: its props without the alert topic (what
 * {@link ScalableServiceProps.budget} takes).
 */
export interface ScalingBudgetOptions {
  /** Monthly cost limit, in USD. Must be more than zero. */
  readonly limit: number;

  /**
   * Whose spend the budget counts. `BudgetScope.SERVICE`: only the cost of resources carrying the
   * cost allocation tag (`costAllocationTag`, cost filter `TagKeyValue: user:<key>$<value>`), which
   * `ScalableService` and `CostOptimizer` apply to what they manage (apply it to more with
   * `tagResources`); `BudgetScope.ACCOUNT`: the whole account's cost, other teams' included.
   *
   * @default BudgetScope.SERVICE
   */
  readonly budgetScope?: BudgetScope;

  /**
   * The cost allocation tag a service-scoped budget counts. Activate its key as a cost allocation
   * tag in the Billing console (up to 24 hours to appear there after the first tagged resource,
   * and up to 24 hours to activate); not with `budgetScope: BudgetScope.ACCOUNT`.
   *
   * @default - key `ScalingBudget.DEFAULT_COST_ALLOCATION_TAG_KEY`, value the budget's name
   */
  readonly costAllocationTag?: CostAllocationTag;

  /**
   * Percentages of `limit` of the actual spend at which to notify; each in (0, 1000], no duplicates.
   *
   * @default [80, 100]
   */
  readonly actualThresholdsPercent?: number[];

  /**
   * Percentages of `limit` of the forecasted spend at which to notify; each in (0, 1000], no
   * duplicates. AWS Budgets forecasts after about five weeks of usage data.
   *
   * @default [100]
   */
  readonly forecastedThresholdsPercent?: number[];

  /**
   * Name of the budget, unique in the account; at most 100 characters, without ':' or '\'.
   *
   * @default - a name derived from the construct path
   */
  readonly budgetName?: string;

  /**
   * E-mail addresses notified directly by AWS Budgets, in addition to the topic (at most 10).
   *
   * @default - the topic only
   */
  readonly emailAddresses?: string[];
}

/** Props of {@link ScalingBudget}: its options and the alert topic. */
export interface ScalingBudgetProps extends ScalingBudgetOptions {
  /**
   * Topic the notifications are published to. Its resource policy must let
   * `budgets.amazonaws.com` publish (an {@link AlertTopic} does).
   */
  readonly alertTopic: sns.ITopic;
}

/**
 * A monthly AWS cost budget (AWS::Budgets::Budget) with notifications at percentages of the
 * actual and of the forecasted spend, sent to the alert topic and optionally to e-mail addresses.
 * The cost optimizer reads the budget by `budgetName`.
 */
export class ScalingBudget extends Construct implements IScalingBudget {
  /** The key of the cost allocation tag of a service-scoped budget when none is given. */
  public static readonly DEFAULT_COST_ALLOCATION_TAG_KEY = 'scaling:service';

  /**
   * An existing monthly cost budget, by name (nothing is created). It declares its `scope` (whose
   * spend it counts) and may declare its `limit`; a cost optimizer in APPLY mode refuses a budget
   * whose scope is not declared. The name and the limit are checked by the settings contract of
   * the cost optimizer that reads the budget (errors name `budget.budgetName`, `budget.limit`).
   */
  public static fromBudgetName(scope: Construct, id: string, budgetName: string, attrs: ScalingBudgetAttributes = {}): IScalingBudget {
    assertEnumValue('budgetScope', attrs.budgetScope, BudgetScope);
    return new ImportedScalingBudget(scope, id, budgetName, attrs);
  }

  /**
   * Whose spend the budget counts: always set for a budget of this app (optional only because
   * {@link IScalingBudget.budgetScope} is, for a budget imported without a declared scope).
   */
  public readonly budgetScope?: BudgetScope;

  /** The cost allocation tag the budget counts (service scope only). */
  public readonly costAllocationTag?: CostAllocationTag;

  /** The budget resource. */
  public readonly budget: budgets.CfnBudget;

  /** Name of the budget (as given, or derived from the construct path). */
  public readonly budgetName: string;

  /**
   * Monthly cost limit, in USD: always set for a budget of this app (optional only because
   * {@link IScalingBudget.limit} is, for a budget imported without a declared limit).
   */
  public readonly limit?: number;

  /** Percentages of `limit` of the actual spend that notify. */
  public readonly actualThresholdsPercent: number[];

  /** Percentages of `limit` of the forecasted spend that notify. */
  public readonly forecastedThresholdsPercent: number[];

  constructor(scope: Construct, id: string, props: ScalingBudgetProps) {
    super(scope, id);
    const path = propPrefix(this);

    // The cost optimizer's budgetLimit rule: a limit the budget accepts is one the optimizer reads.
    throwProblems([rangeProblem(`${path}limit`, props.limit, COST_OPTIMIZER_SETTINGS.budgetLimit, (v) => Token.isUnresolved(v))]);
    this.limit = props.limit;
    this.actualThresholdsPercent = props.actualThresholdsPercent ?? [80, 100];
    this.forecastedThresholdsPercent = props.forecastedThresholdsPercent ?? [100];
    validateThresholds(`${path}actualThresholdsPercent`, this.actualThresholdsPercent);
    validateThresholds(`${path}forecastedThresholdsPercent`, this.forecastedThresholdsPercent);
    const notificationCount = this.actualThresholdsPercent.length + this.forecastedThresholdsPercent.length;
    if (notificationCount === 0) {
      throw new Error(`${path}actualThresholdsPercent and ${path}forecastedThresholdsPercent are both empty: the budget would never notify`);
    }
    if (notificationCount > MAX_NOTIFICATIONS) {
      throw new Error(
        `${path}actualThresholdsPercent (${this.actualThresholdsPercent.length}) + ${path}forecastedThresholdsPercent (${this.forecastedThresholdsPercent.length}) must be at most ${MAX_NOTIFICATIONS} notifications, the AWS Budgets limit`,
      );
    }
    assertEmailAddresses(`${path}emailAddresses`, props.emailAddresses);
    if ((props.emailAddresses ?? []).length > MAX_EMAIL_SUBSCRIBERS) {
      throw new Error(
        `${path}emailAddresses (${props.emailAddresses!.length} given) must be at most ${MAX_EMAIL_SUBSCRIBERS}, the AWS Budgets limit per notification`,
      );
    }
    if (props.costAllocationTag) {
      // The cost optimizer's rule: a tag the budget accepts is one the optimizer reads.
      throwProblems(
        costTagProblems(
          props.costAllocationTag,
          { keyProp: `${path}costAllocationTag.key`, valueProp: `${path}costAllocationTag.value`, keyEnv: NO_ENV, valueEnv: NO_ENV },
          (v) => Token.isUnresolved(v),
        ),
      );
    }
    assertEnumValue(`${path}budgetScope`, props.budgetScope, BudgetScope);
    this.budgetScope = props.budgetScope ?? BudgetScope.SERVICE;
    if (this.budgetScope === BudgetScope.ACCOUNT && props.costAllocationTag) {
      throw new Error(
        `${path}costAllocationTag (${props.costAllocationTag.key}) narrows the budget to the service, but ${path}scope is BudgetScope.ACCOUNT (the whole account): give one or the other`,
      );
    }

    this.budgetName = props.budgetName ?? Names.uniqueResourceName(this, { maxLength: MAX_BUDGET_NAME_LENGTH, separator: '-' });
    throwProblems([budgetNameProblem(`${path}budgetName`, NO_ENV, this.budgetName, (v) => Token.isUnresolved(v))]);
    if (this.budgetScope === BudgetScope.SERVICE) {
      this.costAllocationTag = props.costAllocationTag ?? { key: ScalingBudget.DEFAULT_COST_ALLOCATION_TAG_KEY, value: this.budgetName };
    }
    const tag = this.costAllocationTag;

    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      { subscriptionType: 'SNS', address: props.alertTopic.topicArn },
      ...(props.emailAddresses ?? []).map((address) => ({ subscriptionType: 'EMAIL', address })),
    ];
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notification: {
        notificationType,
        comparisonOperator: 'GREATER_THAN',
        threshold,
        thresholdType: 'PERCENTAGE',
      },
      subscribers,
    });

    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: this.budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.limit, unit: 'USD' },
        costFilters: tag ? { TagKeyValue: [`user:${tag.key}$${tag.value}`] } : undefined,
      },
      notificationsWithSubscribers: [
        ...this.actualThresholdsPercent.map((t) => notification('ACTUAL', t)),
        ...this.forecastedThresholdsPercent.map((t) => notification('FORECASTED', t)),
      ],
    });
  }

  /**
   * Applies the budget's cost allocation tag to `scope` and everything in it that can be tagged
   * (an Auto Scaling group propagates it to the instances it launches), so that the budget counts
   * their cost. Does nothing for an account-wide budget.
   */
  public tagResources(scope: IConstruct): void {
    // Listeners and dashboards cost nothing and their CloudFormation schemas take no Tags (cfn-lint E3002).
    if (this.costAllocationTag)
      Tags.of(scope).add(this.costAllocationTag.key, this.costAllocationTag.value, { excludeResourceTypes: UNTAGGED_TYPES });
  }
}

/** A budget imported by name: what it declares, nothing created. */
class ImportedScalingBudget extends Construct implements IScalingBudget {
  public readonly budgetName: string;
  public readonly limit?: number;
  public readonly budgetScope?: BudgetScope;

  constructor(scope: Construct, id: string, budgetName: string, attrs: ScalingBudgetAttributes) {
    super(scope, id);
    this.budgetName = budgetName;
    this.limit = attrs.limit;
    this.budgetScope = attrs.budgetScope;
  }
}

function validateThresholds(propName: string, percents: readonly number[]): void {
  for (const [index, percent] of percents.entries()) {
    assertInRange(`${propName}[${index}]`, percent, 0, 1000, { lowOpen: true, unit: 'percent' });
  }
  const resolved = percents.filter((p) => !Token.isUnresolved(p));
  const duplicate = resolved.find((p, i) => resolved.indexOf(p) !== i);
  if (duplicate !== undefined) {
    throw new Error(`${propName} (${percents.join(', ')}) lists ${duplicate}% more than once`);
  }
}
