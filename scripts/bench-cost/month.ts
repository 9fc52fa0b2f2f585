/**
 * One simulated month of a load series through the core's group model
 * (`lambda/core/backtest/simulate-group.ts`), with or without the cost optimizer's pure core
 * (`decideCost`) deciding every simulated hour. Used by `npm run bench:cost` and its tests.
 *
 * - the group: one instance serves `capacityPerInstance` load units per step at 100% CPU, chosen
 *   from the series itself (its 99th percentile needs {@link P99_INSTANCES} instances at the 50%
 *   target), MinSize 2, MaxSize 20, CPU target tracking at 50% (3 steps above to scale out, 15
 *   below to scale in), a 5-minute launch lead;
 * - cost: instances paid (serving and launching) x the price per instance-hour in force;
 * - AWS Budgets: the actual spend is the simulated spend; its forecast, refreshed every 8 hours, is
 *   the spend plus the mean hourly spend of the last 7 days times the hours left;
 * - the optimizer: at the top of each hour, `decideCost` with the budget, the group, 5-minute CPU
 *   and in-service samples of the last 7 days, the hourly usage history of the last 35 days and
 *   its own state; its actions apply to the simulated group at once.
 */
import { type GroupControl, type GroupControlView, simulateGroup } from '../../lambda/core/backtest/simulate-group';
import {
  type CostDecision,
  type CostDecisionInput,
  type CostPolicy,
  type CostState,
  decideCost,
  type UtilizationSample,
} from '../../lambda/core/cost';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MONTH_DAYS = 30;
/** The series' 99th percentile needs this many instances at the 50% target. */
export const P99_INSTANCES = 13;
export const PRICE_PER_HOUR = 0.192; // USD, on-demand m5.xlarge in us-east-1
export const MIN_SIZE = 2;
export const MAX_SIZE = 20;
export const TARGET = 50;
const LAUNCH_LEAD_S = 300;
const FORECAST_REFRESH_H = 8;

/** The CostOptimizer construct's defaults, with a CPU target band up to 90% and a floor of 2. */
export function benchPolicy(
  mode: 'hard' | 'availability-first',
  planMarginPercent?: number,
  minChangePercent?: number,
  maxChangesPerDay?: number,
  floorGainPercent?: number,
): CostPolicy {
  return {
    budgetMode: mode,
    ...(floorGainPercent !== undefined ? { floorGainPercent } : {}),
    ...(minChangePercent !== undefined ? { minChangePercent } : {}),
    ...(maxChangesPerDay !== undefined ? { maxChangesPerDay } : {}),
    ...(planMarginPercent !== undefined ? { planMarginPercent } : {}),
    floorCapacity: 2,
    emergencyUtilizationPercent: 90,
    loadLookbackMs: 7 * DAY,
    tightenAbovePercent: 100,
    restoreBelowPercent: 95,
    capStepPercent: 10,
    budgetStepIntervalMs: 12 * HOUR,
    targetUtilization: { maxPercent: 90, stepPercent: 5 },
  };
}

/** A month of the series: one value per step, `NaN` where no data (gaps stay gaps). */
export interface MonthSeries {
  readonly start: number;
  readonly stepSeconds: number;
  readonly values: Float64Array;
  /** Steps filled from whole weeks earlier (a trace shorter than the month repeats by weeks). */
  readonly filled: number;
  /** Steps with no data at all (no week earlier holds one either). */
  readonly gaps: number;
}

/**
 * The first {@link MONTH_DAYS} days from the series' start; a step the series lacks takes the
 * value of the same step a whole number of weeks earlier when one holds data, else stays `NaN`.
 */
export function monthOf(start: number, stepSeconds: number, values: ArrayLike<number>): MonthSeries {
  const n = Math.round((MONTH_DAYS * DAY) / (stepSeconds * 1000));
  const week = Math.round((7 * DAY) / (stepSeconds * 1000));
  const out = new Float64Array(n).fill(NaN);
  let filled = 0;
  let gaps = 0;
  for (let i = 0; i < n; i++) {
    const v = i < values.length ? values[i] : NaN;
    if (Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    for (let j = i - week; j >= 0; j -= week) {
      if (Number.isFinite(out[j])) {
        out[i] = out[j];
        filled++;
        break;
      }
    }
    if (!Number.isFinite(out[i])) gaps++;
  }
  return { start, stepSeconds, values: out, filled, gaps };
}

/** Load one instance serves per step at 100% CPU, scaled from the series (any scale of values). */
export function capacityPerInstance(values: ArrayLike<number>): number {
  const finite = Array.from(values)
    .filter((v) => Number.isFinite(v) && v > 0)
    .sort((a, b) => a - b);
  if (finite.length === 0) return 1;
  const p99 = finite[Math.min(finite.length - 1, Math.floor(finite.length * 0.99))];
  return p99 / (P99_INSTANCES * (TARGET / 100));
}

export interface MonthOptions {
  /** Budget limit; with `mode`, the optimizer runs. */
  readonly budget?: number;
  readonly mode?: 'hard' | 'availability-first';
  /** A static CPU target (percent) instead of 50%. */
  readonly staticTarget?: number;
  /** A constant fleet: MinSize = MaxSize = this many instances all month (no target tracking effect). */
  readonly fleet?: number;
  readonly planMarginPercent?: number;
  /** The level's floor gain (percent). @default the core's */
  readonly floorGainPercent?: number;
  /** The no-churn band (percent of the money left). @default the core's */
  readonly minChangePercent?: number;
  /** The daily limit of budget changes. @default the core's */
  readonly maxChangesPerDay?: number;
  /** Price per instance-hour at an instant. @default {@link PRICE_PER_HOUR} */
  readonly price?: (t: number) => number;
  /** Load units one instance serves per step at 100% CPU. @default from the series */
  readonly capacityPerInstance?: number;
  /** Withhold the usage history from the optimizer (threshold fallback). */
  readonly withoutUsageHistory?: boolean;
  /** Called with every decision (tests, diagnostics). */
  readonly onDecision?: (input: CostDecisionInput, decision: CostDecision) => void;
}

export interface MonthResult {
  readonly spend: number;
  readonly totalLoad: number;
  readonly unservedLoad: number;
  readonly unservedPct: number;
  readonly actions: number;
  readonly lowestCap: number;
  readonly highestTarget: number;
  /** Highest forecastOverrunPercent the optimizer reported. */
  readonly maxOverrunPercent: number;
  /** Changes of MaxSize, MinSize (the level's floor), CPU target, Spot share or instance type the optimizer made in the month. */
  readonly boundChanges: number;
}

/** Simulates the month; see the module comment. */
export function simulateMonth(month: MonthSeries, opts: MonthOptions = {}): MonthResult {
  const { start, stepSeconds, values } = month;
  const n = values.length;
  const stepMs = stepSeconds * 1000;
  const periodEnd = start + n * stepMs;
  const price = opts.price ?? (() => PRICE_PER_HOUR);
  const perInstance = opts.capacityPerInstance ?? capacityPerInstance(values);
  const stepsPerHour = Math.max(1, Math.round(HOUR / stepMs));
  const stepsPerSample = Math.max(1, Math.round(300_000 / stepMs));
  const optimizer = opts.budget !== undefined && opts.mode !== undefined;
  const policy = optimizer
    ? benchPolicy(opts.mode, opts.planMarginPercent, opts.minChangePercent, opts.maxChangesPerDay, opts.floorGainPercent)
    : undefined;

  let spend = 0;
  const hourlySpend: number[] = [];
  let hourSpend = 0;
  let forecast = 0;
  let state: CostState | undefined;
  let actions = 0;
  let lowestCap = MAX_SIZE;
  let highestTarget = opts.staticTarget ?? TARGET;
  let maxOverrun = 0;
  let boundChanges = 0;
  const samples: UtilizationSample[] = [];
  const hourly: UtilizationSample[] = [];
  const acc = { busy: 0, inst: 0, k: 0, busyH: 0, instH: 0, kH: 0 };

  const control = (v: GroupControlView): GroupControl | void => {
    const t = start + v.step * stepMs;
    const cost = (v.serving + v.launching) * price(t) * (stepSeconds / 3600);
    spend += cost;
    hourSpend += cost;
    if (Number.isFinite(v.load) && v.serving > 0) {
      const busy = Math.min(v.load / perInstance, v.serving);
      acc.busy += busy;
      acc.inst += v.serving;
      acc.k++;
      acc.busyH += busy;
      acc.instH += v.serving;
      acc.kH++;
    }
    const next = v.step + 1;
    if (next % stepsPerSample === 0) {
      if (acc.k > 0)
        samples.push({ t: start + (next - stepsPerSample) * stepMs, cpuPercent: (acc.busy / acc.inst) * 100, instances: acc.inst / acc.k });
      acc.busy = 0;
      acc.inst = 0;
      acc.k = 0;
    }
    if (next % stepsPerHour !== 0) return undefined;
    const now = start + next * stepMs;
    if (acc.kH > 0) hourly.push({ t: now - HOUR, cpuPercent: (acc.busyH / acc.instH) * 100, instances: acc.instH / acc.kH });
    acc.busyH = 0;
    acc.instH = 0;
    acc.kH = 0;
    hourlySpend.push(hourSpend);
    hourSpend = 0;
    if (hourlySpend.length % FORECAST_REFRESH_H === 0) {
      const recent = hourlySpend.slice(-7 * 24);
      forecast = spend + (recent.reduce((a, b) => a + b, 0) / recent.length) * ((periodEnd - now) / HOUR);
    }
    if (!optimizer || next >= n) return undefined;
    while (samples.length && samples[0].t < now - 7 * DAY) samples.shift();
    while (hourly.length && hourly[0].t < now - 35 * DAY) hourly.shift();
    const target = v.targetUtilization * 100;
    const input: CostDecisionInput = {
      now,
      budget: { limit: opts.budget, actualSpend: spend, forecastedSpend: forecast > 0 ? forecast : undefined, periodStart: start, periodEnd },
      group: { minSize: v.minSize, maxSize: v.maxSize, desiredCapacity: v.desired, targetUtilization: Math.round(target * 1000) / 1000 },
      utilization: samples,
      utilizationPeriodSeconds: stepsPerSample * stepSeconds,
      ...(opts.withoutUsageHistory ? {} : { usageHistory: hourly }),
      policy: policy!,
      state,
    };
    const d = decideCost(input);
    opts.onDecision?.(input, d);
    state = d.state;
    maxOverrun = Math.max(maxOverrun, d.plan.forecastOverrunPercent ?? 0);
    const out: { targetUtilization?: number; minSize?: number; maxSize?: number; desired?: number } = {};
    for (const a of d.actions) {
      actions++;
      if (a.kind === 'set-capacity' && (a.maxSize !== v.maxSize || a.minSize !== v.minSize)) boundChanges++;
      if (a.kind === 'set-target-utilization' && Math.abs(a.percent - target) > 1e-9) boundChanges++;
      if (a.kind === 'set-on-demand-percent' || a.kind === 'change-instance-type') boundChanges++;
      if (a.kind === 'set-capacity') {
        out.minSize = a.minSize;
        out.maxSize = a.maxSize;
        if (a.desiredCapacity !== undefined) out.desired = a.desiredCapacity;
        lowestCap = Math.min(lowestCap, a.maxSize);
      }
      if (a.kind === 'set-target-utilization') {
        out.targetUtilization = a.percent / 100;
        highestTarget = Math.max(highestTarget, a.percent);
      }
    }
    return out;
  };

  const r = simulateGroup(
    values,
    start,
    stepSeconds,
    {
      capacityPerInstance: perInstance,
      targetUtilization: (opts.staticTarget ?? TARGET) / 100,
      minCapacity: opts.fleet ?? MIN_SIZE,
      maxCapacity: opts.fleet ?? MAX_SIZE,
      ...(opts.fleet !== undefined ? { initialCapacity: opts.fleet } : {}),
      launchLeadSeconds: LAUNCH_LEAD_S,
    },
    undefined,
    0,
    control,
  );
  return {
    spend,
    totalLoad: r.totalLoad,
    unservedLoad: r.unservedLoad,
    unservedPct: r.totalLoad > 0 ? (r.unservedLoad / r.totalLoad) * 100 : 0,
    actions,
    lowestCap,
    highestTarget,
    maxOverrunPercent: maxOverrun,
    boundChanges,
  };
}

/** The hindsight yardstick: the better (least unserved) of the best static CPU target and the best constant fleet that fit the budget. */
export type Hindsight =
  | { readonly kind: 'target'; readonly target: number; readonly result: MonthResult; readonly fleet?: { size: number; result: MonthResult } }
  | { readonly kind: 'fleet'; readonly fleet: { size: number; result: MonthResult }; readonly result: MonthResult; readonly target?: number }
  | { readonly kind: 'none'; readonly reason: string };

/** The lowest whole CPU target in [50, 95] whose static month costs at most the budget (hindsight). */
export function hindsightTarget(
  month: MonthSeries,
  budget: number,
  opts: Pick<MonthOptions, 'price' | 'capacityPerInstance'> = {},
): { target: number; result: MonthResult } | undefined {
  for (let t = TARGET; t <= 95; t++) {
    const r = simulateMonth(month, { ...opts, staticTarget: t });
    if (r.spend <= budget) return { target: t, result: r };
  }
  return undefined;
}

/**
 * The largest constant fleet in [MinSize, MaxSize] whose month costs at most the budget (spend
 * grows with the fleet: a binary search); undefined when MinSize alone overruns it.
 */
export function hindsightFleet(
  month: MonthSeries,
  budget: number,
  opts: Pick<MonthOptions, 'price' | 'capacityPerInstance'> = {},
): { size: number; result: MonthResult } | undefined {
  const at = (n: number) => simulateMonth(month, { ...opts, fleet: n });
  let best: { size: number; result: MonthResult } | undefined;
  let lo = MIN_SIZE;
  let hi = MAX_SIZE;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const r = at(mid);
    if (r.spend <= budget) {
      best = { size: mid, result: r };
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/**
 * The hindsight yardstick (an oracle: it knows the whole month): the better of the best single CPU
 * target and the best constant fleet size that fit the month's money; with the reason when none does.
 */
export function hindsightStatic(month: MonthSeries, budget: number, opts: Pick<MonthOptions, 'price' | 'capacityPerInstance'> = {}): Hindsight {
  const target = hindsightTarget(month, budget, opts);
  const fleet = hindsightFleet(month, budget, opts);
  if (!target && !fleet) {
    const minOnly = simulateMonth(month, { ...opts, fleet: MIN_SIZE });
    return {
      kind: 'none',
      reason: `MinSize ${MIN_SIZE} alone costs ${((minOnly.spend / budget) * 100).toFixed(1)}% of the budget all month; no CPU target up to 95% fits either`,
    };
  }
  if (target && (!fleet || target.result.unservedPct <= fleet.result.unservedPct)) {
    return { kind: 'target', target: target.target, result: target.result, ...(fleet ? { fleet } : {}) };
  }
  return { kind: 'fleet', fleet: fleet!, result: fleet!.result, ...(target ? { target: target.target } : {}) };
}
