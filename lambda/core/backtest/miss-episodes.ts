/**
 * Where a group's unserved load came from: the episodes of load above what the instances in
 * service carried, each with what the metric had shown before it (the last two hours, the same
 * time of day on the days before, the highest load of the history), so a team can tell misses a
 * plan could have known of from jumps no history announced. Pure: `scaling-backtest` and
 * `npm run bench` use it on the simulated group's capacity; the same works on a group's
 * `GroupInServiceInstances` and its load metric.
 */
import { DEFAULT_MAX_REALIZED_BOOST } from '../plan-capacity';

/**
 * What the metric had shown before an episode, within `reachFactor` of the episode's peak load,
 * checked in this order:
 *
 * - `recent`: the last `recentSeconds` (the planner's burst memory, 2 hours): the recent level
 *   knew it;
 * - `time-of-day`: the same time of day (within `timeOfDaySeconds`) on one of the `days` days
 *   before: a daily profile could have known it;
 * - `record`: the highest load of the `historySeconds` before (the planner's 14 days): within
 *   what the history-peak cap plans for, at any hour;
 * - `new`: above all of them: no history announced it.
 */
export type MissOrigin = 'recent' | 'time-of-day' | 'record' | 'new';

/** The origins, in the order they are checked. */
export const MISS_ORIGINS: readonly MissOrigin[] = ['recent', 'time-of-day', 'record', 'new'];

/** One episode of load above the capacity in service. */
export interface MissEpisode {
  /**
   * Index of the first step with load above the capacity in service (before `from` when the
   * episode was under way at it; only its steps from `from` on are counted below).
   */
  readonly start: number;
  /** Index of the last such step (inclusive). */
  readonly end: number;
  /** Steps with load above the capacity in service, from `from` on. */
  readonly overloadedSteps: number;
  /** Load above the capacity in service, summed over the episode's steps from `from` on (load units x steps). */
  readonly unserved: number;
  /** The highest load of the episode. */
  readonly peakLoad: number;
  /** The fewest instances in service on its overloaded steps from `from` on (a negative count as 0). */
  readonly minInService: number;
  /** The highest load of the `recentSeconds` before `start` (0 when none has a datapoint). */
  readonly recentPeak: number;
  /** The highest load within `timeOfDaySeconds` of the episode's steps, on each of the `days` days before. */
  readonly timeOfDayPeak: number;
  /** The highest load of the `historySeconds` before `start`. */
  readonly recordPeak: number;
  /** The first of `recent`, `time-of-day`, `record` whose peak times `reachFactor` reaches `peakLoad`, else `new`. */
  readonly origin: MissOrigin;
}

export interface MissEpisodeOptions {
  /** Load one instance carries per step at 100% utilization. */
  readonly capacityPerInstance: number;
  /** Seconds between two steps of `load` and `inService`. */
  readonly stepSeconds: number;
  /** First step looked at (e.g. the first scored step). @default 0 */
  readonly from?: number;
  /**
   * Overloaded steps at most this far apart belong to one episode (consecutive steps always do).
   * @default 300 (5 minutes)
   */
  readonly joinSeconds?: number;
  /** The recent past an episode's load is compared with. @default 7200 (the planner's burst memory) */
  readonly recentSeconds?: number;
  /** How far either side of the same time of day counts. @default 1800 */
  readonly timeOfDaySeconds?: number;
  /** Days before the episode whose same time of day counts. @default 7 */
  readonly days?: number;
  /** The history the record is taken over. @default 1_209_600 (14 days, the planner's history) */
  readonly historySeconds?: number;
  /**
   * How far above an earlier load an episode may peak and still count as shown by it: capacity
   * that much above what the metric had shown would have carried it.
   * @default 1.5 (`DEFAULT_MAX_REALIZED_BOOST`, the most the realized steering adds to a plan)
   */
  readonly reachFactor?: number;
}

/** The episodes' unserved load by origin, as shares of a total. */
export interface MissOriginSummary {
  /** The load the shares are of (e.g. the scored load). */
  readonly totalLoad: number;
  /** Unserved load over `totalLoad`, all episodes. */
  readonly unservedShare: number;
  /** Per origin: episodes and their unserved load over `totalLoad`. */
  readonly byOrigin: Readonly<Record<MissOrigin, { readonly episodes: number; readonly unservedShare: number }>>;
  /** The episode with the most unserved load, if any. */
  readonly largest?: MissEpisode;
}

/**
 * The episodes of load above `inService x capacityPerInstance` from `options.from` on, largest
 * unserved load first. Steps where either series has no datapoint (or an infinite one) are skipped
 * (they neither start nor end an episode, and are no earlier load); a step with no instance in
 * service and load above 0 is overloaded.
 */
export function missEpisodes(load: ArrayLike<number>, inService: ArrayLike<number>, options: MissEpisodeOptions): MissEpisode[] {
  const o = resolve(options);
  const n = Math.min(load.length, inService.length);
  const raw: Array<{ start: number; end: number; steps: number; unserved: number; peak: number; minIn: number }> = [];
  let current: (typeof raw)[number] | undefined;
  // from the series' start: an episode under way at `from` keeps the step it began at, so what the
  // metric had shown before it is not its own load; only its steps from `from` on are counted
  for (let t = 0; t < n; t++) {
    const a = load[t];
    const c = inService[t];
    if (!Number.isFinite(a) || !Number.isFinite(c)) continue;
    const serving = Math.max(0, c);
    const miss = a - serving * o.capacityPerInstance;
    if (!(miss > 0)) continue;
    if (!current || t - current.end > o.joinSteps) {
      current = { start: t, end: t, steps: 0, unserved: 0, peak: a, minIn: serving };
      raw.push(current);
    }
    current.end = t;
    current.peak = Math.max(current.peak, a);
    if (t >= o.from) {
      current.steps++;
      current.unserved += miss;
      current.minIn = current.steps === 1 ? serving : Math.min(current.minIn, serving);
    }
  }
  const episodes = raw
    .filter((e) => e.steps > 0)
    .map((e) => {
      const recentPeak = peakOver(load, e.start - o.recentSteps, e.start);
      let timeOfDayPeak = 0;
      for (let d = 1; d <= o.days; d++) {
        const back = d * o.stepsPerDay;
        timeOfDayPeak = Math.max(
          timeOfDayPeak,
          peakOver(load, e.start - back - o.timeOfDaySteps, Math.min(e.start, e.end - back + o.timeOfDaySteps + 1)),
        );
      }
      const recordPeak = peakOver(load, e.start - o.historySteps, e.start);
      const reaches = (p: number) => e.peak <= o.reachFactor * p;
      const origin: MissOrigin = reaches(recentPeak) ? 'recent' : reaches(timeOfDayPeak) ? 'time-of-day' : reaches(recordPeak) ? 'record' : 'new';
      return {
        start: e.start,
        end: e.end,
        overloadedSteps: e.steps,
        unserved: e.unserved,
        peakLoad: e.peak,
        minInService: e.minIn,
        recentPeak,
        timeOfDayPeak,
        recordPeak,
        origin,
      };
    });
  return episodes.sort((a, b) => b.unserved - a.unserved || a.start - b.start);
}

/** The episodes' unserved load by origin, over `totalLoad` (e.g. the scored load). */
export function summarizeMisses(episodes: readonly MissEpisode[], totalLoad: number): MissOriginSummary {
  const share = (u: number) => (totalLoad > 0 ? u / totalLoad : 0);
  const sums = Object.fromEntries(MISS_ORIGINS.map((k) => [k, { episodes: 0, unserved: 0 }])) as Record<
    MissOrigin,
    { episodes: number; unserved: number }
  >;
  let unserved = 0;
  let largest: MissEpisode | undefined;
  for (const e of episodes) {
    sums[e.origin].episodes++;
    sums[e.origin].unserved += e.unserved;
    unserved += e.unserved;
    if (!largest || e.unserved > largest.unserved) largest = e;
  }
  const byOrigin = Object.fromEntries(MISS_ORIGINS.map((k) => [k, { episodes: sums[k].episodes, unservedShare: share(sums[k].unserved) }])) as Record<
    MissOrigin,
    { episodes: number; unservedShare: number }
  >;
  return { totalLoad, unservedShare: share(unserved), byOrigin, ...(largest ? { largest } : {}) };
}

interface Resolved {
  readonly capacityPerInstance: number;
  readonly from: number;
  readonly joinSteps: number;
  readonly recentSteps: number;
  readonly timeOfDaySteps: number;
  readonly days: number;
  readonly historySteps: number;
  readonly stepsPerDay: number;
  readonly reachFactor: number;
}

function resolve(options: MissEpisodeOptions): Resolved {
  const positive = (name: string, x: number) => {
    if (!Number.isFinite(x) || x <= 0) throw new Error(`missEpisodes: ${name} must be a finite number > 0 (got ${x})`);
    return x;
  };
  const atLeast = (name: string, x: number, lo: number) => {
    if (!Number.isFinite(x) || x < lo) throw new Error(`missEpisodes: ${name} must be a finite number >= ${lo} (got ${x})`);
    return x;
  };
  const step = positive('stepSeconds', options.stepSeconds);
  const steps = (name: string, seconds: number | undefined, fallback: number) => Math.round(atLeast(name, seconds ?? fallback, 0) / step);
  const days = atLeast('days', options.days ?? 7, 0);
  if (!Number.isInteger(days)) throw new Error(`missEpisodes: days must be a whole number (got ${days})`);
  return {
    capacityPerInstance: positive('capacityPerInstance', options.capacityPerInstance),
    from: Math.max(0, Math.floor(atLeast('from', options.from ?? 0, 0))),
    joinSteps: Math.max(1, Math.floor(atLeast('joinSeconds', options.joinSeconds ?? 300, 0) / step + 1e-9)),
    recentSteps: steps('recentSeconds', options.recentSeconds, 7200),
    timeOfDaySteps: steps('timeOfDaySeconds', options.timeOfDaySeconds, 1800),
    days,
    historySteps: steps('historySeconds', options.historySeconds, 14 * 86_400),
    stepsPerDay: Math.max(1, Math.round(86_400 / step)),
    reachFactor: atLeast('reachFactor', options.reachFactor ?? DEFAULT_MAX_REALIZED_BOOST, 1),
  };
}

/** The highest finite load of [from, to) within the series (0 when none). */
function peakOver(load: ArrayLike<number>, from: number, to: number): number {
  let peak = 0;
  for (let k = Math.max(0, from); k < Math.min(to, load.length); k++) {
    const v = load[k];
    if (Number.isFinite(v) && v > peak) peak = v;
  }
  return peak;
}
