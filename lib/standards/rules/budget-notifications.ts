import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding } from '../private/diagnosis';
import { field, resolve, resourcesInStage } from '../private/cfn-lookup';

/** The diagnosis behind {@link budgetNotifications}. */
export function diagnoseBudgetNotifications(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const budgets = resourcesInStage(node).filter((r): r is CfnBudget => r instanceof CfnBudget);
  const notified = budgets.some((budget) => {
    const notifications = resolve(budget, budget.notificationsWithSubscribers);
    return (
      Array.isArray(notifications) &&
      notifications.some((n: unknown) => {
        const subscribers = field(n, 'subscribers');
        return Array.isArray(subscribers) && subscribers.length > 0;
      })
    );
  });
  if (notified) {
    return NagRuleCompliance.COMPLIANT;
  }
  return finding(
    budgets.length === 0
      ? 'no AWS::Budgets::Budget in any stack of the app'
      : `${budgets.length} AWS::Budgets::Budget in the app, none with a notification that has a subscriber (${budgets.map((b) => b.node.path).join(', ')})`,
    'a cost budget in a stack of the app with at least one notification and subscriber (e.g. ACTUAL > 80% and FORECASTED > 100% to an email or SNS topic)',
  );
}

/**
 * Auto Scaling groups are deployed with a cost budget: the same app (or stage) holds an
 * `AWS::Budgets::Budget` with at least one notification that has at least one subscriber.
 * The budget may be in another stack of the app, as budgets are account-wide.
 *
 * A scaling fleet's cost follows its load; a budget with notifications is what tells the owner
 * that a traffic spike, a scaling loop or a raised maximum is costing more than planned.
 */
export const budgetNotifications = asRule(diagnoseBudgetNotifications);
