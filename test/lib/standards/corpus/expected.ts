/**
 * The standards pack's expected findings on each corpus app: rule id and construct path below
 * the app's stack, sorted. Used by ../corpus.test.ts and, against the oldest and newest
 * supported aws-cdk-lib, by test/compat/compat.test.ts.
 */
export const EXPECTED: Record<string, string[]> = {
  'alb-asg': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-ElbHealthCheck ASG/ASG',
    // aws-cdk-lib's default 1..1 with scaleOnRequestCount: the policy can never act
    'Scaling-FixedSizeWithPolicies ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
    'Scaling-LaunchTemplate ASG/ASG',
    'Scaling-TargetGroupAlarms LB/Listener/TargetGroup/Resource',
    'Scaling-TargetGroupHealthCheck LB/Listener/TargetGroup/Resource',
  ],
  'classic-elb': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-ClassicLoadBalancerAlarms LB/Resource',
    'Scaling-ElbHealthCheck ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
    'Scaling-InstanceWarmup ASG/ASG',
    'Scaling-LaunchTemplate ASG/ASG',
  ],
  'classic-elb-defaults': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-ClassicHealthCheck LB/Resource',
    'Scaling-ClassicLoadBalancerAlarms LB/Resource',
    'Scaling-ElbHealthCheck ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
    'Scaling-InstanceWarmup ASG/ASG',
    'Scaling-LaunchTemplate ASG/ASG',
  ],
  // ECS managed scaling owns the policy and its warmup: no ScalingPolicy, no InstanceWarmup
  'ecs-capacity-provider': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
    // aws-cdk-lib renders a launch configuration without its feature flag
    'Scaling-LaunchTemplate ASG/ASG',
  ],
  'spot-fleet': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required LaunchTemplate/Resource',
    'Scaling-InstanceWarmup ASG/ASG',
  ],
  'warm-pool': ['Scaling-BudgetNotifications ASG/ASG', 'Scaling-GroupAlarms ASG/ASG', 'Scaling-LaunchTemplate ASG/ASG'],
  'scaling-group-ecs': ['Scaling-BudgetNotifications Fleet/Group/ASG', 'Scaling-GroupAlarms Fleet/Group/ASG'],
};
