/**
 * Applies an action plan to the group: the immediate raise first (the most urgent), then the
 * new and changed scheduled actions, then the removal of the scaler's stale ones. Stale actions
 * are removed only when every put succeeded, so a failed run leaves the group with a plan that
 * is at worst older and higher, never a gap.
 */
import {
  AutoScalingClient, BatchDeleteScheduledActionCommand, BatchPutScheduledUpdateGroupActionCommand, SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import type { OwnAction } from './scheduled-actions';

/** BatchPutScheduledUpdateGroupAction and BatchDeleteScheduledAction take at most 50 actions. */
const BATCH = 50;

export interface ApplyRequest {
  readonly groupName: string;
  readonly immediateDesired?: number;
  readonly put: readonly OwnAction[];
  readonly remove: readonly string[];
}

export interface ApplyResult {
  readonly desiredSet?: number;
  readonly put: number;
  readonly removed: number;
  /** Actions AWS refused, with its error code and message. */
  readonly failed: { name: string; stage: 'put' | 'delete'; code?: string; message?: string }[];
  /** Stale actions left because a put failed. */
  readonly removalSkipped: number;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Applies the request; an SDK error (after its retries) propagates to the caller. */
export async function applyPlan(asg: AutoScalingClient, req: ApplyRequest): Promise<ApplyResult> {
  const failed: ApplyResult['failed'][number][] = [];
  let desiredSet: number | undefined;
  if (req.immediateDesired !== undefined) {
    await asg.send(new SetDesiredCapacityCommand({
      AutoScalingGroupName: req.groupName,
      DesiredCapacity: req.immediateDesired,
      HonorCooldown: false,
    }));
    desiredSet = req.immediateDesired;
  }
  let put = 0;
  for (const batch of chunks(req.put, BATCH)) {
    const res = await asg.send(new BatchPutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: req.groupName,
      ScheduledUpdateGroupActions: batch.map((a) => ({
        ScheduledActionName: a.name,
        StartTime: new Date(a.startTime),
        ...(a.minSize !== undefined ? { MinSize: a.minSize } : {}),
        ...(a.desiredCapacity !== undefined ? { DesiredCapacity: a.desiredCapacity } : {}),
      })),
    }));
    const bad = res.FailedScheduledUpdateGroupActions ?? [];
    for (const f of bad) failed.push({ name: f.ScheduledActionName ?? '?', stage: 'put', code: f.ErrorCode, message: f.ErrorMessage });
    put += batch.length - bad.length;
  }
  let removed = 0;
  const removalSkipped = failed.length > 0 ? req.remove.length : 0;
  if (failed.length === 0) {
    for (const batch of chunks(req.remove, BATCH)) {
      const res = await asg.send(new BatchDeleteScheduledActionCommand({ AutoScalingGroupName: req.groupName, ScheduledActionNames: batch }));
      // An action that ran in the meantime is already gone (AWS deletes one-time actions after they run).
      const bad = (res.FailedScheduledActions ?? []).filter((f) => !/not found/i.test(f.ErrorMessage ?? ''));
      for (const f of bad) failed.push({ name: f.ScheduledActionName ?? '?', stage: 'delete', code: f.ErrorCode, message: f.ErrorMessage });
      removed += batch.length - bad.length;
    }
  }
  return { ...(desiredSet !== undefined ? { desiredSet } : {}), put, removed, failed, removalSkipped };
}
