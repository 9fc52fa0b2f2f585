/**
 * The ECS apply path with plain fake clients: the immediate raise (RegisterScalableTarget
 * MinCapacity) only ever raises, like SetDesiredCapacity on a group. The service's desired count
 * can lag its target's MinCapacity (a floor that landed seconds ago, a desired count set by hand):
 * a raise above that desired count but under the live MinCapacity would lower the floor.
 */
import {
  DescribeScalableTargetsCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { applyEcsPlan, type EcsClients, ecsServiceTargetOf } from '../../../lambda/predictive-scaler/ecs-target';

function fakeClients(live: { min: number; max: number; desired: number }) {
  const calls: unknown[] = [];
  const aas = {
    send: (c: unknown) => {
      calls.push(c);
      if (c instanceof DescribeScalableTargetsCommand)
        return Promise.resolve({ ScalableTargets: [{ ResourceId: 'service/web/api', MinCapacity: live.min, MaxCapacity: live.max }] });
      return Promise.resolve({});
    },
  };
  const ecs = {
    send: (c: unknown) =>
      Promise.resolve(
        c instanceof DescribeServicesCommand ? { services: [{ serviceName: 'api', desiredCount: live.desired, runningCount: live.desired }] } : {},
      ),
  };
  const clients: EcsClients = { applicationAutoScaling: aas as unknown as ApplicationAutoScalingClient, ecs: ecs as unknown as ECSClient };
  return { clients, calls };
}

const t = { cluster: 'web', service: 'api' };

test('the immediate raise never lowers the live MinCapacity (a desired count that lags the floor)', async () => {
  const { clients, calls } = fakeClients({ min: 10, max: 20, desired: 5 });
  const r = await applyEcsPlan(clients, t, { groupName: 'hosts', immediateDesired: 8, put: [], remove: [] });
  const lowered = calls.filter((c) => c instanceof RegisterScalableTargetCommand && (c.input.MinCapacity ?? Infinity) < 10);
  expect(lowered).toEqual([]);
  expect(r.desiredSet).toBeUndefined();
});

test('the immediate raise above the live MinCapacity and desired count is made, within MaxCapacity', async () => {
  const { clients, calls } = fakeClients({ min: 2, max: 20, desired: 2 });
  const r = await applyEcsPlan(clients, t, { groupName: 'hosts', immediateDesired: 30, put: [], remove: [] });
  expect(r.desiredSet).toBe(20);
  expect(calls.filter((c) => c instanceof RegisterScalableTargetCommand).map((c) => c.input.MinCapacity)).toEqual([20]);
  expect(calls.some((c) => c instanceof PutScheduledActionCommand)).toBe(false);
});

test("a prefix Application Auto Scaling refuses in every action name (':', '/', '|') is a configuration error on an ECS service, not on a group", () => {
  const env = { ECS_SERVICE_TARGET: JSON.stringify(t) };
  expect(ecsServiceTargetOf(env, 'predictive-')).toEqual(t);
  for (const prefix of ['team:web-', 'a/b-', 'x|y']) {
    expect(() => ecsServiceTargetOf(env, prefix)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringContaining(`SCHEDULED_ACTION_PREFIX (from prop scheduledActionPrefix) must not contain`),
      }),
    );
  }
  // a group's actions may carry ':' (EC2 Auto Scaling allows it)
  expect(ecsServiceTargetOf({}, 'team:web-')).toBeUndefined();
});
