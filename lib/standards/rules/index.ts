// One rule per file; the pack in ../scaling-standards-checks.ts lists them with ids and levels.
export * from './budget-notifications';
export * from './elb-health-check';
export * from './group-alarms';
export * from './imdsv2-required';
export * from './instance-warmup';
export * from './max-capacity-limit';
export * from './no-desired-capacity';
export * from './scaler-function-alarms';
export * from './scaling-policy';
export * from './target-group-alarms';
export * from './target-group-health-check';
