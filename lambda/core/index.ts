// The product's pure core: forecasting, capacity planning and cost decisions. No AWS imports.
export * from './plan-types';
export * from './plan-capacity';
export * from './forecast/seasonality';
export * from './cost';
// Types that appear in explainPlan's result.
export type { Headroom } from './forecast/forecast-errors';
export type { RealizedOutcome } from './forecast/realized-outcome';
export type { ForecastModelSpec } from './forecast/forecast-model';
// The cron model of scheduled actions: the constructs check a recurrence and time zone with it at synthesis.
export { isTimeZone, parseCron, scheduleProblem } from './capacity/cron';
