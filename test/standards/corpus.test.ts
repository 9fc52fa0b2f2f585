/**
 * The standards pack on a corpus of small apps written the way aws-cdk-lib's own examples are
 * (./corpus): each app's expected findings, rule id and resource, so that a rule change shows
 * its effect on all of them. `npx tsx test/standards/corpus/print-findings.ts` prints them.
 */
import { App } from 'aws-cdk-lib';
import { CORPUS } from './corpus';
import { findings } from './findings';

/** rule id and construct path below the stack, sorted */
const EXPECTED: Record<string, string[]> = {
  'alb-asg': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-ElbHealthCheck ASG/ASG',
    // aws-cdk-lib's default 1..1 with scaleOnRequestCount: the policy can never act
    'Scaling-FixedSizeWithPolicies ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
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
  ],
  'classic-elb-defaults': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-ClassicHealthCheck LB/Resource',
    'Scaling-ClassicLoadBalancerAlarms LB/Resource',
    'Scaling-ElbHealthCheck ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
    'Scaling-InstanceWarmup ASG/ASG',
  ],
  // ECS managed scaling owns the policy and its warmup: no ScalingPolicy, no InstanceWarmup
  'ecs-capacity-provider': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required ASG/LaunchConfig',
  ],
  'spot-fleet': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
    'Scaling-Imdsv2Required LaunchTemplate/Resource',
    'Scaling-InstanceWarmup ASG/ASG',
  ],
  'warm-pool': [
    'Scaling-BudgetNotifications ASG/ASG',
    'Scaling-GroupAlarms ASG/ASG',
  ],
  'scaling-group-ecs': [
    'Scaling-BudgetNotifications Fleet/Group/ASG',
    'Scaling-GroupAlarms Fleet/Group/ASG',
  ],
};

describe('the standards pack on the corpus of example apps', () => {
  test('covers every app of the corpus', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(CORPUS).sort());
  });

  test.each(Object.keys(CORPUS))('%s: the expected findings, each message with the values seen and what would satisfy it', (name) => {
    const app = new App();
    const stack = CORPUS[name](app);
    app.synth();
    const found = findings(app);
    const lines = found.flatMap((f) => f.paths.map((p) => `${f.ruleId} ${p.replace(`${stack.node.path}/`, '')}`)).sort();
    expect(lines).toEqual(EXPECTED[name]);
    for (const f of found) {
      expect(f.paths).toHaveLength(1);
      expect(f.description).toMatch(/ Seen: .+\. Would satisfy: .+\.$/);
    }
  });
});
