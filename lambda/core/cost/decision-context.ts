import type { BudgetPressure, CostAction, CostCapacityPlan, CostDecisionInput, CostState, OriginalSettings } from './types';

/** The cost state while a run decides (the codec and the caller see it read-only). */
export type MutableState = { -readonly [K in keyof CostState]: CostState[K] };
/** The original settings while a run decides. */
export type MutableOriginal = { -readonly [K in keyof OriginalSettings]: OriginalSettings[K] };

/**
 * What one run of the cost optimizer works on: its input, the state and originals it updates, the
 * plan and pressure it decided from, the bounds it keeps to, and the actions and notes it emits
 * (in order).
 */
export interface DecisionContext {
  readonly input: CostDecisionInput;
  readonly st: MutableState;
  readonly orig: MutableOriginal;
  readonly plan: CostCapacityPlan;
  readonly pressure: BudgetPressure;
  /** The most the controller ever sets MaxSize to: the original MaxSize. */
  readonly restoreMax: number;
  /** The least the controller ever sets MaxSize to: the SLO floor, or the original MaxSize when lower. */
  readonly floor: number;
  /** How far one budget step moves the cap. */
  readonly capStep: number;
  readonly actions: CostAction[];
  readonly notes: string[];
}

/** Whether the state holds any override of the original settings. */
export function hasOverrides(s: CostState): boolean {
  return (
    s.cap !== undefined ||
    s.floor !== undefined ||
    s.targetUtilization !== undefined ||
    s.onDemandPercent !== undefined ||
    s.offHoursCapacity !== undefined
  );
}

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** A number with one decimal, for reasons and notes. */
export const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
