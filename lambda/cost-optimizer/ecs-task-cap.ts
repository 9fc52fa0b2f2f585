/**
 * The cost optimizer on an ECS service whose group serves it alone (env ECS_SERVICE_TARGET and
 * ECS_TASK_CAP, prop `ecsService`): after the group's bounds are applied, the service's scalable
 * target gets the task cap that matches the group's MaxSize (`cappedTasks`), so that the service's
 * own scaling does not ask for tasks the capped group cannot place; when the group's cap is lifted,
 * its configured MaxCapacity is restored. Run every apply from the group's MaxSize after the run,
 * so a call that failed is made again by the next run. Writes only that target (RegisterScalableTarget
 * MaxCapacity), never below its live MinCapacity (Application Auto Scaling requires min <= max),
 * and never over an operator's MaxCapacity above the configured one (adopted, not reverted).
 */
import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  ECS_SCALABLE_DIMENSION,
  ECS_SERVICE_TARGET_ENV,
  ECS_TASK_CAP_ENV,
  cappedTasks,
  ecsResourceId,
  parseEcsServiceTarget,
  parseEcsTaskCap,
} from '../contract/ecs-service-target';
import { type EcsClients, ecsClientsOf } from '../shared/ecs-clients';

/** What the step did: the target's MaxCapacity before and after, or undefined when not on an ECS service. */
export interface EcsTaskCapResult {
  readonly resourceId: string;
  readonly maxCapacityBefore: number;
  readonly maxCapacity: number;
  /** The live MaxCapacity is above the configured one: an operator's, adopted (not written). */
  readonly operatorMaxCapacity?: true;
}

/** Caps (or restores) the service's task MaxCapacity for the group's MaxSize `groupMaxSize`. */
export async function applyEcsTaskCap(
  deps: { readonly env: Record<string, string | undefined>; readonly ecsClients?: EcsClients },
  groupMaxSize: number,
): Promise<EcsTaskCapResult | undefined> {
  const target = parseEcsServiceTarget(deps.env[ECS_SERVICE_TARGET_ENV]);
  const cap = parseEcsTaskCap(deps.env[ECS_TASK_CAP_ENV]);
  if (!target || !cap) return undefined;
  const aas = ecsClientsOf(deps).applicationAutoScaling;
  const resourceId = ecsResourceId(target);
  const live = (
    await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId], ScalableDimension: ECS_SCALABLE_DIMENSION }),
    )
  ).ScalableTargets?.find((t) => t.ResourceId === resourceId);
  if (!live || typeof live.MaxCapacity !== 'number' || typeof live.MinCapacity !== 'number') {
    throw Object.assign(new Error(`ECS service '${resourceId}' has no scalable target with valid bounds`), { name: 'GroupNotFound' });
  }
  // Above the configured MaxCapacity no controller wrote it (the cap only lowers it): an operator's
  // change, adopted and not reverted, as the predictive scaler holds for it too.
  if (live.MaxCapacity > cap.maxCapacity) {
    return { resourceId, maxCapacityBefore: live.MaxCapacity, maxCapacity: live.MaxCapacity, operatorMaxCapacity: true };
  }
  const wanted = Math.max(live.MinCapacity, cappedTasks(cap, groupMaxSize));
  if (wanted !== live.MaxCapacity) {
    await aas.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        ScalableDimension: ECS_SCALABLE_DIMENSION,
        MaxCapacity: wanted,
      }),
    );
  }
  return { resourceId, maxCapacityBefore: live.MaxCapacity, maxCapacity: wanted };
}
