import type { MutableState } from './decision-context';
import { forecastSpend, type SpendForecast, usageHistoryStart } from './spend-forecast';
import { lossAt, sampleLoads } from './level-choice';
import { planSpend, type SpendPlan } from './spend-plan';
import type { CostCapacityPlan, CostDecisionInput, OriginalSettings } from './types';

const DEFAULT_PLANNING_UTILIZATION = 70;
const PRICE_MARK_REFRESH_MS = 48 * 3_600_000;
/**
 * When the history does not reach the period's start (a custom period across the new year), the
 * mark is the only price: it is kept four weeks (the history holds 35 days), not renewed every two days.
 */
const PRICE_MARK_KEEP_MS = 28 * 24 * 3_600_000;
/** The default of the policy's `minChangePercent`. */
export const DEFAULT_MIN_CHANGE_PERCENT = 4;
/** The default of the policy's `floorGainPercent` (the value `npm run bench:cost` chooses on all the shared traces). */
export const DEFAULT_FLOOR_GAIN_PERCENT = 10;

/** The spend plan from the usage history, with the capacity plan it reports and the original CPU target it plans from. */
export interface UsagePlan {
  readonly plan: SpendPlan;
  readonly capacityPlan: CostCapacityPlan;
  readonly baseTarget: number;
  /** The forecast the plan was made on. */
  readonly forecast: SpendForecast;
}

/**
 * The spend plan from the usage history, when there is a day of it with load and a price can be
 * learned (spend and instance-hours of one window: the period to date, or since the price mark);
 * undefined otherwise (the threshold steps on the Budgets forecast then decide). Updates the price
 * mark in the state.
 */
export function planFromUsage(input: CostDecisionInput, orig: OriginalSettings, base: CostCapacityPlan, st: MutableState): UsagePlan | undefined {
  const { budget, policy, group, now } = input;
  if (!budget || !input.usageHistory || input.usageHistory.length === 0 || !(budget.limit > 0)) return undefined;
  const baseTarget = orig.targetUtilization ?? group.targetUtilization ?? policy.planningUtilizationPercent ?? DEFAULT_PLANNING_UTILIZATION;
  const currentTarget = group.targetUtilization ?? baseTarget;
  const mark = st.priceMark && st.priceMark.t >= budget.periodStart && st.priceMark.t < now ? st.priceMark : undefined;
  const f = forecastSpend({
    // The handler reads the usage history from here (observe.ts, readUsageHistory).
    historyStart: usageHistoryStart(now),
    now,
    periodStart: budget.periodStart,
    periodEnd: budget.periodEnd,
    actualSpend: budget.actualSpend,
    budgetsForecast: budget.forecastedSpend,
    history: input.usageHistory,
    currentTargetPercent: currentTarget,
    minimumInstances: Math.min(orig.minSize, orig.maxSize),
    priceMark: mark,
    ...(st.targetMean ? { historyTargetPercent: st.targetMean.percent } : {}),
  });
  const markAge = f.periodReached ? PRICE_MARK_REFRESH_MS : PRICE_MARK_KEEP_MS;
  const newMark = () => {
    st.priceMark = { t: now, spend: budget.actualSpend, instanceHours: f.instanceHoursToDate };
  };
  if (f.historyDays < 1 || f.hours.length === 0) return undefined;
  if (!(f.pricePerInstanceHour > 0)) {
    // The history does not reach the period's start and no mark is usable yet: a mark now gives
    // the price from 12 hours on (one that cannot serve, too old or above the spend, is replaced).
    if (!f.periodReached && (!mark || now - mark.t >= markAge || budget.actualSpend < mark.spend)) newMark();
    return undefined;
  }
  if (!mark || now - mark.t >= markAge) newMark();
  const mode = policy.budgetMode ?? 'hard';
  const loads = sampleLoads(input.utilization);
  const emergency = policy.emergencyUtilizationPercent / 100;
  const next24 = f.load.slice(0, 24);
  const forecastNeed = next24.length ? Math.ceil(Math.max(...next24) / emergency - 1e-9) : 0;
  const loadNeedCap = Math.max(base.minimumCapForLoad ?? 0, forecastNeed);
  const maxTarget =
    policy.targetUtilization && group.targetUtilization !== undefined ? Math.max(baseTarget, policy.targetUtilization.maxPercent) : baseTarget;
  const plan = planSpend({
    forecast: f,
    limit: budget.limit,
    actualSpend: budget.actualSpend,
    mode,
    baseTargetPercent: baseTarget,
    maxTargetPercent: maxTarget,
    maxSize: orig.maxSize,
    floor: Math.min(policy.floorCapacity, orig.maxSize),
    loadNeedCap,
    margin: (policy.planMarginPercent ?? 2) / 100,
    currentInstances: group.desiredCapacity,
    current: {
      targetPercent: maxTarget > baseTarget ? currentTarget : baseTarget,
      ...(st.cap !== undefined ? { cap: st.cap } : {}),
      ...(st.floor !== undefined && group.minSize === st.floor ? { floor: st.floor } : {}),
    },
    minimumInstances: Math.min(orig.minSize, orig.maxSize),
    lossAt: (t, floor) => lossAt(loads, f.headroom, t, floor),
    floorGain: (policy.floorGainPercent ?? DEFAULT_FLOOR_GAIN_PERCENT) / 100,
    minChange: (policy.minChangePercent ?? DEFAULT_MIN_CHANGE_PERCENT) / 100,
  });
  const capacityPlan: CostCapacityPlan = {
    ...base,
    expectedMonthEndCost: plan.uncontrolledMonthEnd,
    forecastSource: 'usage-history',
    forecastPercentOfLimit: (plan.uncontrolledMonthEnd / budget.limit) * 100,
    budgetMode: mode,
    plannedMonthEndCost: plan.plannedMonthEnd,
    forecastOverrunPercent: plan.overrunPercent,
    plannedTargetPercent: plan.targetPercent,
    ...(plan.cap !== undefined ? { plannedCap: plan.cap } : {}),
    plannedInstancesNext24h: plan.hourlyInstances.slice(0, 24).map((n) => Math.round(n * 10) / 10),
    pricePerInstanceHour: f.pricePerInstanceHour,
    trendPerDay: f.trendPerDay,
    planReason: plan.reason,
  };
  return { plan, capacityPlan, baseTarget, forecast: f };
}
