/**
 * The promise a team can watch, replayed: the realized unserved share the predictive scaler's
 * handler publishes each run (`RealizedUnservedPercent`, the load above what the instances in
 * service carried over a rolling window) and the construct's alarm on it, as CloudWatch evaluates
 * it by default: every step, over a sliding window of `periods` periods, each breaching when it
 * holds a datapoint and its minimum is above the budget (an empty period is not breaching), in
 * ALARM when all of them breach. Pure: the benchmark uses it to say whether the alarm fires where
 * the promise was broken and stays quiet where it was kept.
 */
import { MEASURE_ONLY, measureRealized } from '../forecast/realized-outcome';

export interface RealizedAlarmOptions {
  /** Load one instance carries per step at 100% utilization. */
  readonly capacityPerInstance: number;
  /** The group's target utilization (0..1): the realized measurement's check of `capacityPerInstance`. */
  readonly targetUtilization: number;
  /** The group's MinSize. */
  readonly minCapacity: number;
  /** The budget the alarm's threshold is (a fraction, as `PlannerOptions.unservedBudget`). */
  readonly unservedBudget: number;
  /** Steps of load each published share covers (the handler's rolling day). */
  readonly windowSteps: number;
  /** A share is published every this many steps (one per run of the scaler). */
  readonly everySteps: number;
  /** The alarm's period, in steps. */
  readonly periodSteps: number;
  /** Periods in a row, all breaching, that put the alarm in ALARM. */
  readonly periods: number;
  /**
   * First step the alarm is reported on (e.g. the first scored step); shares are published from
   * the alarm's window earlier, as a scaler running before it would have. @default 0
   */
  readonly from?: number;
}

export interface RealizedAlarmOutcome {
  /** Shares published from `from` on (steps where the window held load and capacity). */
  readonly datapoints: number;
  /** Of them, above the budget. */
  readonly aboveBudget: number;
  /** Steps from `from` on at which the alarm was in ALARM. */
  readonly alarmSteps: number;
  /** Times it went into ALARM from `from` on. */
  readonly alarms: number;
  /** The first step it was in ALARM. */
  readonly firstAlarmStep?: number;
}

/**
 * Replays the published share and the alarm over `load` (one value per step from `start`, `NaN` =
 * no datapoint) and `capacity` (instances in service per step, the same steps).
 */
export function replayRealizedAlarm(
  load: Float64Array,
  capacity: Float64Array,
  start: number,
  stepMs: number,
  o: RealizedAlarmOptions,
): RealizedAlarmOutcome {
  const n = load.length;
  const from = Math.max(0, o.from ?? 0);
  const windowSteps = o.periods * o.periodSteps;
  // published[t] / breaching[t]: prefix counts of the shares published, and of those above the
  // budget, at steps < t
  const published = new Int32Array(n + 1);
  const breaching = new Int32Array(n + 1);
  const every = Math.max(1, Math.floor(o.everySteps));
  const firstRun = Math.max(0, from - windowSteps);
  const history = { start, stepSeconds: stepMs / 1000, values: capacity };
  const settings = {
    unservedBudget: o.unservedBudget,
    capacityPerInstance: o.capacityPerInstance,
    targetUtilization: o.targetUtilization,
    minCapacity: o.minCapacity,
    windowSteps: o.windowSteps,
    ...MEASURE_ONLY,
  };
  let datapoints = 0;
  let aboveBudget = 0;
  for (let t = 0; t < n; t++) {
    let p = 0;
    let b = 0;
    if (t >= firstRun && (t - firstRun) % every === 0) {
      const first = Math.max(0, t + 1 - o.windowSteps);
      const share = measureRealized(load.subarray(first, t + 1), start + first * stepMs, stepMs, history, settings).share;
      if (Number.isFinite(share)) {
        p = 1;
        b = share > o.unservedBudget ? 1 : 0;
        if (t >= from) {
          datapoints++;
          aboveBudget += b;
        }
      }
    }
    published[t + 1] = published[t] + p;
    breaching[t + 1] = breaching[t] + b;
  }
  return { datapoints, aboveBudget, ...evaluateAlarm(published, breaching, from, n, o.periodSteps, o.periods) };
}

/**
 * The alarm at each step t from `from` on, over the window [t + 1 - periods x periodSteps, t]: in
 * ALARM when every period of it holds a datapoint and all of them are above the budget.
 */
function evaluateAlarm(
  published: Int32Array,
  breaching: Int32Array,
  from: number,
  n: number,
  periodSteps: number,
  periods: number,
): Pick<RealizedAlarmOutcome, 'alarmSteps' | 'alarms' | 'firstAlarmStep'> {
  const count = (counts: Int32Array, lo: number, hi: number) => counts[Math.max(0, hi + 1)] - counts[Math.max(0, lo)];
  let alarmSteps = 0;
  let alarms = 0;
  let firstAlarmStep: number | undefined;
  let inAlarm = false;
  for (let t = from; t < n; t++) {
    const lo = t + 1 - periods * periodSteps;
    let alarm = lo >= 0 && count(published, lo, t) === count(breaching, lo, t);
    for (let k = 0; alarm && k < periods; k++) alarm = count(published, lo + k * periodSteps, lo + (k + 1) * periodSteps - 1) > 0;
    if (alarm) {
      alarmSteps++;
      if (!inAlarm) alarms++;
      firstAlarmStep ??= t;
    }
    inAlarm = alarm;
  }
  return { alarmSteps, alarms, ...(firstAlarmStep !== undefined ? { firstAlarmStep } : {}) };
}
