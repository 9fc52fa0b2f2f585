/**
 * The predictive scaler on an ECS service (env ECS_SERVICE_TARGET, prop `ecsService`): the plan
 * is in tasks (`capacityPerInstance` is the load one task serves) and is applied to the service's
 * scalable target (Application Auto Scaling), never to the cluster's group, whose instances
 * follow the tasks through the capacity provider's managed scaling. The same plan, diff and
 * fail-safe order as on a group (`apply-plan.ts`), mapped:
 * - the group's MinSize / MaxSize / desired / in service are the target's MinCapacity /
 *   MaxCapacity and the service's desiredCount / runningCount (DescribeScalableTargets,
 *   DescribeServices);
 * - a one-time scheduled action is an Application Auto Scaling scheduled action `at(...)` (UTC)
 *   on the target with `ScalableTargetAction.MinCapacity`: the plan's floor, or its desired
 *   capacity when higher (a scheduled action has no desired count);
 * - the immediate raise is RegisterScalableTarget with a higher MinCapacity, made only above the
 *   live desired count and the live MinCapacity, and within the live MaxCapacity (Application
 *   Auto Scaling has no SetDesiredCapacity; raising the floor brings the desired count up at
 *   once). Like a group's raised MinSize, the plan's next scheduled floor, and at the horizon's
 *   end its release to the configured minimum, take it back down.
 * Only the target's own resource id is written; other owners' scheduled actions are only read,
 * and their recurring ones are the service's own schedules, honoured as a group's are.
 */
import {
  DeleteScheduledActionCommand,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import {
  ECS_SCALABLE_DIMENSION,
  ECS_SERVICE_TARGET_ENV,
  type EcsServiceTarget,
  ecsActionPrefixProblem,
  ecsResourceId,
  parseEcsServiceTarget,
} from '../contract/ecs-service-target';
import { CronError, type RecurringAction, recurrenceOfSchedule } from '../core/capacity';
import { type EcsClients, ecsClientsOf } from '../shared/ecs-clients';
import type { ApplyRequest, ApplyResult } from './apply-plan';
import type { ScheduledActionsView } from './group-state';
import type { GroupState, OwnAction } from './scheduled-actions';

const NAMESPACE = 'ecs';

export { type EcsClients, ecsClientsOf };

/**
 * The ECS service the scaler plans for, or undefined when it plans a group. With `actionPrefix`,
 * a prefix Application Auto Scaling would refuse in every action name is a configuration error.
 */
export function ecsServiceTargetOf(env: Record<string, string | undefined>, actionPrefix?: string): EcsServiceTarget | undefined {
  const target = parseEcsServiceTarget(env[ECS_SERVICE_TARGET_ENV]);
  const problem = target && actionPrefix !== undefined ? ecsActionPrefixProblem(actionPrefix) : undefined;
  if (problem) throw Object.assign(new Error(`SCHEDULED_ACTION_PREFIX (from prop scheduledActionPrefix) ${problem}`), { name: 'ConfigError' });
  return target;
}

/** The scalable target and the service as a group state; undefined when the target is not registered. */
export async function describeEcsService(clients: EcsClients, t: EcsServiceTarget): Promise<GroupState | undefined> {
  const resourceId = ecsResourceId(t);
  const [targets, services] = await Promise.all([
    clients.applicationAutoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ResourceIds: [resourceId], ScalableDimension: ECS_SCALABLE_DIMENSION }),
    ),
    clients.ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] })),
  ]);
  const target = targets.ScalableTargets?.find((x) => x.ResourceId === resourceId);
  if (!target) return undefined;
  const service = services.services?.find((s) => s.serviceName === t.service);
  // Missing counts are missing data, not zeros (as for a group): the run fails and changes nothing.
  for (const [field, v] of [
    ['MinCapacity', target.MinCapacity],
    ['MaxCapacity', target.MaxCapacity],
    ['desiredCount', service?.desiredCount],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw Object.assign(new Error(`ECS service '${resourceId}' has no valid ${field} (got ${String(v)})`), { name: 'MissingGroupData' });
    }
  }
  return {
    minSize: target.MinCapacity!,
    maxSize: target.MaxCapacity!,
    desiredCapacity: service!.desiredCount!,
    ...(typeof service!.runningCount === 'number' ? { inService: service!.runningCount } : {}),
  };
}

/** `at(2026-12-07T06:05:00)` (UTC) for an epoch-ms minute, and back. */
export function atExpression(ms: number): string {
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
}
function parseAt(schedule: string | undefined): number | undefined {
  const m = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(schedule ?? '');
  return m ? Date.parse(`${m[1]}Z`) : undefined;
}

/** The target's scheduled actions: the scaler's own (name starts with the prefix) and when others run. */
export async function listEcsScheduledActions(clients: EcsClients, t: EcsServiceTarget, prefix: string): Promise<ScheduledActionsView> {
  const own: OwnAction[] = [];
  const otherStartTimes: number[] = [];
  const recurring: RecurringAction[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await clients.applicationAutoScaling.send(
      new DescribeScheduledActionsCommand({
        ServiceNamespace: NAMESPACE,
        ResourceId: ecsResourceId(t),
        ScalableDimension: ECS_SCALABLE_DIMENSION,
        MaxResults: 50,
        NextToken: token,
      }),
    );
    for (const a of res.ScheduledActions ?? []) {
      const start = parseAt(a.Schedule) ?? a.StartTime?.getTime();
      if (!a.ScheduledActionName?.startsWith(prefix)) {
        if (start !== undefined) otherStartTimes.push(start);
        const own = ownRecurring(a);
        if (own) recurring.push(own);
        continue;
      }
      const min = a.ScalableTargetAction?.MinCapacity;
      const max = a.ScalableTargetAction?.MaxCapacity;
      own.push({
        name: a.ScheduledActionName,
        startTime: start ?? 0,
        ...(min !== undefined ? { minSize: min } : {}),
        ...(max !== undefined ? { maxSize: max } : {}),
      });
    }
    token = res.NextToken;
    pages++;
    if (token && pages >= 20)
      throw Object.assign(new Error('DescribeScheduledActions still had pages after 20: the scheduled actions are incomplete'), {
        name: 'IncompleteData',
      });
  } while (token);
  return { own, otherStartTimes, recurring };
}

/**
 * A recurring action of the target's own (`scaleOnSchedule` on the service's task count, another
 * stack, the console) as the group's schedules are modeled, so that it is honoured as they are;
 * undefined for a one-time action. Throws a CronError naming the action when its schedule cannot
 * be modeled (a rate, a year, L/W/#): the run then changes nothing rather than undo it.
 */
function ownRecurring(a: ScheduledAction): RecurringAction | undefined {
  const name = a.ScheduledActionName ?? '';
  let recurrence: string | undefined;
  try {
    recurrence = recurrenceOfSchedule(a.Schedule ?? '');
  } catch (e) {
    throw new CronError(`the service's scheduled action '${name}': ${(e as Error).message}`);
  }
  if (recurrence === undefined) return undefined;
  const min = a.ScalableTargetAction?.MinCapacity;
  const max = a.ScalableTargetAction?.MaxCapacity;
  return {
    name,
    recurrence,
    ...(a.Timezone ? { timeZone: a.Timezone } : {}),
    ...(a.StartTime ? { startTime: a.StartTime.getTime() } : {}),
    ...(a.EndTime ? { endTime: a.EndTime.getTime() } : {}),
    ...(min !== undefined ? { minSize: min } : {}),
    ...(max !== undefined ? { maxSize: max } : {}),
  };
}

/** An action as the target takes it: a floor of the plan's capacity (a scheduled action has no desired count). */
export function ecsFloorOf(a: OwnAction): number | undefined {
  const values = [a.minSize, a.desiredCapacity].filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : Math.max(...values);
}

/**
 * Applies the request to the service's scalable target, in the order and with the result shape of
 * `applyPlan`: the immediate raise (read again first), the puts, then, only when everything before
 * succeeded, the removal of stale actions.
 */
export async function applyEcsPlan(clients: EcsClients, t: EcsServiceTarget, req: ApplyRequest): Promise<ApplyResult> {
  const aas = clients.applicationAutoScaling;
  const resourceId = ecsResourceId(t);
  const failed: ApplyResult['failed'][number][] = [];
  let desiredSet: number | undefined;
  let desiredSkipped: ApplyResult['desiredSkipped'];
  let immediateError: unknown;
  if (req.immediateDesired !== undefined) {
    try {
      const live = await describeEcsService(clients, t);
      if (!live) throw Object.assign(new Error(`ECS service '${resourceId}' has no scalable target`), { name: 'GroupNotFound' });
      const target = Math.min(req.immediateDesired, live.maxSize);
      // Raise only: the desired count can lag the target's MinCapacity (a floor that landed seconds
      // ago, a count set by hand), and a MinCapacity at or under the live one would lower the floor.
      if (target > live.desiredCapacity && target > live.minSize) {
        await aas.send(
          new RegisterScalableTargetCommand({
            ServiceNamespace: NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: ECS_SCALABLE_DIMENSION,
            MinCapacity: target,
          }),
        );
        desiredSet = target;
      } else {
        desiredSkipped = { liveDesired: live.desiredCapacity, liveMaxSize: live.maxSize };
      }
    } catch (e) {
      immediateError = e;
    }
  }
  let put = 0;
  let removed = 0;
  let removalSkipped = 0;
  let callError: unknown;
  try {
    for (const a of req.put) {
      const floor = ecsFloorOf(a);
      if (floor === undefined) continue;
      await aas.send(
        new PutScheduledActionCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: resourceId,
          ScalableDimension: ECS_SCALABLE_DIMENSION,
          ScheduledActionName: a.name,
          Schedule: atExpression(a.startTime),
          ScalableTargetAction: { MinCapacity: floor },
        }),
      );
      put++;
    }
    const ok = immediateError === undefined;
    removalSkipped = ok ? 0 : req.remove.length;
    if (ok) {
      for (const name of req.remove) {
        try {
          await aas.send(
            new DeleteScheduledActionCommand({
              ServiceNamespace: NAMESPACE,
              ResourceId: resourceId,
              ScalableDimension: ECS_SCALABLE_DIMENSION,
              ScheduledActionName: name,
            }),
          );
        } catch (e) {
          // An action that ran in the meantime may be gone already.
          if ((e as { name?: string }).name !== 'ObjectNotFoundException') throw e;
        }
        removed++;
      }
    }
  } catch (e) {
    callError = e;
    removalSkipped = req.remove.length - removed;
  }
  return {
    ...(desiredSet !== undefined ? { desiredSet } : {}),
    ...(desiredSkipped !== undefined ? { desiredSkipped } : {}),
    put,
    removed,
    failed,
    removalSkipped,
    ...(immediateError !== undefined ? { immediateError } : {}),
    ...(callError !== undefined ? { callError } : {}),
  };
}
