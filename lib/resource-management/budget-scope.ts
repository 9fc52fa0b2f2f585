/**
 * Whose spend a budget counts, declared with the budget so that the cost optimizer knows whether
 * it may act on it.
 *
 * The optimizer answers a budget's spend by lowering its group's capacity. It should only do that
 * for spend it controls: a budget over the whole account also counts other teams' spend, which no
 * change of this group can influence.
 */
export enum BudgetScope {
  /**
   * The budget counts only the cost of resources carrying the service's cost allocation tag, which
   * the constructs apply to what they create (the group and its instances, the load balancer).
   * The tag must be activated as a cost allocation tag in the Billing console before AWS Budgets
   * counts it (see docs/cost-optimizer.md).
   */
  SERVICE = 'service',
  /**
   * The budget counts the whole account's cost, other teams' included. The cost optimizer acts on
   * it only because you declared it: in APPLY mode it caps this group for everyone's spend (the
   * construct warns).
   */
  ACCOUNT = 'account',
}
