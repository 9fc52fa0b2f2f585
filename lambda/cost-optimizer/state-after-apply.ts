/**
 * What the cost optimizer keeps in its state tag ahead of applying a decision (see
 * {@link stateWrittenAhead}) and after (see {@link stateAfterApply}).
 */
import type { CostAction, CostState, GroupSnapshot } from '../core/cost';
import type { ApplyResult, ApplyStep } from './apply';

/**
 * The settings no run can derive again (unlike MinSize/MaxSize, which the construct's baseline
 * gives): a change to one is recorded as pending beside the value the group has until its call is
 * confirmed, so that whichever of the two the next run finds is the controller's.
 */
const UNDERIVABLE = [
  { kind: 'set-target-utilization', step: 'target-utilization', field: 'targetUtilization', pending: 'pendingTargetUtilization' },
  { kind: 'set-on-demand-percent', step: 'capacity', field: 'onDemandPercent', pending: 'pendingOnDemandPercent' },
] as const satisfies ReadonlyArray<{ kind: CostAction['kind']; step: ApplyStep; field: keyof CostState; pending: keyof CostState }>;

/** The percent a change to an underivable setting sets in `actions`, if any. */
function changeTo(actions: readonly CostAction[], kind: (typeof UNDERIVABLE)[number]['kind']): number | undefined {
  const a = actions.find((x) => x.kind === kind);
  return a && 'percent' in a ? a.percent : undefined;
}

/** The CPU target and on-demand share the group had when the run read it. */
export type FoundSettings = Pick<GroupSnapshot, 'targetUtilization' | 'onDemandPercent'>;

/**
 * The state's value of an underivable setting for the group as found: an override when it is not
 * the original, none when it is (the value the group keeps until a call changing it lands).
 */
function asFound(u: (typeof UNDERIVABLE)[number], found: FoundSettings, original: CostState['original']): number | undefined {
  const v = found[u.field];
  return v === undefined || v === original?.[u.field] ? undefined : v;
}

/** Whether a state keeps its original settings: while an override or a pending change is in it. */
function keepsOriginal(s: Record<string, unknown>): boolean {
  return ['cap', 'offHoursCapacity', 'onDemandPercent', 'targetUtilization', 'pendingTargetUtilization', 'pendingOnDemandPercent'].some(
    (k) => s[k] !== undefined,
  );
}

/**
 * The state written ahead of the actions: the decision's, except that a CPU target or on-demand
 * share it changes keeps the value the group was found with (it keeps that until the call lands),
 * with the value being set as pending and the original settings both restore to. A run that stops
 * anywhere after this write leaves the next one what it needs to finish: a restore to the
 * original is not taken for an outside change that makes the raised target the new original.
 */
export function stateWrittenAhead(prev: CostState | undefined, next: CostState, actions: readonly CostAction[], found: FoundSettings): CostState {
  const original = next.original ?? prev?.original;
  // Without the original settings a pending change could not be read back: written as decided.
  if (!original) return next;
  const out: Record<string, unknown> = { ...next };
  for (const u of UNDERIVABLE) {
    const to = changeTo(actions, u.kind);
    if (to === undefined) continue;
    out[u.field] = asFound(u, found, original);
    if (out[u.field] === undefined) delete out[u.field];
    out[u.pending] = to;
  }
  if (keepsOriginal(out)) out.original = original;
  return out;
}

const STEP_FIELDS: Record<ApplyStep, Array<keyof CostState>> = {
  capacity: ['cap', 'offHoursCapacity', 'onDemandPercent'],
  'target-utilization': ['targetUtilization'],
  vertical: ['lastVerticalAt'],
  'instance-refresh': ['pendingRefresh'],
};

/**
 * The state to keep after applying: the decision's state for what was applied (or needed no
 * call), the previous state for the fields of a step that failed or did not run; a CPU target or
 * on-demand share whose change failed or did not run keeps the value the group was `found` with
 * (the change pending when its call failed).
 */
export function stateAfterApply(
  prev: CostState | undefined,
  next: CostState,
  actions: readonly CostAction[],
  result: ApplyResult,
  found: FoundSettings,
): CostState {
  const attempted = new Set<ApplyStep>();
  for (const a of actions) {
    if (a.kind === 'set-capacity' || a.kind === 'set-on-demand-percent') attempted.add('capacity');
    if (a.kind === 'set-target-utilization') attempted.add('target-utilization');
    if (a.kind === 'change-instance-type') {
      attempted.add('vertical');
      attempted.add('instance-refresh');
    }
    if (a.kind === 'start-instance-refresh') attempted.add('instance-refresh');
  }
  const out: Record<string, unknown> = { ...next };
  for (const [step, fields] of Object.entries(STEP_FIELDS) as Array<[ApplyStep, Array<keyof CostState>]>) {
    if (!attempted.has(step)) continue;
    const ok = result.succeeded.includes(step);
    for (const f of fields) {
      if (step === 'instance-refresh') {
        // A vertical change made without its refresh leaves the refresh pending for the next run.
        if (ok) delete out.pendingRefresh;
        else if (result.succeeded.includes('vertical') || prev?.pendingRefresh) out.pendingRefresh = true;
        else delete out.pendingRefresh;
        continue;
      }
      if (ok) continue;
      const v = prev?.[f];
      if (v === undefined) delete out[f];
      else out[f] = v;
    }
  }
  // The budget step interval restarts only when a budget step really was applied.
  const budgetSteps: ApplyStep[] = ['capacity', 'target-utilization'];
  if (next.lastBudgetStepAt !== prev?.lastBudgetStepAt && !budgetSteps.some((st) => attempted.has(st) && result.succeeded.includes(st))) {
    if (prev?.lastBudgetStepAt === undefined) delete out.lastBudgetStepAt;
    else out.lastBudgetStepAt = prev.lastBudgetStepAt;
  }
  // The intended type travels with the pending refresh: kept while it is, dropped with it.
  if (!out.pendingRefresh) delete out.pendingInstanceType;
  else if (out.pendingInstanceType === undefined && prev?.pendingInstanceType !== undefined) out.pendingInstanceType = prev.pendingInstanceType;
  // A change to an underivable setting whose call failed may have landed all the same (a timeout
  // after AWS took it): it stays pending beside the value found. A call made, or never made, is not.
  const original = next.original ?? prev?.original;
  for (const u of UNDERIVABLE) {
    const to = changeTo(actions, u.kind);
    delete out[u.pending];
    if (to === undefined || result.succeeded.includes(u.step)) continue;
    out[u.field] = asFound(u, found, original);
    if (out[u.field] === undefined) delete out[u.field];
    if (result.failed?.step === u.step) out[u.pending] = to;
  }
  if (keepsOriginal(out) && original) out.original = original;
  else delete out.original;
  return out;
}
