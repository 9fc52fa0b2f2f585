import type { BudgetSnapshot, CostCapacityPlan, CostPolicy, GroupSnapshot, UtilizationSample } from './types';

const DEFAULT_PLANNING_UTILIZATION = 70;

/** The samples with a finite CPU value. */
export function validSamples(samples: readonly UtilizationSample[]): UtilizationSample[] {
  return samples.filter((s) => Number.isFinite(s.cpuPercent) && s.cpuPercent >= 0 && Number.isFinite(s.t));
}

/** The p-th percentile (0..100, nearest rank) of the values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * The expected spend at the end of the budget period: AWS Budgets' forecast when it has one,
 * otherwise the actual spend extrapolated linearly over the period.
 */
export function expectedPeriodCost(budget: BudgetSnapshot, now: number): { cost: number; source: 'budgets' | 'extrapolated' } {
  if (budget.forecastedSpend !== undefined && Number.isFinite(budget.forecastedSpend) && budget.forecastedSpend > 0) {
    return { cost: Math.max(budget.forecastedSpend, budget.actualSpend), source: 'budgets' };
  }
  const length = budget.periodEnd - budget.periodStart;
  const elapsed = Math.min(length, Math.max(0, now - budget.periodStart));
  // Less than an hour in: nothing to extrapolate from, the actual spend is the best estimate.
  const cost = elapsed < 3_600_000 ? budget.actualSpend : budget.actualSpend * (length / elapsed);
  return { cost, source: 'extrapolated' };
}

/**
 * The peak load of the lookback window, in busy instances: CPU percent times instances in
 * service (the sample's own count, else the group's desired capacity) over 100.
 */
export function peakLoadInstances(samples: readonly UtilizationSample[], now: number, lookbackMs: number, group: GroupSnapshot): number | undefined {
  const recent = validSamples(samples).filter((s) => s.t >= now - lookbackMs && s.t <= now);
  if (recent.length === 0) return undefined;
  let peak = 0;
  for (const s of recent) {
    const n = s.instances !== undefined && Number.isFinite(s.instances) ? s.instances : group.desiredCapacity;
    peak = Math.max(peak, (s.cpuPercent * n) / 100);
  }
  return peak;
}

/** Capacity planning: expected month-end cost and the capacity the peak load needs. */
export function planCostCapacity(
  now: number,
  budget: BudgetSnapshot | undefined,
  group: GroupSnapshot,
  samples: readonly UtilizationSample[],
  policy: CostPolicy,
): CostCapacityPlan {
  const expected = budget ? expectedPeriodCost(budget, now) : undefined;
  const peak = peakLoadInstances(samples, now, policy.loadLookbackMs, group);
  const planningUtil = group.targetUtilization ?? policy.planningUtilizationPercent ?? DEFAULT_PLANNING_UTILIZATION;
  return {
    expectedMonthEndCost: expected?.cost,
    forecastSource: expected?.source,
    budgetLimit: budget?.limit,
    forecastPercentOfLimit: expected && budget && budget.limit > 0 ? (expected.cost / budget.limit) * 100 : undefined,
    peakLoadInstances: peak,
    peakCapacityNeeded: peak === undefined ? undefined : Math.max(policy.floorCapacity, Math.ceil(peak / (planningUtil / 100) - 1e-9)),
    minimumCapForLoad:
      peak === undefined ? undefined : Math.max(policy.floorCapacity, Math.ceil(peak / (policy.emergencyUtilizationPercent / 100) - 1e-9)),
  };
}
