// Public API of the resource-management part; each file below exports one concern.
export * from './scaling-budget';
export * from './cost-optimizer';
export * from './budget-scope';
export type { CostOptimizerEcsService } from './ecs-task-cap';
