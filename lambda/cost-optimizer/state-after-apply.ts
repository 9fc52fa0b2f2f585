/** What the cost optimizer keeps in its state tag after applying a decision (see {@link stateAfterApply}). */
import type { CostAction, CostState } from '../core/cost';
import type { ApplyResult, ApplyStep } from './apply';

const STEP_FIELDS: Record<ApplyStep, Array<keyof CostState>> = {
  capacity: ['cap', 'offHoursCapacity', 'onDemandPercent'],
  'target-utilization': ['targetUtilization'],
  vertical: ['lastVerticalAt'],
  'instance-refresh': ['pendingRefresh'],
};

/**
 * The state to keep after applying: the decision's state for what was applied (or needed no
 * call), the previous state for the fields of a step that failed or did not run.
 */
export function stateAfterApply(prev: CostState | undefined, next: CostState, actions: readonly CostAction[], result: ApplyResult): CostState {
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
  const overrides = ['cap', 'offHoursCapacity', 'onDemandPercent', 'targetUtilization'].some((k) => out[k] !== undefined);
  const original = next.original ?? prev?.original;
  if (overrides && original) out.original = original;
  else delete out.original;
  return out;
}
