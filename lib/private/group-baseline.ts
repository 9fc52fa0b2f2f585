import { ArnFormat, CfnResource, type IResolvable, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct, IConstruct } from 'constructs';
import { type BaselineSchedule, type GroupBaseline, encodeGroupBaseline } from '../../lambda/contract/group-baseline';
import { propPrefix } from './prop-path';
import { scheduleProblem } from '../../lambda/core';

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
  const path = propPrefix(scope);
  const read = { minCapacity: literalSize(cfnGroup?.minSize), maxCapacity: literalSize(cfnGroup?.maxSize) };
  const bound = (prop: 'minCapacity' | 'maxCapacity'): number => {
    const value = given[prop];
    const fromGroup = read[prop];
    if (value !== undefined) {
      if (Token.isUnresolved(value) || !Number.isInteger(value) || value < 0) {
        throw new Error(
          `${path}${prop} must be a literal integer >= 0 (the group's configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'}), got ${value}`,
        );
      }
      if (fromGroup !== undefined && fromGroup !== value) {
        throw new Error(
          `${path}${prop} (${value}) differs from the group's configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'} (${fromGroup}): leave ${path}${prop} out for a group defined in this app`,
        );
      }
      return value;
    }
    if (fromGroup === undefined) {
      throw new Error(
        cfnGroup
          ? `${path}${prop} is required: the group's ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'} is not a literal, so the scaler cannot read the configured bound it must restore`
          : `${path}${prop} is required for an imported group (${group.node.path}): the scaler cannot read its configured ${prop === 'minCapacity' ? 'MinSize' : 'MaxSize'}, which it must restore`,
      );
    }
    return fromGroup;
  };
  const minSize = bound('minCapacity');
  const maxSize = bound('maxCapacity');
  if (minSize > maxSize) throw new Error(`${path}minCapacity (${minSize}) must be <= ${path}maxCapacity (${maxSize})`);
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

/** A field of a scheduled action: its literal value, 'none' when not set, or 'token' when only known at deployment. */
function literal<T extends string | number>(stack: Stack, v: T | IResolvable | undefined, ok: (r: unknown) => r is T): T | 'none' | 'token' {
  if (v === undefined) return 'none';
  const r: unknown = stack.resolve(v);
  return ok(r) ? r : 'token';
}
const isSize = (r: unknown): r is number => typeof r === 'number' && Number.isInteger(r) && r >= 0;
const isText = (r: unknown): r is string => typeof r === 'string' && r.trim() !== '';

/**
 * How many characters of GROUP_BASELINE the handed-down schedules may take: Lambda allows 4 KB of
 * environment (keys and values) per function, shared with every other setting. Schedules past it
 * are not handed down; the functions read every schedule of the group at run time anyway.
 */
export const SCHEDULES_ENV_BUDGET = 1200;

/**
 * The group's own recurring scheduled actions in this stack (CfnScheduledAction on its name)
 * whose values are all literals, in a compact form, at most {@link SCHEDULES_ENV_BUDGET}
 * characters. A schedule with a deploy-time value (a CfnParameter MinSize or time zone), in
 * another stack, or past the budget is not handed down: the functions read it from AWS at run
 * time (DescribeScheduledActions), with the value AWS holds. Throws an error naming the action
 * when its recurrence or time zone cannot be read (AWS or the functions would reject it).
 */
export function groupSchedules(scope: IConstruct, group: autoscaling.IAutoScalingGroup): BaselineSchedule[] {
  const stack = Stack.of(scope);
  const groupName = JSON.stringify(stack.resolve(group.autoScalingGroupName));
  const all: BaselineSchedule[] = [];
  for (const c of stack.node.findAll()) {
    if (!(c instanceof autoscaling.CfnScheduledAction)) continue;
    if (JSON.stringify(stack.resolve(c.autoScalingGroupName)) !== groupName) continue;
    if (c.recurrence === undefined) continue; // one-time actions: the cost optimizer reads the pending ones at run time
    const recurrence = literal(stack, c.recurrence, isText);
    const timeZone = literal(stack, c.timeZone, isText);
    const path = c.node.id === 'Resource' && c.node.scope ? c.node.scope.node.path : c.node.path;
    if (recurrence !== 'token' && recurrence !== 'none') {
      const problem = scheduleProblem(recurrence, timeZone === 'token' || timeZone === 'none' ? undefined : timeZone);
      if (problem)
        throw new Error(
          `The group's scheduled action ${path} (recurrence '${recurrence}'${timeZone !== 'none' && timeZone !== 'token' ? `, timeZone '${timeZone}'` : ''}): ${problem}`,
        );
    }
    const fields = {
      startTime: literal(stack, c.startTime, isText),
      endTime: literal(stack, c.endTime, isText),
      minSize: literal(stack, c.minSize, isSize),
      maxSize: literal(stack, c.maxSize, isSize),
      desiredCapacity: literal(stack, c.desiredCapacity, isSize),
    };
    if (recurrence === 'token' || recurrence === 'none' || timeZone === 'token' || Object.values(fields).includes('token')) continue;
    const set = <K extends keyof typeof fields>(k: K) => (fields[k] === 'none' ? {} : { [k]: fields[k] });
    all.push({
      name: path.startsWith(`${stack.node.path}/`) ? path.slice(stack.node.path.length + 1) : path,
      recurrence: recurrence.trim().split(/\s+/).join(' '),
      ...(timeZone !== 'none' ? { timeZone } : {}),
      ...set('startTime'),
      ...set('endTime'),
      ...set('minSize'),
      ...set('maxSize'),
      ...set('desiredCapacity'),
    });
  }
  all.sort((a, b) => a.name.localeCompare(b.name));
  const out: BaselineSchedule[] = [];
  let size = 0;
  for (const s of all) {
    size += JSON.stringify(s).length + 1;
    if (size > SCHEDULES_ENV_BUDGET) break;
    out.push(s);
  }
  return out;
}
