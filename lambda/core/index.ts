// The product's pure core: forecasting, capacity planning and cost decisions. No AWS imports.
export * from './plan-types';
export * from './plan-capacity';
export * from './forecast/seasonality';
export * from './cost';
// Types that appear in explainPlan's result.
export type { Headroom } from './forecast/forecast-errors';
export type { RealizedOutcome } from './forecast/realized-outcome';
export type { ForecastModelSpec } from './forecast/forecast-model';
