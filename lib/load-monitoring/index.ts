// Public API of the load-monitoring part; each file below exports one concern.
export * from './alert-topic';
// resolveMonitoringThresholds is internal (LoadMonitor calls it): not exported.
export { type MonitoringThresholds, DEFAULT_MONITORING_THRESHOLDS } from './monitoring-thresholds';
export * from './load-monitor';
