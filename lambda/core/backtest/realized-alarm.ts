/**
 * The promise a team can watch, replayed: the realized unserved share the predictive scaler's
 * handler publishes each run (`RealizedUnservedPercent`, the load above what the instances in
 * service carried over a rolling window) and the construct's alarm on it (the minimum per period
 * above the budget for some periods in a row, missing periods not breaching), over a simulated or
 * recorded group. Pure: the benchmark uses it to say whether the alarm fires where the promise was
 * broken and stays quiet where it was kept.
 */
import { measureRealized } from '../forecast/realized-outcome';

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
  /** The alarm's period, in steps; periods are aligned to multiples of it since the epoch. */
  readonly periodSteps: number;
  /** Periods in a row whose minimum is above the budget that put the alarm in ALARM. */
  readonly periods: number;
  /** First step published (e.g. the first scored step). @default 0 */
  readonly from?: number;
}

export interface RealizedAlarmOutcome {
  /** Shares published (steps where the window held load and capacity). */
  readonly datapoints: number;
  /** Of them, above the budget. */
  readonly aboveBudget: number;
  /** Periods the alarm spent in ALARM. */
  readonly alarmPeriods: number;
  /** Times it went into ALARM. */
  readonly alarms: number;
  /** The step of the period in which it first went into ALARM. */
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
  const history = { start, stepSeconds: stepMs / 1000, values: capacity };
  const settings = {
    unservedBudget: o.unservedBudget,
    capacityPerInstance: o.capacityPerInstance,
    targetUtilization: o.targetUtilization,
    minCapacity: o.minCapacity,
    windowSteps: o.windowSteps,
    gain: 1,
    maxBoost: 1,
    minSteps: 1,
    reachableShare: 1,
  };
  // the minimum share published in each period, by period index since the epoch
  const minimum = new Map<number, number>();
  let datapoints = 0;
  let aboveBudget = 0;
  for (let t = Math.max(0, o.from ?? 0); t < load.length; t += Math.max(1, o.everySteps)) {
    const first = Math.max(0, t + 1 - o.windowSteps);
    const share = measureRealized(load.subarray(first, t + 1), start + first * stepMs, stepMs, history, settings).share;
    if (!Number.isFinite(share)) continue;
    datapoints++;
    if (share > o.unservedBudget) aboveBudget++;
    const period = Math.floor((start + t * stepMs) / (o.periodSteps * stepMs));
    minimum.set(period, Math.min(minimum.get(period) ?? Infinity, share));
  }
  return {
    datapoints,
    aboveBudget,
    ...evaluateAlarm(minimum, o.unservedBudget, o.periods, (p) => Math.round((p * o.periodSteps * stepMs - start) / stepMs)),
  };
}

/** The alarm over the periods' minima: a missing period is not breaching. */
function evaluateAlarm(
  minimum: Map<number, number>,
  threshold: number,
  periods: number,
  stepOf: (period: number) => number,
): Pick<RealizedAlarmOutcome, 'alarmPeriods' | 'alarms' | 'firstAlarmStep'> {
  const keys = [...minimum.keys()].sort((a, b) => a - b);
  let inARow = 0;
  let alarmPeriods = 0;
  let alarms = 0;
  let firstAlarmStep: number | undefined;
  let previous: number | undefined;
  let inAlarm = false;
  for (const p of keys) {
    if (previous !== undefined && p !== previous + 1) inARow = 0;
    inARow = minimum.get(p)! > threshold ? inARow + 1 : 0;
    const alarm = inARow >= periods;
    if (alarm) {
      alarmPeriods++;
      if (!inAlarm) alarms++;
      firstAlarmStep ??= stepOf(p);
    }
    inAlarm = alarm;
    previous = p;
  }
  return { alarmPeriods, alarms, ...(firstAlarmStep !== undefined ? { firstAlarmStep } : {}) };
}
