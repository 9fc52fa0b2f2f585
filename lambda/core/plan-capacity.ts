import { FittedModel, ForecastModelSpec, trailingMax } from './forecast/forecast-model';
import { Headroom, learnHeadroom, replayForecasts } from './forecast/forecast-errors';
import { quantileSorted } from './forecast/robust-stats';
import { detectSeasonality, Seasonality } from './forecast/seasonality';
import { cleanSeries } from './forecast/series';
import { PlanInput, PlanOutput, PlannedAction } from './plan-types';

/**
 * Tuning of `planCapacity`. Every field has a default that suits one-minute load metrics; the
 * planner learns everything else (seasonality, level, headroom) from the metric's own history.
 */
export interface PlannerOptions {
  /**
   * Quantile of actual/forecast, from the planner's replayed errors, that is planned at the
   * target utilization.
   * @default 0.5
   */
  readonly typicalQuantile?: number;
  /**
   * Share of the load that the tail headroom may leave above 100% utilization in the replay.
   * @default 0.00002 (0.002%)
   */
  readonly unservedBudget?: number;
  /**
   * The replayed outcomes within this many seconds of the worst one are one burst episode, left
   * out of the tail headroom (a single burst is not worth a permanent headroom; recurring ones
   * still set it). 0 keeps every outcome.
   * @default 3600
   */
  readonly burstEpisodeSeconds?: number;
  /**
   * Cap of the tail multiplier at this quantile of actual/forecast (1 = no cap).
   * @default 1
   */
  readonly tailQuantileCap?: number;
  /**
   * Weight of replayed unserved load against planned capacity when the planner chooses between
   * its models (0 = compare the capacity only).
   * @default 1000
   */
  readonly unservedPenalty?: number;
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
   * Width in seconds of the load envelope the models forecast: each point is the maximum load over
   * this window, so that capacity is planned for the peaks between two plans, not their mean.
   * @default 660 (11 one-minute points)
   */
  readonly envelopeSeconds?: number;
  /**
   * Seconds of history over which the planner replays its own forecasts to learn its errors.
   * @default 259200 (3 days)
   */
  readonly replaySeconds?: number;
  /**
   * Seconds after a burst during which the floor keeps covering the burst's peak at 100%
   * utilization: bursts of one metric tend to come in clusters, and the next one of a cluster is
   * shorter than the launch lead time, so only capacity already running carries it. 0 disables it.
   * @default 7200 (2 hours)
   */
  readonly burstMemorySeconds?: number;
}

/** What `explainPlan` reports beside the plan: why the planner did what it did. */
export interface PlanExplanation {
  readonly seasonality: Seasonality;
  /** The model the replay chose. */
  readonly model: ForecastModelSpec;
  readonly headroom: Headroom;
  /** Multiplier on the forecast that the capacity is planned for, at 100% utilization. */
  readonly multiplier: number;
  /** Capacity per step from the first plannable step, before anti-flap holding. */
  readonly need: number[];
}

const DAY_S = 86_400;

/**
 * Plans the capacity of a group from its load history (pure and synchronous).
 *
 * It cleans the series (gaps, negative and infinite points become missing), detects a daily or
 * weekly shape, and fits the candidate models: the recent level alone and, per detected shape,
 * a seasonal profile (median of the same phase over earlier cycles) scaled to the recent level.
 * Each candidate is replayed over the recent history with the same lead times the plan needs;
 * the errors give a central and a tail multiplier, and the candidate that would have needed the
 * least capacity for the same unserved budget is used. The plan is the capacity that covers the
 * forecast times its learned headroom at the target utilization, requested one launch lead time
 * ahead and lowered only when the need stays low for `scaleInDelaySeconds`. Actions raise the
 * group's MinSize (`minCapacity`), so target tracking beside the plan still scales out on surprises
 * and the plan never lowers the running capacity by itself.
 *
 * With no usable history the schedule is empty (nothing changes).
 */
export function planCapacity(input: PlanInput, options: PlannerOptions = {}): PlanOutput {
  return explainPlan(input, options).plan;
}

/** `planCapacity` with the reasons behind the plan (for logs and the backtest). */
export function explainPlan(input: PlanInput, options: PlannerOptions = {}): { plan: PlanOutput; explanation?: PlanExplanation } {
  validateInput(input);
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

  const scale = typicalHigh(values);
  const epsilon = Math.max(1e-3 * scale, 1e-12);
  const floor = Math.max(0.05 * scale, 1e-12);
  const envelopeHalfWidth = Math.floor(steps(options.envelopeSeconds ?? 660) / 2);
  const envelope = trailingMax(values, 2 * envelopeHalfWidth + 1);
  const seasonality = detectSeasonality(values, stepS);

  const dayS = Math.round(DAY_S / stepS);
  const specs: ForecastModelSpec[] = [{ kind: 'none', periodSteps: 0, cycles: 1, combine: 'median', levelWindow, envelopeHalfWidth }];
  for (const combine of ['median', 'max'] as const) {
    if (dayS >= 2 && (seasonality.kind === 'daily' || seasonality.kind === 'weekly')) {
      specs.push({ kind: 'daily', periodSteps: dayS, cycles: 7, combine, levelWindow, envelopeHalfWidth });
    }
    if (dayS >= 2 && seasonality.kind === 'weekly') {
      specs.push({ kind: 'weekly', periodSteps: 7 * dayS, cycles: 2, combine, levelWindow, envelopeHalfWidth });
    }
  }

  const replay = steps(options.replaySeconds ?? 3 * DAY_S);
  const toOrigin = lastFinite - leadMin;
  const stride = Math.max(1, Math.round(replay / 300));
  const profileFrom = Math.max(0, Math.min(toOrigin - replay, lastFinite) - 4 * levelWindow);
  const headroomOptions = {
    typicalQuantile: options.typicalQuantile ?? 0.5,
    unservedBudget: options.unservedBudget ?? 2e-5,
    tailQuantileCap: options.tailQuantileCap ?? 1,
    episodeSteps: options.burstEpisodeSeconds === 0 ? 0 : steps(options.burstEpisodeSeconds ?? 3600),
    floor,
  };
  const target = input.targetUtilization;

  let best: { model: FittedModel; headroom: Headroom; multiplier: number; score: number } | undefined;
  for (const spec of specs) {
    const model = new FittedModel(spec, envelope, extra, epsilon, profileFrom);
    const fromOrigin = Math.max(spec.periodSteps + levelWindow, toOrigin - replay);
    if (toOrigin - fromOrigin < replay / 3 && spec.periodSteps > 0) continue;
    const errors = replayForecasts(model, values, { fromOrigin, toOrigin, stride, leadMin, leadMax });
    const headroom = learnHeadroom(errors, headroomOptions);
    if (headroom.samples < 30 && spec.periodSteps > 0) continue;
    const multiplier = Math.max(headroom.typical / target, headroom.tail);
    // What the model would have cost in the replay: the capacity it plans, plus the load it would
    // have left unserved weighted by how much worse that is than paying for capacity.
    let score = 0;
    const penalty = options.unservedPenalty ?? 1000;
    for (let i = 0; i < errors.count; i++) {
      const planned = Math.max(errors.forecasts[i], floor) * multiplier;
      score += planned + penalty * Math.max(0, errors.actuals[i] - planned);
    }
    score /= Math.max(1, errors.count);
    if (!best || (Number.isFinite(score) && !(Number.isFinite(best.score) && score >= best.score))) best = { model, headroom, multiplier, score };
  }
  if (!best) return { plan: { schedule: [] } };

  const flat = best.model.spec.periodSteps > 0 ? new FittedModel(specs[0], envelope, extra, epsilon, profileFrom) : best.model;
  const level = best.model.levelAt(lastFinite);
  const flatLevel = flat.levelAt(lastFinite);
  // Without replayed errors (very short history) plan at the target utilization with the
  // recent maximum as the only headroom.
  const multiplier = Number.isFinite(best.multiplier) && best.multiplier > 0 ? best.multiplier : 1 / target;
  const bias = Number.isFinite(best.headroom.typical) && best.headroom.typical > 0 ? best.headroom.typical : 1;
  const recentMax = recentMaximum(values, lastFinite, levelWindow);
  // Capacity above what the highest load in the history needs at 100% utilization buys nothing
  // the history can justify; beyond it the forecast at the target utilization rules.
  const historyPeak = recentMaximum(values, lastFinite, n);

  const forecastAt = (k: number): number => {
    let f = Number.isFinite(level) ? best!.model.forecast(k, level) : NaN;
    if (!Number.isFinite(f)) f = Number.isFinite(flatLevel) ? flatLevel : recentMax;
    return Number.isFinite(f) ? Math.max(0, f) : 0;
  };

  // Burst memory: a load seen at step i keeps the floor at what it needs at 100% utilization
  // until step i + memorySteps (bursts of one metric come in clusters). burstPeak[j] is the
  // highest load in [kNow + j - memorySteps, lastFinite].
  const memorySteps = options.burstMemorySeconds === 0 ? 0 : steps(options.burstMemorySeconds ?? 7200);
  const memory = Math.max(0, memorySteps - (kNow - lastFinite));
  const burstPeak = new Float64Array(memory).fill(NaN);
  for (let j = memory - 1, i = lastFinite, m = NaN; j >= 0; j--) {
    for (; i >= kNow + j - memorySteps && i >= 0; i--) if (Number.isFinite(values[i]) && !(values[i] <= m)) m = values[i];
    burstPeak[j] = m;
  }
  const span = horizon + delay + hold + 1;
  const need: number[] = new Array(span);
  const forecastValues: number[] = new Array(span);
  for (let j = 0; j < span; j++) {
    const f = forecastAt(kNow + j);
    forecastValues[j] = f * bias;
    let units = Math.min(f * multiplier, Math.max(historyPeak, f / target)) / input.capacityPerInstance;
    if (best.headroom.samples === 0) units = Math.max(units, recentMax / (input.capacityPerInstance * target));
    if (j < memory && Number.isFinite(burstPeak[j])) units = Math.max(units, burstPeak[j] / input.capacityPerInstance);
    need[j] = clamp(Math.ceil(units - 1e-9), minCap, maxCap);
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
    },
    explanation: { seasonality, model: best.model.spec, headroom: best.headroom, multiplier, need },
  };
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
  const sample: number[] = [];
  for (let i = values.length - 1; i >= 0; i -= every) if (Number.isFinite(values[i])) sample.push(values[i]);
  return quantileSorted(Float64Array.from(sample).sort(), 0.9);
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

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
