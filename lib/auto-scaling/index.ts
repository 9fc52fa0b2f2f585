// Public API of the auto-scaling part; each file below exports one concern.
export * from './scaling-group';
export {
  type AvailabilityZoneImpairmentPolicy,
  type CapacityReservation,
  CapacityReservationPreference,
  ImpairedZoneHealthCheckBehavior,
} from './group-availability';
export { type InstanceRefreshOnDeployOptions } from './deploy-rollout';
export { launchTemplateOf, ScalingGroupLaunchTemplateOverride, ScalingGroupLifecycleHook, ScalingGroupMixedInstancesPolicy } from './group-features';
export * from './scaling-policy-types';
export * from './scaling-policy';
export * from './target-tracking-policy';
export * from './metric-target-tracking-policy';
export * from './step-scaling-policy';
export * from './simple-scaling-policy';
export * from './scheduled-scaling-policy';
export * from './native-predictive-scaling';
export { type VerticalScalingConfig } from './vertical-scaling';
export * from './predictive-scaler';
export { DEFAULT_ECS_TASK_START } from './ecs-service-target';
