// Public API of the load-distribution part; each file below exports one concern.
export * from './target-health-check';
export * from './load-distribution';
