/**
 * The cost optimizer on an in-memory group (test/support/fake-group), two review findings:
 * - an unsigned state tag written by 0.2.0 (before signatures) explains the MaxSize its cap left on
 *   the group on both reads of a run (the first one and the one right before writing): the upgrade
 *   is not taken for an operator's change that freezes the group for good;
 * - a restore of the CPU target that dies at any AWS call after its state was written ahead is
 *   finished by the next runs: the raised target is never adopted as the original.
 */
import type { GroupBaseline } from '../../../lambda/contract/group-baseline';
import { decodeCostState, encodeCostState } from '../../../lambda/core/cost';
import { FakeGroup, HOUR } from '../../support/fake-group';
import { costEnv, runCost } from '../../support/handler-runs';

const BASELINE: GroupBaseline = { minSize: 2, maxSize: 6, schedules: [] };
const TAG = 'cost-optimizer:state';
const AT = Date.parse('2026-11-30T09:00:00Z');
const TARGET = { TARGET_UTILIZATION_MAX_PERCENT: '70', TARGET_UTILIZATION_STEP_PERCENT: '10' };

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

// The tag keeps no original bounds (derivable from the baseline): read it with placeholders.
const stateOf = (g: FakeGroup) => (g.tags.get(TAG) ? decodeCostState(g.tags.get(TAG)!, { minSize: 0, maxSize: 0, desiredCapacity: 0 }) : {});

test("upgrade from 0.2.0: the cap of an unsigned state tag is the controller's on the read before writing too, not an operator hold", async () => {
  const g = new FakeGroup('web', BASELINE, AT, { min: 2, max: 3, desired: 3 });
  g.forecastPercent = 50;
  g.cpu = () => 20;
  restore = g.install();
  // As 0.2.0 left it: MaxSize 3 is its cap, the tag is not signed.
  g.tags.set(TAG, encodeCostState({ cap: 3, lastBudgetStepAt: AT - 20 * HOUR }, { boundsDerivable: true }));
  expect(g.tags.get(TAG)).toMatch(/^\{"v":1,"c":3,/);
  for (let i = 0; i < 3; i++) {
    g.advance(AT + i * HOUR);
    const r = await runCost(g, costEnv(g));
    expect(r.error).toBeUndefined();
    expect(r.summary!.outcome).not.toBe('held');
    expect(r.summary!.decision!.notes.join('\n')).not.toMatch(/operator hold/);
    expect(r.rec.published.find((p) => p.dimensions.AutoScalingGroupName === 'web')?.values.OperatorHold).toBe(0);
  }
  // Within budget: the group is back at its configured MaxSize, and the signed tag that replaced the
  // unsigned one records the 3 it found, so that no later run takes it for an operator's either.
  expect(g.view()).toMatchObject({ min: 2, max: 6 });
  expect(stateOf(g).cap).toBeUndefined();
  expect(stateOf(g).writtenMaxSizes).toEqual([3, 6]);
});

describe('a restore of the CPU target that dies at its k-th AWS call', () => {
  /** A group whose CPU target the optimizer raised 50 -> 70 an hour ago, now well within budget. */
  async function raised(): Promise<FakeGroup> {
    const g = new FakeGroup('web', BASELINE, AT, { min: 3, max: 6, desired: 4 });
    g.forecastPercent = 130;
    g.cpu = () => 20;
    restore = g.install();
    expect((await runCost(g, costEnv(g, TARGET))).error).toBeUndefined();
    expect(g.targetValue).toBe(70);
    expect(stateOf(g)).toMatchObject({ targetUtilization: 70, original: { targetUtilization: 50 } });
    g.advance(AT + HOUR);
    g.forecastPercent = 50;
    return g;
  }

  test.each([
    ['targetUtilizationBand removed by a redeploy (restored at once)', {}],
    ['targetUtilizationBand kept (restored step by step on the spend plan)', TARGET],
  ])('%s: the next runs finish the restore to the original 50%%, never adopting 70%% as the original', async (_what, env) => {
    const reference = await raised();
    reference.armFault(undefined); // counts the restore run's calls from 1
    expect((await runCost(reference, costEnv(reference, env))).error).toBeUndefined();
    const calls = reference.calls.slice(-reference.callCount);
    const put = calls.indexOf('PutScalingPolicy') + 1;
    const ahead = calls.indexOf('CreateOrUpdateTags') + 1;
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThan(put); // the state is written ahead of the policy
    restore!();
    for (let k = ahead; k <= calls.length; k++) {
      for (const mode of ['before', 'after'] as const) {
        const g = await raised();
        g.armFault({ k, mode });
        await runCost(g, costEnv(g, env));
        // Whatever the group has now (70 or the new target), the tag still knows the original.
        if (g.targetValue !== 50) expect({ k, mode, original: stateOf(g).original?.targetUtilization }).toEqual({ k, mode, original: 50 });
        g.armFault(undefined);
        const notes: string[] = [];
        for (let i = 2; i <= 9; i++) {
          g.advance(AT + i * HOUR);
          const r = await runCost(g, costEnv(g, env));
          expect({ k, mode, error: r.error }).toEqual({ k, mode, error: undefined });
          notes.push(...r.summary!.decision!.notes);
        }
        expect({ k, mode, target: g.targetValue, override: stateOf(g).targetUtilization }).toEqual({ k, mode, target: 50, override: undefined });
        expect({ k, mode, adopted: notes.filter((n) => /target utilization .*adopted as the original/.test(n)) }).toEqual({ k, mode, adopted: [] });
        restore!();
        restore = undefined;
      }
    }
  });
});
