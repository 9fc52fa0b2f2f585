// One rule per file; the pack in ../scaling-standards-checks.ts lists them with ids and levels.
// Only the rules are public: each file's diagnose* function is what the pack calls for its messages.
export { budgetNotifications } from './budget-notifications';
export { classicHealthCheck } from './classic-health-check';
export { classicLoadBalancerAlarms } from './classic-load-balancer-alarms';
export { elbHealthCheck } from './elb-health-check';
export { fixedSizeWithPolicies } from './fixed-size-with-policies';
export { groupAlarms } from './group-alarms';
export { imdsv2Required } from './imdsv2-required';
export { instanceWarmup } from './instance-warmup';
export { launchTemplate } from './launch-template';
export { maxCapacityWithinLimit } from './max-capacity-limit';
export { multiAz } from './multi-az';
export { noDesiredCapacity } from './no-desired-capacity';
export { scalerFunctionAlarms } from './scaler-function-alarms';
export { scalingPolicy } from './scaling-policy';
export { targetGroupAlarms } from './target-group-alarms';
export { targetGroupHealthCheck } from './target-group-health-check';
