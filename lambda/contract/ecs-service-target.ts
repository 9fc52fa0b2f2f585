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

/**
 * Why `prefix` cannot begin the scheduled action names of an ECS service's scalable target, or
 * undefined: Application Auto Scaling's ScheduledActionName may not contain ':', '/' or '|'
 * (EC2 Auto Scaling's may contain ':', which the prefix rule of a group allows).
 */
export function ecsActionPrefixProblem(prefix: string): string | undefined {
  const bad = [...new Set(prefix.match(/[:/|]/g) ?? [])];
  return bad.length
    ? `must not contain ${bad.map((c) => `'${c}'`).join(' or ')} with ecsService (Application Auto Scaling's scheduled action names may not), got '${prefix}'`
    : undefined;
}

/** Environment variable of the cost optimizer on an ECS service: how it caps the service's tasks (JSON). */
export const ECS_TASK_CAP_ENV = 'ECS_TASK_CAP';

/**
 * How the cost optimizer caps the tasks of a service whose group serves it alone: while the
 * group's MaxSize is held below its configured `groupMaxSize`, the scalable target's MaxCapacity is
 * `MaxSize x tasksPerInstance` (within `minCapacity`..`maxCapacity`); otherwise `maxCapacity`.
 */
export interface EcsTaskCap {
  readonly tasksPerInstance: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly groupMaxSize: number;
}

/** The task count the target's MaxCapacity should have while the group's MaxSize is `groupMaxSize`. */
export function cappedTasks(cap: EcsTaskCap, groupMaxSize: number): number {
  if (groupMaxSize >= cap.groupMaxSize) return cap.maxCapacity;
  return Math.max(cap.minCapacity, Math.min(cap.maxCapacity, Math.floor(groupMaxSize * cap.tasksPerInstance)));
}

/** Parses ECS_TASK_CAP; undefined when unset, an error when malformed. */
export function parseEcsTaskCap(value: string | undefined): EcsTaskCap | undefined {
  if (value === undefined || value === '') return undefined;
  let o: Partial<Record<keyof EcsTaskCap, unknown>> | undefined;
  try {
    o = JSON.parse(value) as typeof o;
  } catch {
    o = undefined;
  }
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (
    !o ||
    typeof o.tasksPerInstance !== 'number' ||
    !(o.tasksPerInstance > 0) ||
    !count(o.minCapacity) ||
    !count(o.maxCapacity) ||
    !count(o.groupMaxSize) ||
    o.minCapacity > o.maxCapacity
  ) {
    throw Object.assign(
      new Error(
        `${ECS_TASK_CAP_ENV} must be JSON {"tasksPerInstance" > 0, "minCapacity" <= "maxCapacity", "groupMaxSize"} (from prop ecsService), got ${value}`,
      ),
      { name: 'ConfigError' },
    );
  }
  return { tasksPerInstance: o.tasksPerInstance, minCapacity: o.minCapacity, maxCapacity: o.maxCapacity, groupMaxSize: o.groupMaxSize };
}
