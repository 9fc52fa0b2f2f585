// Public API of the load-distribution part; each file below exports one concern.
// renderTargetHealthCheck is internal (LoadDistribution calls it): not exported.
export { type TargetHealthCheckOptions, DEFAULT_TARGET_HEALTH_CHECK } from './target-health-check';
export * from './load-distribution';
