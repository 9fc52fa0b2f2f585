/**
 * Applies the core's actions to the group, in three independent steps, and says which ones
 * succeeded so that the state written afterwards is what the group really has:
 * 1. bounds and on-demand share: one UpdateAutoScalingGroup (MinSize, MaxSize, DesiredCapacity,
 *    MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity);
 * 2. target utilization: PutScalingPolicy on the group's CPU target tracking policy (same
 *    name and configuration, new TargetValue);
 * 3. vertical: CreateLaunchTemplateVersion from the group's version with the new instance type,
 *    then the group is pointed at it ($Default: ModifyLaunchTemplate; a pinned number:
 *    UpdateAutoScalingGroup LaunchTemplate.Version; $Latest: nothing), then StartInstanceRefresh.
 * A step that fails stops the later steps; the error is returned to be logged and counted.
 */
import {
  type AutoScalingClient,
  PutScalingPolicyCommand,
  type ScalingPolicy,
  StartInstanceRefreshCommand,
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
      if (t.groupVersion === '$Default') {
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
      const r = await ctx.asg.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: ctx.groupName,
          Strategy: 'Rolling',
          Preferences: { MinHealthyPercentage: ctx.refreshMinHealthyPercent, SkipMatching: true },
        }),
      );
      calls.push(`StartInstanceRefresh ${r.InstanceRefreshId ?? ''}`.trim());
      succeeded.push('instance-refresh');
    }
  } catch (error) {
    return { succeeded, calls, failed: { step, error }, ...(newTemplateVersion !== undefined ? { newTemplateVersion } : {}) };
  }
  return { succeeded, calls, ...(newTemplateVersion !== undefined ? { newTemplateVersion } : {}) };
}
