// The package entry: the constructs of the four parts, the standards pack and the composite (the
// jsii assembly, so every language binding), and the three functions of the pure core at run time
// (planCapacity, explainPlan, decideCost: TypeScript and JavaScript only, jsii skips functions).
// The types of the core's inputs and outputs are exported from the sub-path
// 'cdk-scaling-architecture/core' (lib/core.ts): jsii cannot represent them, and the entry point
// is what jsii compiles.
export * from './load-distribution';
export * from './auto-scaling';
export * from './load-monitoring';
export * from './resource-management';
export * from './standards';
export * from './scalable-service';

export { planCapacity, explainPlan, decideCost } from '../lambda/core';
