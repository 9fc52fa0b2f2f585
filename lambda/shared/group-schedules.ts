/**
 * Reads the group's recurring scheduled actions at run time (DescribeScheduledActions, every
 * page), for both handlers to merge with the construct's baseline (`withGroupSchedules` in the
 * core): the group's schedules count wherever they were defined (another stack, an imported
 * group, the console, a CfnParameter value), and any number of them fits, since none has to
 * travel in the function's environment.
 */
import { type AutoScalingClient, DescribeScheduledActionsCommand, type ScheduledUpdateGroupAction } from '@aws-sdk/client-auto-scaling';
import type { GroupBaseline } from '../contract/group-baseline';
import { type RecurringAction, withGroupSchedules } from '../core/capacity';

/** A NextToken loop ends here: a list cut short would miss schedules, so the run fails instead. */
const MAX_PAGES = 20;

/** A recurring action as the core models it; undefined for a one-time action. */
export function recurringActionOf(a: ScheduledUpdateGroupAction): RecurringAction | undefined {
  if (!a.Recurrence || !a.ScheduledActionName) return undefined;
  return {
    name: a.ScheduledActionName,
    recurrence: a.Recurrence,
    ...(a.TimeZone ? { timeZone: a.TimeZone } : {}),
    ...(a.StartTime ? { startTime: a.StartTime.getTime() } : {}),
    ...(a.EndTime ? { endTime: a.EndTime.getTime() } : {}),
    ...(a.MinSize !== undefined ? { minSize: a.MinSize } : {}),
    ...(a.MaxSize !== undefined ? { maxSize: a.MaxSize } : {}),
    ...(a.DesiredCapacity !== undefined ? { desiredCapacity: a.DesiredCapacity } : {}),
  };
}

/** The group's recurring scheduled actions, every page. */
export async function readRecurringActions(asg: AutoScalingClient, groupName: string): Promise<RecurringAction[]> {
  const out: RecurringAction[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: groupName, MaxRecords: 100, NextToken: token }));
    for (const a of res.ScheduledUpdateGroupActions ?? []) {
      const r = recurringActionOf(a);
      if (r) out.push(r);
    }
    token = res.NextToken;
    if (token && ++pages >= MAX_PAGES) {
      throw Object.assign(new Error(`DescribeScheduledActions still had pages after ${MAX_PAGES}: the group's schedules are incomplete`), {
        name: 'IncompleteData',
      });
    }
  } while (token);
  return out;
}

/** The baseline with every recurring action AWS holds for the group merged in (see the core's rule). */
export async function baselineWithGroupSchedules(
  asg: AutoScalingClient,
  groupName: string,
  baseline: GroupBaseline,
  now: number,
  ownPrefix?: string,
): Promise<GroupBaseline> {
  return withGroupSchedules(baseline, await readRecurringActions(asg, groupName), now, ownPrefix);
}
