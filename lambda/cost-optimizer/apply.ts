/**
 * Applies the core's actions to the group, in three independent steps, and says which ones
 * succeeded so that the state written afterwards is what the group really has:
 * 1. bounds and on-demand share: one UpdateAutoScalingGroup (MinSize, MaxSize, DesiredCapacity,
 *    MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity);
 * 2. target utilization: PutScalingPolicy on the group's CPU target tracking policy (same
 *    name and configuration, new TargetValue);
 * 3. vertical: CreateLaunchTemplateVersion from the group's version with the new instance type,
 *    then StartInstanceRefresh (see {@link refreshRequest}). A group on a numbered version (as
 *    ScalingGroup pins it) gets the new version as the refresh's desired configuration, with
 *    AutoRollback and the service's alarms: the group moves to it only if the refresh succeeds.
 *    A group on $Default or $Latest, or whose template takes its AMI from an SSM parameter,
 *    cannot be rolled back (AWS refuses it): the group is pointed at the new version first
 *    ($Default: ModifyLaunchTemplate; $Latest: nothing) and the refresh runs without rollback,
 *    which the call record says.
 * A step that fails stops the later steps; the error is returned to be logged and counted.
 */
import {
  type AutoScalingClient,
  PutScalingPolicyCommand,
  type ScalingPolicy,
  StartInstanceRefreshCommand,
  type StartInstanceRefreshCommandInput,
  UpdateAutoScalingGroupCommand,
  type UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { type _InstanceType, CreateLaunchTemplateVersionCommand, type EC2Client, ModifyLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import type { CostAction } from '../core/cost';
import type { GroupTemplate } from './observe';

export type ApplyStep = 'capacity' | 'target-utilization' | 'vertical' | 'instance-refresh';

export interface ApplyResult {
  /** Steps whose calls all succeeded. */
  readonly succeeded: ApplyStep[];
  /** Human-readable record of each call made. */
  readonly calls: string[];
  readonly failed?: { readonly step: ApplyStep; readonly error: unknown };
  /** Launch template version created for a vertical change. */
  readonly newTemplateVersion?: number;
}

export interface ApplyContext {
  readonly asg: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly groupName: string;
  readonly cpuPolicy?: ScalingPolicy;
  readonly template?: GroupTemplate;
  readonly refreshMinHealthyPercent: number;
  /** CloudWatch alarms that stop (and roll back) the instance refresh when they go to ALARM. */
  readonly refreshAlarmNames?: readonly string[];
}

/** The refresh's checkpoints: pause at half the group and at all of it, so that the alarms can see the new instances. */
export const REFRESH_CHECKPOINT_PERCENTAGES = [50, 100];
/** How long the refresh waits at each checkpoint (seconds). */
export const REFRESH_CHECKPOINT_DELAY_SECONDS = 600;

/** Why an instance refresh to a new version of `t` cannot roll back, or undefined when it can. */
export function rollbackBlocker(t: GroupTemplate): string | undefined {
  if (t.groupVersion === '$Default' || t.groupVersion === '$Latest')
    return `the group launches from ${t.groupVersion}: AWS rolls back only to a numbered launch template version`;
  if (t.imageId?.startsWith('resolve:ssm:'))
    return `the launch template takes its AMI from an SSM parameter (${t.imageId}): AWS cannot roll back to such a version`;
  return undefined;
}

/**
 * StartInstanceRefresh: Rolling, SkipMatching, checkpoints, the alarms; with a desired
 * configuration (a numbered launch template version) AutoRollback too. `rollback` says which,
 * and why not, for the run's log.
 */
export function refreshRequest(
  ctx: ApplyContext,
  desired: { readonly version: number } | undefined,
): { request: StartInstanceRefreshCommandInput; rollback: string } {
  const alarms = ctx.refreshAlarmNames ?? [];
  const t = ctx.template;
  const blocker = desired
    ? undefined
    : t
      ? (rollbackBlocker(t) ?? 'no new launch template version to roll out (a refresh left pending by an earlier run)')
      : 'no launch template';
  const request: StartInstanceRefreshCommandInput = {
    AutoScalingGroupName: ctx.groupName,
    Strategy: 'Rolling',
    ...(desired && t ? { DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: t.launchTemplateId, Version: String(desired.version) } } } : {}),
    Preferences: {
      MinHealthyPercentage: ctx.refreshMinHealthyPercent,
      SkipMatching: true,
      CheckpointPercentages: REFRESH_CHECKPOINT_PERCENTAGES,
      CheckpointDelay: REFRESH_CHECKPOINT_DELAY_SECONDS,
      ...(desired ? { AutoRollback: true } : {}),
      ...(alarms.length > 0 ? { AlarmSpecification: { Alarms: [...alarms] } } : {}),
    },
  };
  const watched = alarms.length > 0 ? `, alarms ${alarms.join(', ')}` : ', no alarms';
  return {
    request,
    rollback: desired
      ? `AutoRollback=true (back to v${t?.versionNumber} on a failure or an alarm)${watched}`
      : `AutoRollback=false (${blocker})${watched}`,
  };
}

export async function applyActions(actions: readonly CostAction[], ctx: ApplyContext): Promise<ApplyResult> {
  const succeeded: ApplyStep[] = [];
  const calls: string[] = [];
  let step: ApplyStep = 'capacity';
  let newTemplateVersion: number | undefined;
  try {
    const cap = actions.find((a) => a.kind === 'set-capacity');
    const od = actions.find((a) => a.kind === 'set-on-demand-percent');
    if (cap || od) {
      const input: UpdateAutoScalingGroupCommandInput = { AutoScalingGroupName: ctx.groupName };
      if (cap?.kind === 'set-capacity') {
        Object.assign(input, { MinSize: cap.minSize, MaxSize: cap.maxSize });
        if (cap.desiredCapacity !== undefined) input.DesiredCapacity = cap.desiredCapacity;
      }
      if (od?.kind === 'set-on-demand-percent') {
        input.MixedInstancesPolicy = { InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: od.percent } };
      }
      await ctx.asg.send(new UpdateAutoScalingGroupCommand(input));
      calls.push(`UpdateAutoScalingGroup ${JSON.stringify(input)}`);
      succeeded.push('capacity');
    }

    step = 'target-utilization';
    const tu = actions.find((a) => a.kind === 'set-target-utilization');
    if (tu?.kind === 'set-target-utilization') {
      const p = ctx.cpuPolicy;
      if (!p?.PolicyName || !p.TargetTrackingConfiguration) throw new Error('no CPU target tracking policy to update');
      await ctx.asg.send(
        new PutScalingPolicyCommand({
          AutoScalingGroupName: ctx.groupName,
          PolicyName: p.PolicyName,
          PolicyType: 'TargetTrackingScaling',
          ...(p.EstimatedInstanceWarmup !== undefined ? { EstimatedInstanceWarmup: p.EstimatedInstanceWarmup } : {}),
          TargetTrackingConfiguration: { ...p.TargetTrackingConfiguration, TargetValue: tu.percent },
        }),
      );
      calls.push(`PutScalingPolicy ${p.PolicyName} TargetValue=${tu.percent}`);
      succeeded.push('target-utilization');
    }

    step = 'vertical';
    const change = actions.find((a) => a.kind === 'change-instance-type');
    let desired: { readonly version: number } | undefined;
    if (change?.kind === 'change-instance-type') {
      const t = ctx.template;
      if (!t) throw new Error('the group has no launch template to version');
      const created = await ctx.ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: t.launchTemplateId,
          SourceVersion: String(t.versionNumber),
          VersionDescription: `cost-optimizer: ${change.from} -> ${change.to}`.slice(0, 255),
          LaunchTemplateData: { InstanceType: change.to as _InstanceType },
        }),
      );
      newTemplateVersion = created.LaunchTemplateVersion?.VersionNumber;
      if (newTemplateVersion === undefined) throw new Error('CreateLaunchTemplateVersion returned no version number');
      calls.push(`CreateLaunchTemplateVersion ${t.launchTemplateId} v${newTemplateVersion} from v${t.versionNumber} InstanceType=${change.to}`);
      if (rollbackBlocker(t) === undefined) {
        // A numbered version: the refresh carries the new version as its desired configuration and
        // the group moves to it only when the refresh succeeds (a rollback leaves it where it is).
        desired = { version: newTemplateVersion };
      } else if (t.groupVersion === '$Default') {
        await ctx.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: t.launchTemplateId, DefaultVersion: String(newTemplateVersion) }));
        calls.push(`ModifyLaunchTemplate ${t.launchTemplateId} DefaultVersion=${newTemplateVersion}`);
      } else if (t.groupVersion !== '$Latest') {
        await ctx.asg.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: ctx.groupName,
            LaunchTemplate: { LaunchTemplateId: t.launchTemplateId, Version: String(newTemplateVersion) },
          }),
        );
        calls.push(`UpdateAutoScalingGroup LaunchTemplate.Version=${newTemplateVersion}`);
      }
      succeeded.push('vertical');
    }

    step = 'instance-refresh';
    if (change || actions.some((a) => a.kind === 'start-instance-refresh')) {
      const input = refreshRequest(ctx, desired);
      const r = await ctx.asg.send(new StartInstanceRefreshCommand(input.request));
      calls.push(`StartInstanceRefresh ${r.InstanceRefreshId ?? ''} ${input.rollback}`.replace(/ +/g, ' '));
      succeeded.push('instance-refresh');
    }
  } catch (error) {
    return { succeeded, calls, failed: { step, error }, ...(newTemplateVersion !== undefined ? { newTemplateVersion } : {}) };
  }
  return { succeeded, calls, ...(newTemplateVersion !== undefined ? { newTemplateVersion } : {}) };
}
