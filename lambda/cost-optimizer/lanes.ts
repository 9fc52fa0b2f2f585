/**
 * The cost optimizer stays in its lane: it acts only under the group's lease (never at the same
 * time as the predictive scaler), not while an operator holds the group (the pause tag, or bounds
 * no controller wrote), and only on data it can believe (a CPU datapoint is a percentage).
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { PAUSE_TAG_KEY } from '../contract/coordination';
import { type OperatorHold, operatorHold, pauseHold } from '../core/capacity';
import type { CostCapacityPlan, CostState, UtilizationSample } from '../core/cost';
import { acquireLease, coordinationFromEnv, isBusy, type Lease, type LeaseBusy } from '../shared/coordination';
import type { OptimizerConfig } from './config';
import type { CostDependencies } from './run-types';

/** The run's lease on the group, `busy` when the predictive scaler held it on every try, or undefined without a coordination table. */
export async function takeLease(c: OptimizerConfig, deps: CostDependencies): Promise<Lease | LeaseBusy | undefined> {
  const co = coordinationFromEnv(deps.env);
  if (!co || !deps.dynamoDb) return undefined;
  return acquireLease({
    ddb: deps.dynamoDb,
    table: co.table,
    groupName: c.groupName,
    owner: 'cost-optimizer',
    wallClock: deps.wallClock,
    leaseMs: co.leaseMs,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
}
export { isBusy };

/**
 * Utilization datapoints that can be believed: CPU a percentage in [0, 100], instances a finite
 * count. Anything else (a `Number.MAX_VALUE` from a broken agent) is dropped, never planned on.
 */
export function plausibleSamples(samples: readonly UtilizationSample[]): { kept: UtilizationSample[]; dropped: number } {
  const kept = samples.filter(
    (s) =>
      Number.isFinite(s.t) &&
      Number.isFinite(s.cpuPercent) &&
      s.cpuPercent >= 0 &&
      s.cpuPercent <= 100 &&
      (s.instances === undefined || (Number.isFinite(s.instances) && s.instances >= 0 && s.instances <= 100_000)),
  );
  return { kept, dropped: samples.length - kept.length };
}

/** The operator's hold on the group, if any (needs the construct's baseline to tell an operator's bounds from the user's). */
export function holdOf(
  c: OptimizerConfig,
  group: AutoScalingGroup,
  now: number,
  state: CostState | undefined,
  untrustedMaxSizes: readonly number[],
): OperatorHold | undefined {
  const pauseTag = group.Tags?.find((t) => t.Key === PAUSE_TAG_KEY)?.Value;
  if (!c.baseline) {
    // Without the baseline an operator's bounds are adopted as the originals (reconcile); the pause still holds.
    return pauseTag !== undefined ? pauseHold(pauseTag) : undefined;
  }
  const controllerMaxSizes = [
    ...(state?.writtenMaxSizes ?? []),
    ...(state?.cap !== undefined ? [state.cap] : []),
    ...(state?.offHoursCapacity !== undefined ? [state.offHoursCapacity] : []),
    ...untrustedMaxSizes,
  ];
  const intent = {
    ...(state?.cap !== undefined ? { budgetCap: state.cap } : {}),
    ...(state?.offHoursCapacity !== undefined ? { offHoursFloor: state.offHoursCapacity } : {}),
  };
  return operatorHold({
    at: now,
    baseline: c.baseline,
    live: { minSize: group.MinSize!, maxSize: group.MaxSize! },
    ...(pauseTag !== undefined ? { pauseTag } : {}),
    controllerMaxSizes,
    intent,
  });
}

/**
 * What the optimizer publishes while an operator holds the group: the overrun the month heads for
 * with the group as the operator left it (the forecast over the limit), or the plan's own.
 */
export function heldOverrunPercent(plan: CostCapacityPlan): number {
  const over = plan.forecastPercentOfLimit !== undefined ? plan.forecastPercentOfLimit - 100 : 0;
  return Math.max(0, Math.round(Math.max(over, plan.forecastOverrunPercent ?? 0) * 10) / 10);
}
