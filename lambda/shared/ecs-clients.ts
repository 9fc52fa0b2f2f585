/**
 * The SDK clients of a scaler on an ECS service (Application Auto Scaling for the service's
 * scalable target, ECS for its counts): injected by tests, or created once per container with the
 * shared retry settings.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { clientSettings } from './aws';

/** The clients an ECS run uses. */
export interface EcsClients {
  readonly applicationAutoScaling: ApplicationAutoScalingClient;
  readonly ecs: ECSClient;
}

let created: EcsClients | undefined;

/** The injected clients (tests), or clients created once per container with the shared retry settings. */
export function ecsClientsOf(deps: { readonly ecsClients?: EcsClients; readonly env: Record<string, string | undefined> }): EcsClients {
  if (deps.ecsClients) return deps.ecsClients;
  const settings = clientSettings(deps.env);
  created ??= { applicationAutoScaling: new ApplicationAutoScalingClient(settings), ecs: new ECSClient(settings) };
  return created;
}
