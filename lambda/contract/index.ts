/**
 * The settings contract shared by the constructs (`lib/`) and the handlers (`lambda/`):
 * environment variable names, defaults, bounds, enums and encodings, in one place.
 * Dependency-free (no aws-cdk-lib, constructs, AWS SDK or Node built-ins).
 */
export * from './settings';
export * from './rules';
export * from './group-baseline';
export * from './predictive-scaler';
export * from './cost-optimizer';
export * from './coordination';
export * from './ecs-service-target';
