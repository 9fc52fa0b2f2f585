/**
 * The cost optimizer's configuration, parsed through the settings contract
 * (`lambda/contract/cost-optimizer.ts`) that the `CostOptimizer` construct renders with: a value
 * the construct accepts is a value this accepts. A bad value is a ConfigError naming the variable
 * and the prop; the run then changes nothing.
 */
import type { GroupBaseline } from '../contract/group-baseline';
import {
  type BudgetScopeName,
  COST_OPTIMIZER_ENV,
  type RunMode,
  type SpendSourceName,
  type VerticalEnv,
  parseCostOptimizerEnv,
} from '../contract/cost-optimizer';
import type { CostPolicy } from '../core/cost';

export type { RunMode, VerticalEnv };
export type SpendSource = SpendSourceName;

export interface OptimizerConfig {
  readonly groupName: string;
  readonly accountId: string;
  readonly budgetName: string;
  /** Used when the budget has no BudgetLimit (never for a COST budget in practice). */
  readonly budgetLimit?: number;
  readonly spendSource: SpendSource;
  /** Whose spend the budget counts: the service's (tagged) or the whole account's. */
  readonly budgetScope: BudgetScopeName;
  /** Cost allocation tag filter for Cost Explorer. */
  readonly costTag?: { readonly key: string; readonly value: string };
  readonly mode: RunMode;
  /** Launch template the controller may version (vertical); others are never touched. */
  readonly launchTemplateId?: string;
  /** Manage the group's CPU target tracking policy's target (when the policy has a band). */
  readonly manageTargetTracking: boolean;
  readonly utilizationPeriodSeconds: number;
  readonly stateTagKey: string;
  /** Instance refresh MinHealthyPercentage. */
  readonly refreshMinHealthyPercent: number;
  /**
   * The group's configured MinSize, MaxSize, instance type and own scheduled actions, handed down
   * by the construct (absent only in an environment written before GROUP_BASELINE).
   */
  readonly baseline?: GroupBaseline;
  readonly policy: CostPolicy;
}

/** The environment variables the handler reads (set by the `CostOptimizer` construct). */
export const ENV = COST_OPTIMIZER_ENV;

const SECOND = 1000;

export function loadConfig(env: Record<string, string | undefined>): OptimizerConfig {
  const s = parseCostOptimizerEnv(env);
  const policy: CostPolicy = {
    floorCapacity: s.floorCapacity,
    emergencyUtilizationPercent: s.emergencyUtilizationPercent,
    loadLookbackMs: s.loadLookbackSeconds * SECOND,
    tightenAbovePercent: s.tightenAbovePercent,
    restoreBelowPercent: s.restoreBelowPercent,
    capStepPercent: s.capStepPercent,
    budgetStepIntervalMs: s.budgetStepIntervalSeconds * SECOND,
    minChangePercent: s.minChangePercent,
    maxChangesPerDay: s.maxChangesPerDay,
    budgetMode: s.budgetMode,
    ...(s.targetUtilization ? { targetUtilization: { ...s.targetUtilization } } : {}),
    ...(s.spot ? { spot: { ...s.spot } } : {}),
    ...(s.workingHours
      ? {
          offHours: {
            workingHours: { ...s.workingHours, days: [...s.workingHours.days] },
            restoreLeadMs: s.restoreLeadSeconds * SECOND,
          },
        }
      : {}),
    vertical: s.vertical
      ? {
          ladder: [...s.vertical.instanceTypes],
          lowerPercent: s.vertical.lowerUtilizationPercent,
          upperPercent: s.vertical.upperUtilizationPercent,
          windowMs: s.vertical.evaluationWindowSeconds * SECOND,
          minIntervalMs: s.vertical.minIntervalSeconds * SECOND,
        }
      : undefined,
  };
  return {
    groupName: s.groupName,
    accountId: s.accountId,
    budgetName: s.budgetName,
    ...(s.budgetLimit !== undefined ? { budgetLimit: s.budgetLimit } : {}),
    spendSource: s.spendSource,
    budgetScope: s.budgetScope,
    ...(s.costTag ? { costTag: s.costTag } : {}),
    mode: s.mode,
    launchTemplateId: s.launchTemplateId,
    manageTargetTracking: s.targetUtilization !== undefined,
    utilizationPeriodSeconds: s.utilizationPeriodSeconds,
    stateTagKey: s.stateTagKey,
    refreshMinHealthyPercent: s.refreshMinHealthyPercent,
    ...(s.baseline ? { baseline: s.baseline } : {}),
    policy,
  };
}
