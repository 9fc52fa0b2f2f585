import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { NagRuleCompliance } from 'cdk-nag';
import { resolve, resourcesInStage } from '../private/cfn-lookup';

/**
 * Auto Scaling groups are deployed with a cost budget: the same app (or stage) holds an
 * `AWS::Budgets::Budget` with at least one notification that has at least one subscriber.
 * The budget may be in another stack of the app, as budgets are account-wide.
 *
 * A scaling fleet's cost follows its load; a budget with notifications is what tells the owner
 * that a traffic spike, a scaling loop or a raised maximum is costing more than planned.
 */
export function budgetNotifications(node: CfnResource): NagRuleCompliance {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const notified = resourcesInStage(node)
    .filter((r): r is CfnBudget => r instanceof CfnBudget)
    .some((budget) => {
      const notifications = resolve(budget, budget.notificationsWithSubscribers);
      return (
        Array.isArray(notifications) &&
        notifications.some((n: any) => {
          const subscribers = n?.subscribers ?? n?.Subscribers;
          return Array.isArray(subscribers) && subscribers.length > 0;
        })
      );
    });
  return notified ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
