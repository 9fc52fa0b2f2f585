/**
 * Reads the Auto Scaling group the scaler plans for: its live bounds and desired capacity, and
 * the one-time scheduled actions under the scaler's own name prefix (other owners' actions are
 * never returned, so they are never touched).
 */
import { type AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { PAUSE_TAG_KEY } from '../contract/coordination';
import { decodeCostState } from '../core/cost';
import { verifyState } from '../shared/state-signature';
import type { RecurringAction } from '../core/capacity';
import { recurringActionOf } from '../shared/group-schedules';
import type { GroupState, OwnAction } from './scheduled-actions';

/** What the cost optimizer holds the group at (from its state tag): the caps the scaler plans under. */
export interface CostHold {
  /** The budget cap on MaxSize. */
  readonly budgetCap?: number;
  /** Off-hours: the group is held at this capacity. */
  readonly offHoursFloor?: number;
  /** The cost optimizer's level floor (MinSize over the troughs): the scaler's floors never undercut it. */
  readonly budgetFloor?: number;
}

/** What the live group says about who holds it: the pause tag, and the MaxSize values the cost optimizer may have left. */
export interface GroupHolders {
  readonly pauseTag?: string;
  /** MaxSize values the cost optimizer's state says it wrote (also from a state it did not sign: they only explain). */
  readonly controllerMaxSizes: number[];
  /** The cost optimizer's state tag is there but not signed by it: not planned under. */
  readonly untrustedCostState?: boolean;
}

/**
 * The live group, or undefined when no group has that name; with `costStateTagKey`, also what the
 * cost optimizer holds it at (an unreadable state tag is no hold: the live MaxSize still bounds).
 */
export async function describeGroup(
  asg: AutoScalingClient,
  groupName: string,
  costStateTagKey?: string,
  stateSigner?: { readonly key: string; readonly groupName: string },
): Promise<(GroupState & { costHold?: CostHold; holders?: GroupHolders }) | undefined> {
  const res = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const g = res.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === groupName);
  if (!g) return undefined;
  // Missing bounds are missing data, not zeros: a MaxSize of 0 would clamp the plan to nothing
  // and remove the raised floors in place. The run fails instead and changes nothing.
  for (const [field, v] of [
    ['MinSize', g.MinSize],
    ['MaxSize', g.MaxSize],
    ['DesiredCapacity', g.DesiredCapacity],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw Object.assign(new Error(`Auto Scaling group '${groupName}' has no valid ${field} (got ${String(v)})`), { name: 'MissingGroupData' });
    }
  }
  let costHold: CostHold | undefined;
  const controllerMaxSizes: number[] = [];
  let untrustedCostState = false;
  const tag = costStateTagKey === undefined ? undefined : g.Tags?.find((t) => t.Key === costStateTagKey)?.Value;
  if (tag) {
    // Trusted only if the cost optimizer signed it (when the coordination table gives the key).
    const v = stateSigner ? verifyState(tag, stateSigner.key, stateSigner.groupName) : { text: tag, trusted: true };
    try {
      const st = decodeCostState(v.text, { minSize: 0, maxSize: 0, desiredCapacity: 0 }); // only the caps are read
      controllerMaxSizes.push(...[st.cap, st.offHoursCapacity, ...(st.writtenMaxSizes ?? [])].filter((x): x is number => x !== undefined));
      if (v.trusted) {
        costHold = {
          ...(st.cap !== undefined ? { budgetCap: st.cap } : {}),
          ...(st.offHoursCapacity !== undefined ? { offHoursFloor: st.offHoursCapacity } : {}),
          ...(st.floor !== undefined ? { budgetFloor: st.floor } : {}),
        };
      } else untrustedCostState = true;
    } catch {
      costHold = undefined;
    }
  }
  const pauseTag = g.Tags?.find((t) => t.Key === PAUSE_TAG_KEY)?.Value;
  const holders: GroupHolders = {
    ...(pauseTag !== undefined ? { pauseTag } : {}),
    controllerMaxSizes,
    ...(untrustedCostState ? { untrustedCostState } : {}),
  };
  return {
    minSize: g.MinSize!,
    maxSize: g.MaxSize!,
    desiredCapacity: g.DesiredCapacity!,
    inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
    ...(costHold !== undefined ? { costHold } : {}),
    holders,
  };
}

/** The group's scheduled actions: the scaler's own (name starts with the prefix) and when others run. */
export interface ScheduledActionsView {
  readonly own: OwnAction[];
  /** Start times (epoch ms) of other owners' actions: the scaler never schedules in the same minute. */
  readonly otherStartTimes: number[];
  /** Other owners' recurring actions: the group's own schedules, wherever they were defined. */
  readonly recurring: RecurringAction[];
}

/** Lists the group's scheduled actions, every page; other owners' actions are only read. */
export async function listScheduledActions(asg: AutoScalingClient, groupName: string, prefix: string): Promise<ScheduledActionsView> {
  const own: OwnAction[] = [];
  const otherStartTimes: number[] = [];
  const recurring: RecurringAction[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: groupName, MaxRecords: 100, NextToken: token }));
    for (const a of res.ScheduledUpdateGroupActions ?? []) {
      const start = a.StartTime?.getTime() ?? a.Time?.getTime();
      if (!a.ScheduledActionName?.startsWith(prefix)) {
        if (start !== undefined) otherStartTimes.push(start);
        const r = recurringActionOf(a);
        if (r) recurring.push(r);
        continue;
      }
      own.push({
        name: a.ScheduledActionName,
        startTime: start ?? 0,
        ...(a.MinSize !== undefined ? { minSize: a.MinSize } : {}),
        ...(a.DesiredCapacity !== undefined ? { desiredCapacity: a.DesiredCapacity } : {}),
        ...(a.MaxSize !== undefined ? { maxSize: a.MaxSize } : {}),
      });
    }
    token = res.NextToken;
    pages++;
    // A list cut short would miss own actions (never replaced nor removed) and others' minutes.
    if (token && pages >= 20)
      throw Object.assign(new Error('DescribeScheduledActions still had pages after 20: the scheduled actions are incomplete'), {
        name: 'IncompleteData',
      });
  } while (token);
  return { own, otherStartTimes, recurring };
}
