/**
 * The forecast overrun the run publishes (`ForecastOverrunPercent`): the spend plan's, or, when the
 * MaxSize the run leaves in force is above the plan's cap (a bound the decision does not set holds
 * it up: the user's scheduled MinSize, a pending scheduled floor, an operator), what the month costs
 * at that MaxSize. So the metric, and the alarm on it, say what the group will really spend.
 */
import type { CostDecision } from '../core/cost';

/** MaxSize in force after the run: the one its set-capacity action writes, else the group's. */
export function maxSizeInForce(decision: CostDecision, liveMaxSize: number): number {
  const set = decision.actions.find((a) => a.kind === 'set-capacity');
  return set?.kind === 'set-capacity' ? set.maxSize : liveMaxSize;
}

/**
 * The overrun (percent of the limit) to publish, and a note when the MaxSize in force is above the
 * plan's cap; the plan's own overrun when the spend plan did not decide (threshold steps).
 */
export function overrunInForce(decision: CostDecision, liveMaxSize: number): { percent?: number; note?: string } {
  const plan = decision.plan;
  const planned = plan.forecastOverrunPercent;
  if (planned === undefined || !decision.overrunAtMaxSize) return { percent: planned };
  const inForce = maxSizeInForce(decision, liveMaxSize);
  const cap = plan.plannedCap;
  if (cap === undefined || inForce <= cap) return { percent: planned };
  const atForce = decision.overrunAtMaxSize(inForce);
  if (atForce <= planned + 1e-9) return { percent: planned };
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    percent: atForce,
    note: `MaxSize ${inForce} is in force above the plan's cap ${cap} (${plan.budgetMode ?? 'hard'}): forecast overrun ${r(atForce)}% of the limit, not ${r(planned)}%`,
  };
}
