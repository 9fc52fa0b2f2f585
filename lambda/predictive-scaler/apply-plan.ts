/**
 * Applies an action plan to the group: the immediate raise first (the most urgent; made only above
 * the desired capacity and within the MaxSize the group has right then), then the
 * new and changed scheduled actions (also when the raise failed: the plan's floor one minute
 * later then brings the capacity up), then the removal of the scaler's stale ones. Stale actions
 * are removed only when everything before succeeded, so a failed run leaves the group with a
 * plan that is at worst older and higher, never a gap.
 */
import {
  type AutoScalingClient,
  BatchDeleteScheduledActionCommand,
  BatchPutScheduledUpdateGroupActionCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { describeGroup } from './group-state';
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
  /**
   * The raise was not made because the group, read again just before it, already had that much
   * (target tracking scaled out while the run planned) or a lower MaxSize (the cost optimizer
   * capped it): what the group had then.
   */
  readonly desiredSkipped?: { readonly liveDesired: number; readonly liveMaxSize: number };
  /** The SetDesiredCapacity error, when the immediate raise failed (after the SDK's retries). */
  readonly immediateError?: unknown;
  /**
   * The error a BatchPut/BatchDelete call ended with (after the SDK's retries): the calls after it
   * were not made, and the counts say what was done before it.
   */
  readonly callError?: unknown;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Applies the request. A SetDesiredCapacity error is returned in `immediateError` (the puts still
 * run); a put or delete call error (after the SDK's retries) stops the later calls and is
 * returned in `callError` with what was done before it, so the run's log line says both.
 */
export async function applyPlan(asg: AutoScalingClient, req: ApplyRequest): Promise<ApplyResult> {
  const failed: ApplyResult['failed'][number][] = [];
  let desiredSet: number | undefined;
  let desiredSkipped: ApplyResult['desiredSkipped'];
  let immediateError: unknown;
  if (req.immediateDesired !== undefined) {
    try {
      // The group was read before planning (seconds ago): SetDesiredCapacity is absolute, so a
      // scale-out or a lower MaxSize since then would make this raise a lowering or exceed the
      // cap. Read again right before it, raise only above the live desired, never above the live
      // MaxSize.
      const live = await describeGroup(asg, req.groupName);
      if (!live) throw Object.assign(new Error(`Auto Scaling group '${req.groupName}' not found`), { name: 'GroupNotFound' });
      const target = Math.min(req.immediateDesired, live.maxSize);
      if (target > live.desiredCapacity) {
        await asg.send(
          new SetDesiredCapacityCommand({
            AutoScalingGroupName: req.groupName,
            DesiredCapacity: target,
            HonorCooldown: false,
          }),
        );
        desiredSet = target;
      } else {
        desiredSkipped = { liveDesired: live.desiredCapacity, liveMaxSize: live.maxSize };
      }
    } catch (e) {
      immediateError = e;
    }
  }
  let put = 0;
  let removed = 0;
  let removalSkipped = 0;
  let callError: unknown;
  try {
    for (const batch of chunks(req.put, BATCH)) {
      const res = await asg.send(
        new BatchPutScheduledUpdateGroupActionCommand({
          AutoScalingGroupName: req.groupName,
          ScheduledUpdateGroupActions: batch.map((a) => ({
            ScheduledActionName: a.name,
            StartTime: new Date(a.startTime),
            ...(a.minSize !== undefined ? { MinSize: a.minSize } : {}),
            ...(a.desiredCapacity !== undefined ? { DesiredCapacity: a.desiredCapacity } : {}),
          })),
        }),
      );
      const bad = res.FailedScheduledUpdateGroupActions ?? [];
      for (const f of bad) failed.push({ name: f.ScheduledActionName ?? '?', stage: 'put', code: f.ErrorCode, message: f.ErrorMessage });
      put += batch.length - bad.length;
    }
    const ok = failed.length === 0 && immediateError === undefined;
    removalSkipped = ok ? 0 : req.remove.length;
    if (ok) {
      for (const batch of chunks(req.remove, BATCH)) {
        const res = await asg.send(new BatchDeleteScheduledActionCommand({ AutoScalingGroupName: req.groupName, ScheduledActionNames: batch }));
        // An action that ran in the meantime is already gone (AWS deletes one-time actions after they run).
        const bad = (res.FailedScheduledActions ?? []).filter((f) => !/not found/i.test(f.ErrorMessage ?? ''));
        for (const f of bad) failed.push({ name: f.ScheduledActionName ?? '?', stage: 'delete', code: f.ErrorCode, message: f.ErrorMessage });
        removed += batch.length - bad.length;
      }
    }
  } catch (e) {
    callError = e;
    removalSkipped = req.remove.length - removed;
  }
  return {
    ...(desiredSet !== undefined ? { desiredSet } : {}),
    ...(desiredSkipped !== undefined ? { desiredSkipped } : {}),
    put,
    removed,
    failed,
    removalSkipped,
    ...(immediateError !== undefined ? { immediateError } : {}),
    ...(callError !== undefined ? { callError } : {}),
  };
}
