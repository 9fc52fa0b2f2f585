/**
 * A corpus of small apps written the way aws-cdk-lib's own examples are, each one stack, for the
 * standards pack's expected-findings test (../corpus.test.ts).
 */
import type { App, Stack } from 'aws-cdk-lib';
import { albAsg } from './alb-asg';
import { classicElb, classicElbDefaults } from './classic-elb';
import { ecsCapacityProvider } from './ecs-capacity-provider';
import { scalingGroupEcs } from './scaling-group-ecs';
import { spotFleet } from './spot-fleet';
import { warmPool } from './warm-pool';

export const CORPUS: Record<string, (app: App) => Stack> = {
  'alb-asg': albAsg,
  'classic-elb': classicElb,
  'classic-elb-defaults': classicElbDefaults,
  'ecs-capacity-provider': ecsCapacityProvider,
  'spot-fleet': spotFleet,
  'warm-pool': warmPool,
  'scaling-group-ecs': scalingGroupEcs,
};
