/**
 * ScalableService dispatches policies on their declared `type`, so a policy written against
 * IScalingPolicy works like ours, and vertical scaling is configuration of the cost optimizer
 * (`costOptimizer.vertical`), not a policy that binds nothing.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import {
  ScalableService,
  ScalingPolicy,
  ScalingPolicyType,
  type IScalingPolicy,
  type ScalableServiceProps,
  type ScalingPolicyTarget,
  type VerticalScalingConfig,
} from '../../../lib';
import { importedVpc } from '../../support/imported-vpc';

const ENV = { account: '123456789012', region: 'us-east-1' };

function service(props: Partial<ScalableServiceProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Service', { env: ENV });
  const svc = new ScalableService(stack, 'Web', { vpc: importedVpc(stack), ...props });
  return { stack, svc };
}

/** A horizontal policy a user writes against the interface: a scheduled weekday floor of their own. */
class WeekdayFloor implements IScalingPolicy {
  public readonly type = ScalingPolicyType.HORIZONTAL;
  public readonly trigger = 'weekdays at 07:00';
  public readonly action = 'raise MinSize to 4';
  public readonly cooldown = Duration.seconds(0);
  public readonly requiresTargetGroup = false;
  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct {
    return new autoscaling.ScheduledAction(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      schedule: autoscaling.Schedule.cron({ weekDay: 'MON-FRI', hour: '7', minute: '0' }),
      minCapacity: 4,
    });
  }
}

/** A vertical policy a user writes against the interface: their own rightsizing controller, here a step policy marker. */
class OwnRightsizer implements IScalingPolicy {
  public readonly type = ScalingPolicyType.VERTICAL;
  public readonly trigger = 'a weekly report';
  public readonly action = 'their own rightsizing job';
  public readonly cooldown = Duration.days(7);
  public readonly requiresTargetGroup = false;
  public bound = 0;
  public bind(scope: Construct, id: string, target: ScalingPolicyTarget): Construct {
    this.bound += 1;
    return new autoscaling.ScheduledAction(scope, id, {
      autoScalingGroup: target.autoScalingGroup,
      schedule: autoscaling.Schedule.cron({ weekDay: 'SUN', hour: '3', minute: '0' }),
      desiredCapacity: 2,
    });
  }
}

const LADDER: VerticalScalingConfig = {
  instanceTypes: [new ec2.InstanceType('t3.small'), new ec2.InstanceType('t3.medium')],
  lowerUtilizationPercent: 20,
  upperUtilizationPercent: 70,
  evaluationWindow: Duration.hours(24),
  minInterval: Duration.hours(24),
};
const SMALL = { instanceType: new ec2.InstanceType('t3.small') };

test("a horizontal policy of the user's own is bound to the group", () => {
  const own = new WeekdayFloor();
  const { stack, svc } = service({
    policies: [ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: 50 }), own],
    predictiveScaler: { enabled: false },
  });
  Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScheduledAction', { MinSize: 4, Recurrence: '0 7 * * MON-FRI' });
  expect(svc.policies).toEqual([expect.anything(), own]);
  expect(svc.verticalScaling).toBeUndefined();
});

test("a vertical policy of the user's own is bound (it builds its own controller), not taken for the optimizer's configuration", () => {
  const own = new OwnRightsizer();
  const { stack, svc } = service({ policies: [ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: 1000 }), own] });
  expect(own.bound).toBe(1);
  Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScheduledAction', { DesiredCapacity: 2 });
  expect(svc.policies.map((p) => p.type)).toEqual(['horizontal', 'vertical']);
  expect(svc.verticalScaling).toBeUndefined();
});

test("a vertical policy of the user's own is not combined with the cost optimizer's vertical scaling", () => {
  expect(() => service({ capacity: SMALL, policies: [new OwnRightsizer()], budget: { limit: 100 }, costOptimizer: { vertical: LADDER } })).toThrow(
    /policies\[0\] is a vertical policy of your own .* two controllers would change the instance type/,
  );
});

describe('vertical scaling is configuration of the cost optimizer', () => {
  test('costOptimizer.vertical reaches the optimizer and is exposed as verticalScaling', () => {
    const { stack, svc } = service({ capacity: SMALL, budget: { limit: 100 }, costOptimizer: { vertical: LADDER } });
    expect(svc.verticalScaling).toBe(LADDER);
    expect(svc.costOptimizer).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VERTICAL_SCALING: Match.stringLikeRegexp('t3.small') }) },
    });
  });

  test('capacity.instanceType must be on its ladder', () => {
    expect(() =>
      service({ capacity: { instanceType: new ec2.InstanceType('t3.large') }, budget: { limit: 100 }, costOptimizer: { vertical: LADDER } }),
    ).toThrow('capacity.instanceType (t3.large) must be one of costOptimizer.vertical.instanceTypes [t3.small, t3.medium]');
  });

  test('without a budget (no optimizer) it warns that nothing executes it', () => {
    const { stack, svc } = service({ capacity: SMALL, costOptimizer: { enabled: false, vertical: LADDER } });
    expect(svc.costOptimizer).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('cost optimizer, which executes it, is not deployed'));
  });
});
