import {
  type Headroom,
  HeadroomScratch,
  learnHeadroom,
  replayBuffer,
  replayCapacity,
  replayContext,
  type ReplayedPlan,
  replayPlan,
} from './forecast/forecast-errors';
import { buildProfiles, FittedModel, type ForecastModelSpec, type SeasonalProfiles, WindowMedians } from './forecast/forecast-model';
import { movingMedian, quantileInPlace } from './forecast/robust-stats';
import { measureRealized, type RealizedOutcome } from './forecast/realized-outcome';
import { detectSeasonality, type Seasonality } from './forecast/seasonality';
import { cleanSeries } from './forecast/series';
import type { PlanInput, PlanOutput, PlannedAction } from './plan-types';

/**
 * The share of the load the planner lets exceed capacity (at 100% utilization) when no
 * `unservedBudget` is given: 0.03%. Chosen from the frontier measured on the benchmark traces
 * (docs/predictive-scaler.md): the largest budget of the measured ones whose achieved unserved
 * share on the shared traces stays within the project's bar (mean 0.02%).
 */
export const DEFAULT_PLANNER_UNSERVED_BUDGET = 3e-4;

/**
 * How much looser than the requested budget the planner's replay may be. The replay leaves out
 * some of what helps the group beyond the plan (rounding up to whole instances, the capacity
 * target tracking keeps until its scale-in), so it overstates the unserved load a little. 1 holds
 * the replay to the requested budget: with it every shared trace stayed within the budget at 0.1%
 * and 1%, while 3 took crane-app-2 to 2.4x the budget at 0.1% (leave-one-trace-out figures in
 * docs/predictive-scaler.md).
 */
export const DEFAULT_REPLAY_BUDGET_FACTOR = 1;

/**
 * Seconds of the recent past over which the realized unserved share is measured from
 * `capacityHistory`: the replay's own window (three days). 12 hours to 14 days were measured on the
 * 13 traces at 0.03% and 0.1%: every window within 0.013x of cost and 0.002 points of mean share,
 * and leave-one-trace-out leaning longer at both budgets for opposite reasons (docs/predictive-scaler.md,
 * "Sixth round").
 */
export const DEFAULT_REALIZED_WINDOW_SECONDS = 3 * 86_400;
/**
 * Half-life of the realized steering's memory of its misses (`PlannerOptions.realizedHalfLifeSeconds`):
 * 3 hours. Chosen by leave-one-trace-out over the 13 traces among off, 30 minutes, 1, 3, 6, 12 and
 * 24 hours at the default budget (3 hours for 12 traces); at 0.1%, where every setting keeps the
 * bar, it chose 30 minutes, 0.003x cheaper (docs/predictive-scaler.md, "Ninth round").
 */
export const DEFAULT_REALIZED_HALF_LIFE_SECONDS = 3 * 3600;
/**
 * The headroom grows by (the factor on the realized capacity that would have kept the budget) to
 * this power: 1 takes the whole step at once, less a part of it per plan. Chosen with
 * `DEFAULT_MAX_REALIZED_BOOST` by leave-one-trace-out over the 13 traces among off, (1, 1.5) and
 * (0.5, 1.25) (docs/predictive-scaler.md).
 */
export const DEFAULT_REALIZED_GAIN = 1;
/**
 * When the largest boost would still have left more than this share of the realized misses
 * unserved, they were jumps no headroom catches in time, and the realized share is not steered on.
 */
export const DEFAULT_REALIZED_REACHABLE_SHARE = 0.5;
/**
 * Whether a window whose realized misses are mostly unreachable jumps is still steered on its
 * reachable misses (`PlannerOptions.realizedSteerReachable`). Off: measured on the 13 traces and
 * not adopted (it fires on crane-app-6 alone, so leave-one-trace-out cannot choose it; see
 * docs/predictive-scaler.md, "Third round").
 */
export const DEFAULT_REALIZED_STEER_REACHABLE = false;
/**
 * Whether the jumps no boost serves spend the realized window's budget before the reachable misses
 * are steered on (`PlannerOptions.realizedJumpsSpendBudget`). Off: on the 13 traces (measured with the
 * unweighted window, before `DEFAULT_REALIZED_HALF_LIFE_SECONDS`) it meets the mean of issue 20 at
 * 0.03% (0.0496% at 1.183x the oracle) by acting on crane-app-6 (and crane-app-3,
 * dearer for the same share); leave-one-trace-out keeps it off for crane-app-6 at 0.03% and for
 * every trace at 0.1%, and it takes the four held-out traces from 1.491x to 1.519x
 * (docs/predictive-scaler.md, "Ninth round").
 */
export const DEFAULT_REALIZED_JUMPS_SPEND_BUDGET = false;
/**
 * The largest factor the realized outcome may raise the headroom by (see `DEFAULT_REALIZED_GAIN`).
 * 2 and 3 were measured and not adopted: they act on crane-app-6 and make the other traces dearer
 * (docs/predictive-scaler.md, "Sixth round").
 */
export const DEFAULT_MAX_REALIZED_BOOST = 1.5;

/**
 * Half-width of the same-phase window the history-peak cap follows (one hour). Chosen with
 * `DEFAULT_PHASE_CAP_TOLERANCE` by leave-one-trace-out over the 13 traces (docs/predictive-scaler.md).
 */
export const DEFAULT_PHASE_CAP_SECONDS = 3600;
/**
 * How far above its same-phase cap the recent load may have gone (in budgets) for the plan to use
 * it: chosen by leave-one-trace-out over the 13 traces among off, 1, 3, 10 and 30
 * (docs/predictive-scaler.md).
 */
export const DEFAULT_PHASE_CAP_TOLERANCE = 10;

/**
 * Half-life of the replay's memory of its misses (`PlannerOptions.replayHalfLifeSeconds`): 0, every
 * replayed outcome of the window weighs the same. One day was measured on the 13 traces and not
 * adopted: leave-one-trace-out chooses it at the 0.03% budget but not at 0.1%, where it makes the
 * four held-out traces dearer (docs/predictive-scaler.md, "Fourth round").
 */
export const DEFAULT_REPLAY_HALF_LIFE_SECONDS = 0;
/**
 * The largest factor the metric's own record of jumps may raise the history-peak cap by
 * (`PlannerOptions.jumpCapMaxFactor`): 1, the cap is the history's highest load. 2 was measured on
 * crane-app-6 and not adopted: 2.146x to 2.831x the oracle for 0.502% to 0.497% unserved
 * (docs/predictive-scaler.md, "Fourth round").
 */
export const DEFAULT_JUMP_CAP_MAX_FACTOR = 1;

/**
 * Whether the daily profiles are also replayed unscaled (`PlannerOptions.unscaledProfiles`). Chosen
 * by leave-one-trace-out over the 13 traces at 0.03% and 0.1% (docs/predictive-scaler.md, "Fifth
 * round").
 */
export const DEFAULT_UNSCALED_PROFILES = true;

/**
 * Tuning of `planCapacity`. The one setting a user should need is `unservedBudget`; the planner
 * learns everything else (seasonality, level, headroom, whether to keep burst memory) from the
 * metric's own history and that budget.
 */
export interface PlannerOptions {
  /**
   * The risk budget: the share of the load (a fraction, 0.001 = 0.1%) that may exceed the planned
   * capacity at 100% utilization. Every headroom above the forecast at the target utilization is
   * sized from it and from the metric's replayed errors.
   * @default DEFAULT_PLANNER_UNSERVED_BUDGET (0.0003, i.e. 0.03%)
   */
  readonly unservedBudget?: number;
  /**
   * The replay's budget is `unservedBudget` times this factor (see `DEFAULT_REPLAY_BUDGET_FACTOR`).
   * @default DEFAULT_REPLAY_BUDGET_FACTOR
   */
  readonly replayBudgetFactor?: number;
  /**
   * Lower the desired capacity with the floor when the plan scales in (otherwise target
   * tracking scales in on its own after its scale-in period).
   * @default false
   */
  readonly scaleInWithDesiredCapacity?: boolean;
  /**
   * Seconds the forecast must stay low before the plan lowers the capacity floor.
   * @default 900
   */
  readonly scaleInDelaySeconds?: number;
  /**
   * Seconds of recent data the level (and the seasonal ratio) is the median of.
   * @default 1800
   */
  readonly levelWindowSeconds?: number;
  /**
   * Width in seconds of the centered moving median the seasonal profiles are built from (it takes
   * the minute-to-minute noise out of the same-phase values of earlier cycles).
   * @default 300
   */
  readonly smoothingSeconds?: number;
  /**
   * Seconds of history over which the planner replays its own forecasts to learn its errors.
   * @default 259200 (3 days)
   */
  readonly replaySeconds?: number;
  /**
   * Seconds after a load was seen during which the burst memory keeps the floor at what that load
   * needs at 100% utilization. The planner keeps the memory only where its replay shows it is
   * cheaper than a wider headroom for the same budget (bursts that come in clusters). 0 disables it.
   * @default 7200 (2 hours)
   */
  readonly burstMemorySeconds?: number;
  /**
   * Seconds of the recent past over which the realized unserved share is measured (with
   * `capacityHistory` in the input).
   * @default DEFAULT_REALIZED_WINDOW_SECONDS (3 days)
   */
  readonly realizedWindowSeconds?: number;
  /**
   * Seconds after which a step of the realized window counts half in the steering (its weight
   * halves every half-life, counted back from the latest step): the headroom follows the misses of
   * the last hours, and a miss steers less as it ages instead of holding the boost for the whole
   * window. 0: every step of the window weighs the same; otherwise at least 1 second.
   * The published realized share is not weighted.
   * @default DEFAULT_REALIZED_HALF_LIFE_SECONDS (3 hours)
   */
  readonly realizedHalfLifeSeconds?: number;
  /**
   * How hard the realized share steers: the headroom grows by the factor that would have kept the
   * budget to this power. 0 turns the steering off.
   * @default DEFAULT_REALIZED_GAIN
   */
  readonly realizedGain?: number;
  /**
   * Upper bound of the factor the realized outcome raises the headroom by.
   * @default DEFAULT_MAX_REALIZED_BOOST
   */
  readonly maxRealizedBoost?: number;
  /**
   * See `DEFAULT_REALIZED_REACHABLE_SHARE`.
   * @default DEFAULT_REALIZED_REACHABLE_SHARE
   */
  readonly realizedReachableShare?: number;
  /**
   * When the realized misses are mostly jumps beyond `maxRealizedBoost` (see
   * `realizedReachableShare`), still steer on the misses the boost would have served, held to the
   * budget of the whole window (the jumps left out). Off: such a window is not steered on.
   * @default DEFAULT_REALIZED_STEER_REACHABLE
   */
  readonly realizedSteerReachable?: boolean;
  /**
   * When the realized misses are mostly jumps beyond `maxRealizedBoost`, what the jumps leave
   * unserved even at that boost is spent from the window's budget first, and the reachable misses
   * are steered on against what is left of it (so `realizedSteerReachable` is implied): the promise
   * is on all of the load, so misses no headroom could have served make the others count more.
   * The boost then serves every reachable miss of the window, whatever its age: the half-life
   * (`realizedHalfLifeSeconds`) decides only whether the window is steered.
   * Off: measured on the 13 traces and not adopted (see `DEFAULT_REALIZED_JUMPS_SPEND_BUDGET`).
   * @default DEFAULT_REALIZED_JUMPS_SPEND_BUDGET
   */
  readonly realizedJumpsSpendBudget?: boolean;
  /**
   * Half-width in seconds of the same-phase window the history-peak cap follows: where the load of
   * the replay window stayed within the highest load of its own phase (+- this) over the 7 days
   * before it, up to `phaseCapTolerance` times the budget, the cap at each planned step is the
   * highest load of that phase over the last 7 days (at least the last `levelWindowSeconds`' highest
   * load), instead of the whole history's highest. 0 turns it off.
   * @default DEFAULT_PHASE_CAP_SECONDS
   */
  readonly phaseCapSeconds?: number;
  /**
   * The same-phase cap is used when the load above it over the replay window was at most this
   * many times the budget (a share of the load); above, the highs come from nowhere in particular
   * and the whole history's highest load stays the cap.
   * @default DEFAULT_PHASE_CAP_TOLERANCE
   */
  readonly phaseCapTolerance?: number;
  /**
   * Seconds after which a replayed miss counts half in the budget the headroom is sized for (its
   * weight halves every half-life, counted back from the latest replayed outcome): the headroom a
   * jump taught decays as the jump ages, instead of holding for the whole replay window. 0: every
   * outcome of the window weighs the same.
   * @default DEFAULT_REPLAY_HALF_LIFE_SECONDS
   */
  readonly replayHalfLifeSeconds?: number;
  /**
   * Upper bound of the factor by which the history-peak cap may rise above the history's highest
   * load, priced on the metric's own record of jumps: the smallest factor c for which the load that
   * went above c times the highest load seen before it (a launch lead time and target tracking's
   * three steps earlier, after the history's first day) stays within the budget of the history's
   * load. 1: the cap is the history's highest load.
   * @default DEFAULT_JUMP_CAP_MAX_FACTOR
   */
  readonly jumpCapMaxFactor?: number;
  /**
   * Also replay the daily profiles as they are (the median and the maximum of the same phase over
   * the last 7 days, not scaled to the recent level) as capacity models, in place of the
   * level-scaled maximum profiles. The replay keeps whichever model needs the least capacity for
   * the budget, so they plan only where the recent level says less about the next hour than the
   * time of day does (bursts at their usual hours). The published forecast still comes from the
   * level and the level-scaled median profiles. `false`: the models of 0.3.0 (level, level-scaled
   * median and maximum profiles).
   * @default DEFAULT_UNSCALED_PROFILES
   */
  readonly unscaledProfiles?: boolean;
}

/** Where the history-peak cap held the plan below what its replay asked for. */
export interface PeakCap {
  /** Whether the cap lowered the capacity of at least one planned step. */
  readonly bound: boolean;
  /**
   * The cap: what the highest load of the history needs at 100% utilization, in instances, times
   * `jumpFactor`.
   */
  readonly capInstances: number;
  /**
   * The factor the metric's record of jumps above its running peak raised the cap by (1 when it
   * did not, see `PlannerOptions.jumpCapMaxFactor`).
   */
  readonly jumpFactor: number;
  /**
   * Whether the cap followed the same phase of the last 7 days (`phaseCapSeconds`): the recent
   * highs recurred at their time of day, so the cap at each step is that phase's highest load.
   */
  readonly samePhase: boolean;
  /** The most instances the plan asks for over its steps, after the cap. */
  readonly plannedInstances: number;
  /** What the replay says the budget takes: the most instances without the cap. */
  readonly replayInstances: number;
}

/** What `explainPlan` reports beside the plan: why the planner did what it did. */
export interface PlanExplanation {
  readonly seasonality: Seasonality;
  /** The model the capacity is planned from (the cheapest for the budget in the replay). */
  readonly model: ForecastModelSpec;
  /** The model `plan.forecast` comes from (the smallest replayed absolute error). */
  readonly forecastModel: ForecastModelSpec;
  readonly headroom: Headroom;
  /** Multiplier on the forecast that the capacity is planned for, at 100% utilization. */
  readonly multiplier: number;
  /** The budget the replay was held to (`unservedBudget` x `replayBudgetFactor`). */
  readonly replayBudget: number;
  /** Capacity per step from the first plannable step, before anti-flap holding. */
  readonly need: number[];
  /** What the capacity history says the group really left unserved (with `capacityHistory`). */
  readonly realized?: RealizedOutcome;
  /** The history-peak cap, and whether it kept the plan below what the budget takes. */
  readonly peakCap: PeakCap;
  /**
   * The weight of "the same minute a day earlier" in `plan.forecast` (0, 0.5 or 1: the one of the
   * model, the seasonal naive forecast and their mean with the smallest replayed error).
   */
  readonly seasonalNaiveWeight: number;
  /**
   * Plain sentences for the log: a budget the cap keeps out of reach, a realized share above the
   * budget, a capacity history that contradicts `capacityPerInstance`.
   */
  readonly notes: string[];
}

const DAY_S = 86_400;

/**
 * Plans the capacity of a group from its load history (pure and synchronous).
 *
 * It cleans the series (gaps, negative and infinite points become missing), detects a daily or
 * weekly shape, and fits the candidate models: the recent level alone and, per detected shape,
 * a seasonal profile (median of the same phase over earlier cycles) scaled to the recent level,
 * and the daily median and maximum profiles as they are (`unscaledProfiles`; without it, the
 * median and maximum profiles scaled to the recent level). Each candidate is replayed over the
 * recent history with the same lead times the plan needs; from the replay come its bias and the
 * smallest headroom multiplier that would have kept the unserved load within the budget (with target tracking beside the plan, and with or
 * without burst memory, whichever is cheaper). The candidate that would have needed the least
 * capacity for the budget plans the capacity; the one with the smallest replayed error is the
 * forecast. Capacity is requested one launch lead time ahead and lowered only when the need stays
 * low for `scaleInDelaySeconds`. Actions raise the group's MinSize (`minCapacity`), so target
 * tracking beside the plan still scales out on surprises and the plan never lowers the running
 * capacity by itself.
 *
 * With `capacityHistory` (the instances in service per step) it also measures the share of the
 * load the group really left unserved over the recent past (its steps weighted by age, half-life
 * `realizedHalfLifeSeconds`) and, where that exceeds the budget, raises the headroom by the factor
 * that would have kept it (bounded, see `measureRealized`);
 * `plan.diagnostics` says so, and when the cap keeps the budget out of reach. Where the recent
 * highs recurred at their time of day, the history-peak cap follows the same phase of the last 7
 * days (`phaseCapSeconds`).
 *
 * With no usable history the schedule is empty (nothing changes).
 */
export function planCapacity(input: PlanInput, options: PlannerOptions = {}): PlanOutput {
  return explainPlan(input, options).plan;
}

/** `planCapacity` with the reasons behind the plan (for logs and the backtest). */
export function explainPlan(input: PlanInput, options: PlannerOptions = {}): { plan: PlanOutput; explanation?: PlanExplanation } {
  // a plan started while another runs (a getter on the options or the input that plans) gets
  // memory of its own: the kept workspace belongs to the outer plan until it returns
  if (keptInUse) return planWith(input, options, freshWorkspace);
  keptInUse = true;
  try {
    return planWith(input, options, keptWorkspace);
  } finally {
    keptInUse = false;
  }
}

function planWith(
  input: PlanInput,
  options: PlannerOptions,
  workspace: (capacity: number) => Workspace,
): { plan: PlanOutput; explanation?: PlanExplanation } {
  validateInput(input);
  const budget = options.unservedBudget ?? DEFAULT_PLANNER_UNSERVED_BUDGET;
  if (!(budget >= 0 && budget < 1)) throw new RangeError(`unservedBudget must be a fraction in [0, 1) (got ${budget})`);
  const factor = options.replayBudgetFactor ?? DEFAULT_REPLAY_BUDGET_FACTOR;
  if (!(factor > 0 && Number.isFinite(factor))) throw new RangeError(`replayBudgetFactor must be a positive number (got ${factor})`);
  const replayBudget = Math.min(0.5, budget * factor);
  const minCap = Math.max(0, Math.ceil(input.minCapacity));
  const maxCap = Math.max(minCap, Math.floor(input.maxCapacity));
  const series = cleanSeries(input.history);
  const { values, stepMs, start } = series;
  const n = values.length;
  if (series.finiteCount === 0 || !Number.isFinite(start)) return { plan: { schedule: [] } };

  const stepS = stepMs / 1000;
  const steps = (seconds: number) => Math.max(1, Math.ceil(seconds / stepS - 1e-9));
  // An instance requested during step m serves from step m + delay.
  const delay = Math.ceil(Math.max(0, input.launchLeadSeconds) / stepS - 1e-9) + 1;
  const kNow = Math.max(n, Math.ceil((input.now - start) / stepMs - 1e-9));
  const horizon = steps(Math.max(input.horizonSeconds, stepS));
  const hold = steps(options.scaleInDelaySeconds ?? 900);
  const levelWindow = steps(options.levelWindowSeconds ?? 1800);
  const lastFinite = lastFiniteIndex(values);
  const leadMin = kNow - lastFinite + delay - 1;
  const leadMax = leadMin + Math.max(1, Math.ceil(horizon / 2));
  const extra = kNow - n + horizon + delay + hold + 1;
  const target = input.targetUtilization;

  const scale = typicalHigh(values);
  const epsilon = Math.max(1e-3 * scale, 1e-12);
  const floor = Math.max(0.05 * scale, 1e-12);
  const smoothHalfWidth = Math.floor(steps(options.smoothingSeconds ?? 300) / 2);
  const seasonality = detectSeasonality(values, stepS);

  const dayS = Math.round(DAY_S / stepS);
  const specs: ForecastModelSpec[] = [{ kind: 'none', periodSteps: 0, cycles: 1, combine: 'median', levelWindow, smoothHalfWidth }];
  const seasonal = dayS >= 2 && (seasonality.kind === 'daily' || seasonality.kind === 'weekly');
  // With the profiles as they are, the maximum profile stands only as it is: scaled to the level it
  // planned few of the 13 traces' plans, and each model costs its replay (docs/predictive-scaler.md)
  const unscaled = options.unscaledProfiles ?? DEFAULT_UNSCALED_PROFILES;
  for (const combine of unscaled ? (['median'] as const) : (['median', 'max'] as const)) {
    if (seasonal) specs.push({ kind: 'daily', periodSteps: dayS, cycles: 7, combine, levelWindow, smoothHalfWidth });
    if (seasonal && seasonality.kind === 'weekly') {
      specs.push({ kind: 'weekly', periodSteps: 7 * dayS, cycles: 2, combine, levelWindow, smoothHalfWidth });
    }
  }
  if (seasonal && unscaled) {
    for (const combine of ['median', 'max'] as const) {
      specs.push({ kind: 'daily', periodSteps: dayS, cycles: 7, combine, levelWindow, smoothHalfWidth, unscaled: true });
    }
  }

  // only the seasonal profiles read the smoothed series
  const smoothed = specs.length > 1 ? movingMedian(values, smoothHalfWidth) : values;
  const levels = new WindowMedians(values, levelWindow);
  const replay = steps(options.replaySeconds ?? 3 * DAY_S);
  const memorySteps = options.burstMemorySeconds === 0 ? 0 : steps(options.burstMemorySeconds ?? 7200);
  const toOrigin = lastFinite - leadMin;
  const stride = Math.max(1, Math.round(replay / 300));
  const profileFrom = Math.max(0, Math.min(toOrigin - replay, lastFinite) - 4 * levelWindow);
  const window = { toOrigin, stride, leadMin, leadMax, back: delay, ahead: hold - 1 };
  // one buffer for every model's replay (each is read by learnHeadroom before the next replay)
  const capacity = replayCapacity({ ...window, fromOrigin: Math.max(levelWindow, toOrigin - replay) });
  const halfLifeS = options.replayHalfLifeSeconds ?? DEFAULT_REPLAY_HALF_LIFE_SECONDS;
  if (!(halfLifeS >= 0)) throw new RangeError(`replayHalfLifeSeconds must be >= 0 (got ${halfLifeS})`);
  const { buffer, scratch, forecastReplay } = workspace(capacity);
  const context = replayContext(values, memorySteps, delay, target, toOrigin - replay);
  const headroomOptions = {
    unservedBudget: replayBudget,
    targetUtilization: target,
    floor,
    withMemory: memorySteps > 0,
    ...(halfLifeS > 0 ? { halfLifeSteps: halfLifeS / stepS } : {}),
  };

  // one pass per period gives both the median and the maximum profile
  const profiles = new Map<string, SeasonalProfiles>();
  const profilesOf = (spec: ForecastModelSpec): SeasonalProfiles | undefined => {
    if (spec.periodSteps === 0) return undefined;
    const key = `${spec.periodSteps}x${spec.cycles}`;
    let p = profiles.get(key);
    if (!p) profiles.set(key, (p = buildProfiles(smoothed, n + extra, spec.periodSteps, spec.cycles, profileFrom)));
    return p;
  };
  type Fit = { model: FittedModel; headroom: Headroom };
  let best: Fit | undefined;
  let bestForecast: Fit | undefined;
  for (const spec of specs) {
    const model = new FittedModel(spec, values, profilesOf(spec), epsilon, levels);
    const fromOrigin = Math.max(spec.periodSteps + levelWindow, toOrigin - replay);
    if (toOrigin - fromOrigin < replay / 3 && spec.periodSteps > 0) continue;
    const replayed = replayPlan(model, values, { ...window, fromOrigin }, context, buffer);
    const headroom = learnHeadroom(replayed, headroomOptions, scratch);
    if (headroom.samples < 30 && spec.periodSteps > 0) continue;
    const fit = { model, headroom };
    if (!best || (Number.isFinite(headroom.cost) && !(headroom.cost >= best.headroom.cost))) best = fit;
    if (
      spec.combine === 'median' &&
      !spec.unscaled &&
      (!bestForecast || (Number.isFinite(headroom.wape) && !(headroom.wape >= bestForecast.headroom.wape)))
    ) {
      bestForecast = fit;
      if (dayS >= 2) forecastReplay.keep(replayed, headroom.typical);
    }
  }
  if (!best) return { plan: { schedule: [] } };
  const forecastFit = bestForecast ?? best;

  const flat = new FittedModel(specs[0], values, undefined, epsilon, levels);
  const flatLevel = flat.levelAt(lastFinite);
  // Without replayed errors (very short history) plan at the target utilization with the
  // recent maximum as the only headroom.
  const multiplier = Number.isFinite(best.headroom.tail) && best.headroom.tail > 0 ? best.headroom.tail : 1 / target;
  const recentMax = recentMaximum(values, lastFinite, levelWindow);
  // Capacity above what the highest load in the history needs at 100% utilization buys nothing
  // the history can justify; beyond it the forecast at the target utilization rules.
  const historyPeak = recentMaximum(values, lastFinite, n);
  // What the group really left unserved recently (the last hours weighing most): where it exceeds
  // the budget, the headroom grows by the factor that would have kept it (the replay alone missed it).
  const realizedGain = options.realizedGain ?? DEFAULT_REALIZED_GAIN;
  const realizedHalfLifeS = options.realizedHalfLifeSeconds ?? DEFAULT_REALIZED_HALF_LIFE_SECONDS;
  if (!(realizedHalfLifeS === 0 || (realizedHalfLifeS >= 1 && realizedHalfLifeS < Infinity))) {
    throw new RangeError(
      `realizedHalfLifeSeconds must be 0 (every step weighs the same) or a finite number of seconds >= 1 (got ${realizedHalfLifeS})`,
    );
  }
  const realized =
    input.capacityHistory && realizedGain > 0
      ? measureRealized(values, start, stepMs, input.capacityHistory, {
          unservedBudget: budget,
          capacityPerInstance: input.capacityPerInstance,
          targetUtilization: target,
          minCapacity: minCap,
          windowSteps: steps(options.realizedWindowSeconds ?? DEFAULT_REALIZED_WINDOW_SECONDS),
          gain: realizedGain,
          maxBoost: Math.max(1, options.maxRealizedBoost ?? DEFAULT_MAX_REALIZED_BOOST),
          minSteps: Math.min(steps(DAY_S / 4), steps(options.realizedWindowSeconds ?? DEFAULT_REALIZED_WINDOW_SECONDS)),
          reachableShare: options.realizedReachableShare ?? DEFAULT_REALIZED_REACHABLE_SHARE,
          steerReachable: options.realizedSteerReachable ?? DEFAULT_REALIZED_STEER_REACHABLE,
          jumpsSpendBudget: options.realizedJumpsSpendBudget ?? DEFAULT_REALIZED_JUMPS_SPEND_BUDGET,
          halfLifeSteps: realizedHalfLifeS / stepS,
        })
      : undefined;
  const boost = realized?.boost ?? 1;

  const pointForecast = (fit: Fit) => {
    const level = fit.model.levelAt(lastFinite);
    return (k: number): number => {
      let f = Number.isFinite(level) ? fit.model.forecast(k, level) : NaN;
      if (!Number.isFinite(f)) f = Number.isFinite(flatLevel) ? flatLevel : recentMax;
      return Number.isFinite(f) ? Math.max(0, f) : 0;
    };
  };
  const planFrom = pointForecast(best);
  const bias = Number.isFinite(forecastFit.headroom.typical) && forecastFit.headroom.typical > 0 ? forecastFit.headroom.typical : 1;
  const modelForecast = forecastFit === best ? planFrom : pointForecast(forecastFit);
  // "The same minute a day earlier" is the forecast when its error over the replayed steps is the
  // smaller (a load with a daily shape and no stable level).
  const naiveWeight = forecastFit === bestForecast && dayS >= 2 ? forecastReplay.naiveWeight(values, dayS) : 0;
  const forecastFrom = (k: number): number => {
    const f = modelForecast(k) * bias;
    const y = k - dayS < n && k - dayS >= 0 ? values[k - dayS] : NaN;
    return naiveWeight > 0 && Number.isFinite(y) ? naiveWeight * y + (1 - naiveWeight) * f : f;
  };

  // Burst memory (when the replay found it cheaper for the budget): a load seen at step i keeps the
  // floor at what it needs at 100% utilization until step i + memorySteps. burstPeak[j] is the
  // highest load in [kNow + j - memorySteps, lastFinite].
  const memory = best.headroom.memory ? Math.max(0, memorySteps - (kNow - lastFinite)) : 0;
  const burstPeak = new Float64Array(memory).fill(NaN);
  for (let j = memory - 1, i = lastFinite, m = NaN; j >= 0; j--) {
    for (; i >= kNow + j - memorySteps && i >= 0; i--) if (Number.isFinite(values[i]) && !(values[i] <= m)) m = values[i];
    burstPeak[j] = m;
  }
  // the capacity the forecast needs at the target utilization (bias-corrected)
  const atTarget = (Number.isFinite(best.headroom.typical) && best.headroom.typical > 0 ? best.headroom.typical : 1) / target;
  const span = horizon + delay + hold + 1;
  const need = new Array<number>(span);
  const forecastValues = new Array<number>(span);
  // The realized boost raises the headroom, not the cap: where the plan sits at the cap, a higher
  // cap bought little on the held-out traces (crane-app-7: +8% cost for nothing measurable).
  const jumpMax = options.jumpCapMaxFactor ?? DEFAULT_JUMP_CAP_MAX_FACTOR;
  if (!(jumpMax >= 1)) throw new RangeError(`jumpCapMaxFactor must be >= 1 (got ${jumpMax})`);
  const jumpFactor = jumpMax > 1 ? jumpCapFactor(values, lastFinite, delay + 3, dayS, budget, jumpMax) : 1;
  const cap = Math.max(historyPeak, 0) * jumpFactor;
  // Where the recent highs recurred at their phase of the day, the cap follows the phase.
  const phaseWidth = options.phaseCapSeconds === 0 ? 0 : steps(options.phaseCapSeconds ?? DEFAULT_PHASE_CAP_SECONDS);
  const phaseTolerance = options.phaseCapTolerance ?? DEFAULT_PHASE_CAP_TOLERANCE;
  if (!(phaseTolerance >= 0)) throw new RangeError(`phaseCapTolerance must be >= 0 (got ${phaseTolerance})`);
  const phaseCap =
    phaseWidth > 0 && dayS >= 2 && phaseWidth < dayS / 2
      ? samePhaseCap(values, lastFinite, replay, phaseWidth, dayS, budget * phaseTolerance)
      : undefined;
  let uncappedPeak = 0;
  let cappedPeak = 0;
  let bound = false;
  for (let j = 0; j < span; j++) {
    const f = planFrom(kNow + j);
    forecastValues[j] = forecastFrom(kNow + j);
    const wanted = f * multiplier * boost;
    const pc = phaseCap ? phaseCap(kNow + j) : NaN;
    const allowed = Math.max(Number.isFinite(pc) ? Math.min(cap, Math.max(pc, recentMax)) : cap, f * atTarget);
    if (wanted > allowed && Math.ceil(wanted / input.capacityPerInstance - 1e-9) > Math.ceil(allowed / input.capacityPerInstance - 1e-9))
      bound = true;
    uncappedPeak = Math.max(uncappedPeak, wanted);
    let units = Math.min(wanted, allowed) / input.capacityPerInstance;
    if (best.headroom.samples === 0) units = Math.max(units, recentMax / (input.capacityPerInstance * target));
    if (j < memory && Number.isFinite(burstPeak[j])) units = Math.max(units, burstPeak[j] / input.capacityPerInstance);
    need[j] = clamp(Math.ceil(units - 1e-9), minCap, maxCap);
    cappedPeak = Math.max(cappedPeak, need[j]);
  }
  const peakCap: PeakCap = {
    bound,
    capInstances: Number.isFinite(cap) ? Math.ceil(cap / input.capacityPerInstance - 1e-9) : 0,
    jumpFactor,
    samePhase: phaseCap !== undefined,
    plannedInstances: cappedPeak,
    replayInstances: clamp(Math.ceil(uncappedPeak / input.capacityPerInstance - 1e-9), minCap, Math.max(maxCap, minCap)),
  };
  const notes: string[] = [];
  if (bound) {
    notes.push(
      `the budget is not reachable within the history-peak cap: the replay says it takes ${peakCap.replayInstances} instances, the cap (${phaseCap ? 'the highest load of the same phase over the last 7 days' : "the history's highest load"} at 100% utilization) allows ${phaseCap ? cappedPeak : peakCap.capInstances}`,
    );
  }
  if (realized?.contradiction) notes.push(`capacity history contradicts capacityPerInstance: ${realized.contradiction}`);
  else if (realized?.unreachable) {
    notes.push(
      `realized unserved ${realizedWords(realized, realizedHalfLifeS)} exceeds the budget ${(100 * budget).toFixed(3)}%, but mostly in jumps that even x${Math.max(1, options.maxRealizedBoost ?? DEFAULT_MAX_REALIZED_BOOST).toFixed(2)} headroom would have left unserved: ${boost > 1 ? `steered on the other misses only, headroom x${boost.toFixed(2)}` : 'not steered'} (target tracking catches such jumps)`,
    );
  } else if (realized && realized.steeredShare > budget) {
    notes.push(
      `realized unserved ${realizedWords(realized, realizedHalfLifeS)} exceeds the budget ${(100 * budget).toFixed(3)}%${realized.share > budget ? '' : ' over the last hours (over the whole window it is within it)'}: headroom x${boost.toFixed(2)} (${realized.needed.toFixed(2)} would have kept it)`,
    );
  } else if (realized && realized.share > budget) {
    notes.push(
      `realized unserved ${realizedWords(realized, realizedHalfLifeS)} exceeds the budget ${(100 * budget).toFixed(3)}% over the whole window, in misses older than the last hours: not steered`,
    );
  }

  const schedule: PlannedAction[] = [];
  let previous = -1;
  for (let j = 0; j <= horizon; j++) {
    let value = minCap;
    for (let k = j; k < Math.min(span, j + delay + hold); k++) value = Math.max(value, need[k]);
    if (value !== previous) {
      const at = j === 0 ? input.now : Math.max(input.now, start + (kNow + j) * stepMs);
      const lower = previous >= 0 && value < previous && options.scaleInWithDesiredCapacity;
      schedule.push(lower ? { at, minCapacity: value, desiredCapacity: value } : { at, minCapacity: value });
      previous = value;
    }
  }

  return {
    plan: {
      schedule,
      forecast: { start: start + kNow * stepMs, stepSeconds: stepS, values: forecastValues },
      diagnostics: {
        notes,
        ...(realized && Number.isFinite(realized.share)
          ? { realizedUnservedShare: realized.share, realizedSteeredShare: realized.steeredShare, realizedBoost: boost }
          : {}),
        ...(realized?.contradiction ? { capacityContradiction: true } : {}),
        peakCapBound: peakCap.bound,
        replayInstances: peakCap.replayInstances,
        plannedInstances: peakCap.plannedInstances,
        model: describeModel(best.model.spec),
      },
    },
    explanation: {
      seasonality,
      model: best.model.spec,
      forecastModel: forecastFit.model.spec,
      headroom: best.headroom,
      multiplier,
      replayBudget,
      need,
      ...(realized ? { realized } : {}),
      peakCap,
      seasonalNaiveWeight: naiveWeight,
      notes,
    },
  };
}

/** The realized share in words: over the window, and weighted to its last hours when it is. */
function realizedWords(realized: RealizedOutcome, halfLifeS: number): string {
  const over = `${(100 * realized.share).toFixed(3)}% over the last ${realized.steps} steps`;
  if (!(halfLifeS > 0)) return over;
  const h = halfLifeS / 3600;
  return `${over} (${(100 * realized.steeredShare).toFixed(3)}% with a half-life of ${Number.isInteger(h) ? h : h.toFixed(2)} h)`;
}

function validateInput(input: PlanInput): void {
  const positive = (name: string, v: number) => {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a positive finite number (got ${v})`);
  };
  positive('capacityPerInstance', input.capacityPerInstance);
  if (!(input.targetUtilization > 0 && input.targetUtilization <= 1)) {
    throw new RangeError(`targetUtilization must be in (0, 1] (got ${input.targetUtilization})`);
  }
  if (!Number.isFinite(input.now)) throw new RangeError(`now must be epoch milliseconds (got ${input.now})`);
  if (!(Number.isFinite(input.minCapacity) && input.minCapacity >= 0)) throw new RangeError(`minCapacity must be >= 0 (got ${input.minCapacity})`);
  if (!(Number.isFinite(input.maxCapacity) && input.maxCapacity >= input.minCapacity)) {
    throw new RangeError(`maxCapacity (${input.maxCapacity}) must be >= minCapacity (${input.minCapacity})`);
  }
  if (!(Number.isFinite(input.launchLeadSeconds) && input.launchLeadSeconds >= 0)) {
    throw new RangeError(`launchLeadSeconds must be >= 0 (got ${input.launchLeadSeconds})`);
  }
  if (!(Number.isFinite(input.horizonSeconds) && input.horizonSeconds >= 0)) {
    throw new RangeError(`horizonSeconds must be >= 0 (got ${input.horizonSeconds})`);
  }
}

/** The 90th percentile of (a regular sample of at most ~2,000 of) the finite values. */
function typicalHigh(values: Float64Array): number {
  const every = Math.max(1, Math.floor(values.length / 2000));
  const sample = new Float64Array(Math.ceil(values.length / every));
  let n = 0;
  for (let i = values.length - 1; i >= 0; i -= every) if (Number.isFinite(values[i])) sample[n++] = values[i];
  return quantileInPlace(sample, n, 0.9);
}

function lastFiniteIndex(values: Float64Array): number {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return i;
  return -1;
}

function recentMaximum(values: Float64Array, last: number, window: number): number {
  let m = NaN;
  for (let i = Math.max(0, last - window + 1); i <= last; i++) if (Number.isFinite(values[i]) && !(values[i] <= m)) m = values[i];
  return m;
}

/**
 * The same-phase cap, or `undefined` when the recent load does not follow it. phase(k) is the
 * highest load within `width` steps of k - d x `period` over d = 1..7 (points up to `last` only).
 * It is returned when the load of the last `window` steps exceeded its own phase(k) by at most
 * `tolerance` of that load in total.
 */
function samePhaseCap(
  values: Float64Array,
  last: number,
  window: number,
  width: number,
  period: number,
  tolerance: number,
): ((k: number) => number) | undefined {
  if (last < period) return undefined;
  // windowed maximum of [i - width, i + width] within [0, last] (monotonic deque, one pass), from
  // the first index a phase is read at: 7 periods before the replay window
  const size = last + 1;
  const from = Math.max(0, last - window - 7 * period);
  const wmax = new Float64Array(size).fill(NaN);
  const dq = new Int32Array(size);
  let head = 0;
  let tail = 0;
  let next = Math.max(0, from - width);
  for (let i = from; i < size; i++) {
    for (; next <= Math.min(last, i + width); next++) {
      const v = values[next];
      if (!Number.isFinite(v)) continue;
      while (tail > head && values[dq[tail - 1]] <= v) tail--;
      dq[tail++] = next;
    }
    while (tail > head && dq[head] < i - width) head++;
    if (tail > head) wmax[i] = values[dq[head]];
  }
  const phase = (k: number): number => {
    let m = NaN;
    for (let d = 1; d <= 7; d++) {
      const c = k - d * period;
      if (c < 0) break;
      if (c < size && Number.isFinite(wmax[c]) && !(wmax[c] <= m)) m = wmax[c];
    }
    return m;
  };
  let total = 0;
  let above = 0;
  for (let k = Math.max(period, last - window); k <= last; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    total += v;
    const c = phase(k);
    if (Number.isFinite(c) && v > c) above += v - c;
  }
  return total > 0 && above <= tolerance * total ? phase : undefined;
}

/**
 * The factor on the running peak the metric's own record of jumps prices: the smallest c in
 * [1, maxFactor] for which the load above c x (the highest load up to `lag` steps earlier), summed
 * over the points after the first `warm` steps, is at most `budget` of the load (bisection on the
 * few points above their running peak; one pass over the history).
 */
function jumpCapFactor(values: Float64Array, last: number, lag: number, warm: number, budget: number, maxFactor: number): number {
  const above: number[] = [];
  let total = 0;
  let peak = NaN;
  for (let i = 0; i <= last; i++) {
    const p = i - lag;
    if (p >= 0 && Number.isFinite(values[p]) && !(values[p] <= peak)) peak = values[p];
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    total += v;
    if (i >= warm && Number.isFinite(peak) && peak > 0 && v > peak) above.push(v, peak);
  }
  const allowed = Math.max(0, budget) * total;
  const unservedAt = (c: number) => {
    let u = 0;
    for (let j = 0; j < above.length; j += 2) u += Math.max(0, above[j] - c * above[j + 1]);
    return u;
  };
  if (!(unservedAt(1) > allowed)) return 1;
  if (unservedAt(maxFactor) > allowed) return maxFactor;
  let lo = 1;
  let up = maxFactor;
  for (let it = 0; it < 40 && up - lo > 1e-3; it++) {
    const mid = (lo + up) / 2;
    if (unservedAt(mid) > allowed) lo = mid;
    else up = mid;
  }
  return up;
}

/** The replay's working memory for up to `capacity` replayed outcomes. */
interface Workspace {
  readonly capacity: number;
  readonly buffer: ReplayedPlan;
  readonly scratch: HeadroomScratch;
  readonly forecastReplay: ForecastReplay;
}

/**
 * The largest workspace kept from one plan to the next (replayed outcomes; about 180 bytes each,
 * 9 MB): the benchmark's plans (one-hour horizon, three days replayed) take about 10,000. A larger
 * plan (a long horizon or replay) gets memory of its own that goes with it, as before.
 */
const KEPT_WORKSPACE_MAX = 50_000;

/**
 * The replay's working memory, kept from one plan to the next: allocating and zeroing it took a
 * few percent of every plan. Each plan overwrites what it reads before reading it, and a plan
 * started while another runs gets its own (`keptInUse`).
 */
let kept: Workspace | undefined;
let keptInUse = false;

function freshWorkspace(capacity: number): Workspace {
  return { capacity, buffer: replayBuffer(capacity), scratch: new HeadroomScratch(capacity), forecastReplay: new ForecastReplay(capacity) };
}

function keptWorkspace(capacity: number): Workspace {
  if (capacity > KEPT_WORKSPACE_MAX) return freshWorkspace(capacity);
  if (!kept || kept.capacity < capacity) kept = freshWorkspace(capacity);
  kept.forecastReplay.clear();
  return kept;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A model in words, for the run log. */
function describeModel(spec: ForecastModelSpec): string {
  if (spec.periodSteps === 0) return 'level';
  return `${spec.kind} ${spec.combine === 'max' ? 'maximum' : 'median'} profile ${spec.unscaled ? 'as it is' : 'scaled to the recent level'}`;
}

/**
 * The replayed forecasts of the forecast model (bias-corrected) beside what happened, kept to
 * compare them with "the same minute a day earlier" and with the mean of the two on the same steps.
 */
class ForecastReplay {
  private readonly forecasts: Float64Array;
  private readonly actuals: Float64Array;
  private readonly steps: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.forecasts = new Float64Array(capacity);
    this.actuals = new Float64Array(capacity);
    this.steps = new Float64Array(capacity);
  }

  /** Forgets what was kept (the workspace is reused by the next plan). */
  public clear(): void {
    this.count = 0;
  }

  public keep(r: ReplayedPlan, typical: number): void {
    const bias = Number.isFinite(typical) && typical > 0 ? typical : 1;
    const c = Math.min(r.count, this.forecasts.length);
    for (let i = 0; i < c; i++) {
      this.forecasts[i] = r.forecasts[i] * bias;
      this.actuals[i] = r.actuals[i];
      this.steps[i] = r.steps[i];
    }
    this.count = c;
  }

  /** 0, 0.5 or 1: the weight of the seasonal naive forecast with the smallest replayed absolute error. */
  public naiveWeight(values: Float64Array, period: number): number {
    const err = [0, 0, 0];
    let seen = 0;
    for (let i = 0; i < this.count; i++) {
      const k = this.steps[i] - period;
      const y = k >= 0 ? values[k] : NaN;
      if (!Number.isFinite(y)) continue;
      const a = this.actuals[i];
      const f = this.forecasts[i];
      err[0] += Math.abs(a - f);
      err[1] += Math.abs(a - 0.5 * (f + y));
      err[2] += Math.abs(a - y);
      seen++;
    }
    if (seen < 30) return 0;
    const best = err.indexOf(Math.min(...err));
    return best / 2;
  }
}
