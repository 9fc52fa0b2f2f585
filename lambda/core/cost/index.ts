// The cost optimizer's pure core: budget levers, off-hours, vertical rightsizing, capacity planning.
export * from './types';
export { inWorkingHours, workingCapacityNeeded, workingHoursProblems } from './working-hours';
export { expectedPeriodCost, peakLoadInstances, planCostCapacity } from './capacity-planning';
export { decideCost } from './decide';
export { CostStateError, decodeCostState, encodeCostState, MAX_ENCODED_STATE_LENGTH } from './state-codec';
export type { EncodeOptions } from './state-codec';
export { forecastSpend, hourlyUsage, usageHistoryStart } from './spend-forecast';
export type { PriceMark, SpendForecast, SpendForecastInput, UsageHour } from './spend-forecast';
export { planSpend } from './spend-plan';
export type { SpendPlan, SpendPlanInput } from './spend-plan';
