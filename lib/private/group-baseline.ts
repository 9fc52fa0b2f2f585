import { ArnFormat, CfnResource, type IResolvable, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct, IConstruct } from 'constructs';
import { type BaselineSchedule, type GroupBaseline, encodeGroupBaseline } from '../../lambda/contract/group-baseline';

/** The group's configured bounds as the user states them (for a group the construct cannot read). */
export interface GivenCapacity {
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

/** The group's configuration a scaler construct hands down (internal). */
export interface GroupConfiguration {
  /** The group's L1 resource, when the group is an L2 AutoScalingGroup of this app. */
  readonly cfnGroup?: autoscaling.CfnAutoScalingGroup;
  readonly minSize: number;
  readonly maxSize: number;
  /** GROUP_BASELINE, rendered at synthesis so that schedules added later count. */
  readonly baselineEnv: string;
}

/** The L1 group behind an L2 AutoScalingGroup, undefined for an imported group. */
export function cfnGroupOf(group: autoscaling.IAutoScalingGroup): autoscaling.CfnAutoScalingGroup | undefined {
  const child = group.node.defaultChild;
  return child && CfnResource.isCfnResource(child) && child.cfnResourceType === autoscaling.CfnAutoScalingGroup.CFN_RESOURCE_TYPE_NAME
    ? (child as autoscaling.CfnAutoScalingGroup)
    : undefined;
}

/** The ARN IAM writes are scoped to: the group by name (its ARN's generated id is a wildcard). */
export function groupArnByName(scope: Construct, group: autoscaling.IAutoScalingGroup): string {
  return Stack.of(scope).formatArn({
    service: 'autoscaling',
    resource: 'autoScalingGroup',
    resourceName: `*:autoScalingGroupName/${group.autoScalingGroupName}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function literalSize(v: string | undefined): number | undefined {
  return v !== undefined && !Token.isUnresolved(v) && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Reads the group's configured MinSize and MaxSize (from its CfnAutoScalingGroup, or from
 * `minCapacity`/`maxCapacity` for a group it cannot read) and prepares GROUP_BASELINE with the
 * instance type and the group's own scheduled actions, read at synthesis. Throws an error naming
 * the prop when the bounds are unknown or disagree.
 */
export function readGroupConfiguration(
  scope: Construct,
  group: autoscaling.IAutoScalingGroup,
  given: GivenCapacity,
  instanceType?: () => string | undefined,
): GroupConfiguration {
  const cfnGroup = cfnGroupOf(group);
  const read = { minCapacity: literalSize(cfnGroup?.minSize), maxCapacity: literalSize(cfnGroup?.maxSize) };
  const bound = (prop: 'minCapacity' | 'maxCapacity'): number => {
    const value = given[prop];
    const fromGroup = read[prop];
    if (value !== undefined) {
      if (Token.isUnresolved(value) || !Number.isInteger(value) || value < 0) {
        throw new Error(
          `${prop} must be a literal integer >= 0 (the group's configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'}), got ${value}`,
        );
      }
      if (fromGroup !== undefined && fromGroup !== value) {
        throw new Error(
          `${prop} (${value}) differs from the group's configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'} (${fromGroup}): leave ${prop} out for a group defined in this app`,
        );
      }
      return value;
    }
    if (fromGroup === undefined) {
      throw new Error(
        cfnGroup
          ? `${prop} is required: the group's ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'} is not a literal, so the scaler cannot read the configured bound it must restore`
          : `${prop} is required for an imported group (${group.node.path}): the scaler cannot read its configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'}, which it must restore`,
      );
    }
    return fromGroup;
  };
  const minSize = bound('minCapacity');
  const maxSize = bound('maxCapacity');
  if (minSize > maxSize) throw new Error(`minCapacity (${minSize}) must be <= maxCapacity (${maxSize})`);
  const baselineEnv = Lazy.string({
    produce: () => {
      const type = instanceType?.() ?? (cfnGroup ? launchTemplateInstanceType(cfnGroup) : undefined);
      const baseline: GroupBaseline = {
        minSize,
        maxSize,
        ...(type !== undefined ? { instanceType: type } : {}),
        schedules: groupSchedules(scope, group),
      };
      return encodeGroupBaseline(baseline);
    },
  });
  return { cfnGroup, minSize, maxSize, baselineEnv };
}

/** The instance type of the launch template the L1 group launches from, when it is one of this stack's. */
function launchTemplateInstanceType(cfnGroup: autoscaling.CfnAutoScalingGroup): string | undefined {
  const stack = Stack.of(cfnGroup);
  const spec = stack.resolve(cfnGroup.launchTemplate) as { launchTemplateId?: unknown; LaunchTemplateId?: unknown } | undefined;
  const id = spec && (spec.LaunchTemplateId ?? spec.launchTemplateId);
  if (id === undefined) return undefined;
  const wanted = JSON.stringify(id);
  for (const c of stack.node.findAll()) {
    if (c instanceof ec2.LaunchTemplate && c.instanceType && JSON.stringify(stack.resolve(c.launchTemplateId)) === wanted) {
      return c.instanceType.toString();
    }
  }
  return undefined;
}

const num = (stack: Stack, v: number | IResolvable | undefined): number | undefined => {
  const r: unknown = v === undefined ? undefined : stack.resolve(v);
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : undefined;
};
const str = (stack: Stack, v: string | undefined): string | undefined => {
  const r: unknown = v === undefined ? undefined : stack.resolve(v);
  return typeof r === 'string' && r.trim() !== '' ? r : undefined;
};

/** The group's own recurring scheduled actions in this stack (CfnScheduledAction on its name). */
export function groupSchedules(scope: IConstruct, group: autoscaling.IAutoScalingGroup): BaselineSchedule[] {
  const stack = Stack.of(scope);
  const groupName = JSON.stringify(stack.resolve(group.autoScalingGroupName));
  const out: BaselineSchedule[] = [];
  for (const c of stack.node.findAll()) {
    if (!(c instanceof autoscaling.CfnScheduledAction)) continue;
    if (JSON.stringify(stack.resolve(c.autoScalingGroupName)) !== groupName) continue;
    const recurrence = str(stack, c.recurrence);
    if (recurrence === undefined || recurrence.trim().split(/\s+/).length !== 5) continue; // one-time actions pass by themselves
    const timeZone = str(stack, c.timeZone);
    const startTime = str(stack, c.startTime);
    const endTime = str(stack, c.endTime);
    const minSize = num(stack, c.minSize);
    const maxSize = num(stack, c.maxSize);
    const desiredCapacity = num(stack, c.desiredCapacity);
    out.push({
      name: c.node.path,
      recurrence,
      ...(timeZone !== undefined ? { timeZone } : {}),
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      ...(minSize !== undefined ? { minSize } : {}),
      ...(maxSize !== undefined ? { maxSize } : {}),
      ...(desiredCapacity !== undefined ? { desiredCapacity } : {}),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
