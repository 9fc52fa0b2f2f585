import { DEFAULT_UNSERVED_BUDGET_PERCENT } from '../../../lambda/contract';
import { DEFAULT_PLANNER_UNSERVED_BUDGET } from '../../../lambda/core/plan-capacity';

test('the construct default unserved budget is the planner default (one value, two units)', () => {
  expect(DEFAULT_UNSERVED_BUDGET_PERCENT / 100).toBeCloseTo(DEFAULT_PLANNER_UNSERVED_BUDGET, 12);
});
