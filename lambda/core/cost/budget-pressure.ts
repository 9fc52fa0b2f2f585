import type { BudgetPressure, CostCapacityPlan, CostPolicy } from './types';

/**
 * The budget pressure of a plan: over the tighten threshold, under the restore threshold, inside
 * the hysteresis band between them (hold), or unknown without a forecast.
 */
export function budgetPressure(plan: CostCapacityPlan, policy: CostPolicy): BudgetPressure {
  const pct = plan.forecastPercentOfLimit;
  if (pct === undefined || !Number.isFinite(pct)) return 'unknown';
  if (pct > policy.tightenAbovePercent) return 'over';
  if (pct < policy.restoreBelowPercent) return 'under';
  return 'hold';
}
