// Public API of the load-monitoring part; each file below exports one concern.
export * from './alert-topic';
export * from './monitoring-thresholds';
export * from './load-monitor';
