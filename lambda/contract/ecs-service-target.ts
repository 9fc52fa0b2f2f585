/**
 * The ECS service a scaler plans tasks for, instead of an Auto Scaling group's instances: the
 * `PredictiveScaler` construct renders it (prop `ecsService`) and the handler parses it. The
 * service's scalable target (Application Auto Scaling, namespace `ecs`, dimension
 * `ecs:service:DesiredCount`, resource id `service/<cluster>/<service>`) is what the handler
 * writes; the instances follow through the cluster's capacity provider with managed scaling.
 */

/** Environment variable that holds the ECS service target (JSON), when the scaler plans tasks. */
export const ECS_SERVICE_TARGET_ENV = 'ECS_SERVICE_TARGET';

/** The scalable dimension of an ECS service's task count. */
export const ECS_SCALABLE_DIMENSION = 'ecs:service:DesiredCount';

/** The service, by its cluster's and its own name. */
export interface EcsServiceTarget {
  readonly cluster: string;
  readonly service: string;
}

/** The service's Application Auto Scaling resource id, `service/<cluster>/<service>`. */
export function ecsResourceId(t: EcsServiceTarget): string {
  return `service/${t.cluster}/${t.service}`;
}

/** Parses the variable; undefined when it is unset (the scaler plans a group), an error when malformed. */
export function parseEcsServiceTarget(value: string | undefined): EcsServiceTarget | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const o = parsed as Partial<Record<keyof EcsServiceTarget, unknown>> | undefined;
  const ok = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(s);
  if (!o || typeof o !== 'object' || !ok(o.cluster) || !ok(o.service)) {
    throw Object.assign(new Error(`${ECS_SERVICE_TARGET_ENV} must be JSON {"cluster": name, "service": name} (from prop ecsService), got ${value}`), {
      name: 'ConfigError',
    });
  }
  return { cluster: o.cluster, service: o.service };
}
