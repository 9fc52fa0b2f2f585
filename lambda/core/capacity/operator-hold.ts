/**
 * Operators win: a change of the group's bounds that no controller and no schedule of the
 * group's own made is an operator's (an incident's MaxSize 6 -> 12, a stopped group 0/0/0, a
 * MinSize set to 0), and so is the pause tag. While either holds, both scaler functions leave the
 * group alone; it holds until the operator clears it (removes the tag, or sets the bounds back to
 * what the configuration and the schedules give). Pure: no AWS imports.
 */
import type { GroupBaseline } from '../../contract/group-baseline';
import { effectiveCapacity, scheduledBounds } from './effective-bounds';

/**
 * How late a schedule of the group's own may land after its time (AWS runs scheduled actions
 * within a minute or two): until then the bounds before it are also the user's.
 */
export const SCHEDULE_LANDING_MS = 10 * 60_000;

/** What the rule looks at. */
export interface OperatorHoldInput {
  /** Epoch ms of the run. */
  readonly at: number;
  readonly baseline: GroupBaseline;
  /** The live group. */
  readonly live: { readonly minSize: number; readonly maxSize: number };
  /** The value of the pause tag on the group, if any. */
  readonly pauseTag?: string;
  /**
   * MaxSize values a controller may have left the group at (the cost optimizer's state: the
   * bounds it wrote, before and after its last write, and its cap and off-hours hold).
   */
  readonly controllerMaxSizes?: readonly number[];
  /** MinSize values a controller may have left the group at. */
  readonly controllerMinSizes?: readonly number[];
  /**
   * The cost optimizer's intent (its cap and off-hours hold): the MaxSize the precedence rule gives
   * for it is the controller's too (a state written before it recorded the values it wrote).
   */
  readonly intent?: { readonly budgetCap?: number; readonly offHoursFloor?: number };
}

/** Why the controllers stand down. */
export interface OperatorHold {
  readonly kind: 'pause' | 'bounds';
  readonly reason: string;
}

/**
 * The pause: the tag is there, whatever its value (an operator who adds the key without a value,
 * as the console allows, asked for a pause too).
 */
export function pauseHold(pauseTag: string): OperatorHold {
  const given = pauseTag.trim() === '' ? 'no value given' : JSON.stringify(pauseTag);
  return {
    kind: 'pause',
    reason: `paused by the operator (tag scaling:paused = ${given}): the controllers change nothing until the tag is removed`,
  };
}

/** The operator's hold in force, or undefined when the controllers may act. */
export function operatorHold(input: OperatorHoldInput): OperatorHold | undefined {
  const { at, baseline, live } = input;
  if (input.pauseTag !== undefined) return pauseHold(input.pauseTag);
  const now = scheduledBounds(baseline, at);
  const before = scheduledBounds(baseline, at - SCHEDULE_LANDING_MS);
  const maxSizes = new Set<number>([now.maxSize, before.maxSize, ...(input.controllerMaxSizes ?? [])]);
  const intent = input.intent;
  if (intent && (intent.budgetCap !== undefined || intent.offHoursFloor !== undefined)) {
    for (const t of [at, at - SCHEDULE_LANDING_MS]) maxSizes.add(effectiveCapacity({ at: t, baseline, ...intent }).maxSize);
  }
  if (!maxSizes.has(live.maxSize)) {
    return {
      kind: 'bounds',
      reason: `MaxSize ${live.maxSize} is neither the ${now.maxSize} the configuration gives (${now.maxFrom}) nor a value a controller wrote: an operator's change, adopted; the controllers change nothing until MaxSize is set back to ${now.maxSize}`,
    };
  }
  const userMin = Math.min(now.minSize, before.minSize);
  if (live.minSize < userMin && !(input.controllerMinSizes ?? []).includes(live.minSize)) {
    return {
      kind: 'bounds',
      reason: `MinSize ${live.minSize} is below the ${now.minSize} the configuration gives (${now.minFrom}) and no controller wrote it: an operator's change, adopted; the controllers change nothing until MinSize is set back to at least ${now.minSize}`,
    };
  }
  return undefined;
}
