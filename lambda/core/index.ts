// The product's pure core: forecasting, capacity planning and cost decisions. No AWS imports.
export * from './plan-types';
export * from './plan-capacity';
export * from './forecast/seasonality';
export * from './cost';
