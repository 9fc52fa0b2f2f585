// Public API of the standards part; each file below exports one concern.
export * from './scaling-standards-checks';
export * from './scaler-function-selector';
export * from './scaling-rule';
export * as scalingRules from './rules';
