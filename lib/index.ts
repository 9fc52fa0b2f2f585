export * from './load-distribution';
export * from './auto-scaling';
export * from './load-monitoring';
export * from './resource-management';
export * from './standards';
export * from './scalable-service';
export * from '../lambda/core';
