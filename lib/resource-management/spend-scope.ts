/**
 * The optimizer acts on spend it controls: a budget scoped to the service by its cost allocation
 * tag (applied here to the group the optimizer manages), or, only when the user declares it, the
 * whole account's. Internal to the CostOptimizer construct.
 */
import { Annotations, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type { Construct } from 'constructs';
import type { CostOptimizerSettings } from '../../lambda/contract/cost-optimizer';
import { BudgetScope } from './budget-scope';
import type { CostOptimizerProps } from './cost-optimizer-props';

/**
 * Checks the budget's declared scope against the mode: an undeclared scope of a budget imported by
 * name is an error in APPLY mode, an account-wide budget in APPLY mode a warning; tags the managed
 * group with a service-scoped ScalingBudget's cost allocation tag.
 */
export function checkBudgetScope(scope: Construct, props: CostOptimizerProps, settings: CostOptimizerSettings, path = ''): void {
  const apply = settings.mode === 'apply';
  const budget = props.budget;
  if (budget.budgetScope === undefined && apply) {
    throw new Error(
      `${path}budget.budgetScope is required for a budget imported by name ('${budget.budgetName}', ${budget.node.path}) in APPLY mode: declare it in ScalingBudget.fromBudgetName (budgetScope: BudgetScope.SERVICE when the budget counts only this service's tagged cost, BudgetScope.ACCOUNT to let the optimizer cap this group for the whole account's spend)`,
    );
  }
  if (settings.budgetScope === 'account' && apply) {
    Annotations.of(scope).addWarningV2(
      'cdk-scaling-architecture:costOptimizerAccountWideBudget',
      `the budget '${budget.budgetName}' (${budget.node.path}) counts the whole account's spend (BudgetScope.ACCOUNT) and the optimizer is in APPLY mode: it lowers this group's capacity for other teams' spend too. Scope the budget to the service (BudgetScope.SERVICE, a cost allocation tag) unless that is what you want.`,
    );
  }
  const tag = budget.costAllocationTag;
  if (budget.budgetScope === BudgetScope.SERVICE && tag) {
    if (props.autoScalingGroup instanceof autoscaling.AutoScalingGroup) {
      Tags.of(props.autoScalingGroup).add(tag.key, tag.value);
    } else {
      Annotations.of(scope).addWarningV2(
        'cdk-scaling-architecture:costOptimizerUntaggedGroup',
        `the budget counts the cost of resources tagged ${tag.key}=${tag.value}, but ${props.autoScalingGroup.node.path} is not a group of this app and cannot be tagged here: tag it (and its launch template's instances) yourself, or its cost is not counted.`,
      );
    }
  }
}
