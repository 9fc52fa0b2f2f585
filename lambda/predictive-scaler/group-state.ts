/**
 * Reads the Auto Scaling group the scaler plans for: its live bounds and desired capacity, and
 * the one-time scheduled actions under the scaler's own name prefix (other owners' actions are
 * never returned, so they are never touched).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import type { GroupState, OwnAction } from './scheduled-actions';

/** The live group, or undefined when no group has that name. */
export async function describeGroup(asg: AutoScalingClient, groupName: string): Promise<GroupState | undefined> {
  const res = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const g = res.AutoScalingGroups?.find((x) => x.AutoScalingGroupName === groupName);
  if (!g) return undefined;
  return {
    minSize: g.MinSize ?? 0,
    maxSize: g.MaxSize ?? 0,
    desiredCapacity: g.DesiredCapacity ?? 0,
    inService: (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
  };
}

/** The scaler's own scheduled actions on the group (name starts with `prefix`), every page. */
export async function listOwnActions(asg: AutoScalingClient, groupName: string, prefix: string): Promise<OwnAction[]> {
  const own: OwnAction[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: groupName, MaxRecords: 100, NextToken: token }));
    for (const a of res.ScheduledUpdateGroupActions ?? []) {
      if (!a.ScheduledActionName?.startsWith(prefix)) continue;
      own.push({
        name: a.ScheduledActionName,
        startTime: a.StartTime?.getTime() ?? a.Time?.getTime() ?? 0,
        ...(a.MinSize !== undefined ? { minSize: a.MinSize } : {}),
        ...(a.DesiredCapacity !== undefined ? { desiredCapacity: a.DesiredCapacity } : {}),
        ...(a.MaxSize !== undefined ? { maxSize: a.MaxSize } : {}),
      });
    }
    token = res.NextToken;
    pages++;
  } while (token && pages < 20);
  return own;
}
