import { CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import { type CfnAutoScalingGroup, CfnScalingPolicy, CfnScheduledAction } from 'aws-cdk-lib/aws-autoscaling';
import { CfnCapacityProvider } from 'aws-cdk-lib/aws-ecs';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { NagRules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Lookups over the synthesized construct tree shared by the rules (not exported from the
 * package). Everything here reads L1 properties through `Stack.of(node).resolve(...)`, the way
 * cdk-nag's own rules do, so it works for resources made by any construct library.
 */

/**
 * The value with every token resolved in the scope of `node`'s stack: plain JSON of unknown shape
 * (a literal, an intrinsic, or a struct), read with {@link field} and narrowed by the caller.
 */
export function resolve(node: CfnResource, value: unknown): unknown {
  return Stack.of(node).resolve(value);
}

/**
 * The property `name` (camelCase) of a resolved struct, or `undefined` when the value is not an
 * object. `Stack.resolve` leaves an L1 struct's keys as written (camelCase), while escape hatches
 * and raw overrides use CloudFormation's (PascalCase): both are read.
 */
export function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const struct = value as Record<string, unknown>;
  return struct[name] ?? struct[name.charAt(0).toUpperCase() + name.slice(1)];
}

/** The final logical id of a resource (honours `overrideLogicalId`). */
export function logicalIdOf(node: CfnResource): string {
  return String(Stack.of(node).resolve(node.logicalId));
}

/**
 * A literal number from a resolved CloudFormation value (numbers and numeric strings, as
 * CloudFormation types `MaxSize` and friends as strings), or `undefined` when the value is
 * absent or not a literal (a parameter, an intrinsic).
 */
export function literalNumber(node: CfnResource, value: unknown): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const resolved = resolve(node, value);
  if (typeof resolved === 'number') {
    return resolved;
  }
  if (typeof resolved === 'string' && resolved.trim() !== '' && !Token.isUnresolved(resolved)) {
    const n = Number(resolved);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A literal string from a resolved value, or `undefined` when absent or not a literal. */
export function literalString(node: CfnResource, value: unknown): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const resolved = resolve(node, value);
  return typeof resolved === 'string' && !Token.isUnresolved(resolved) ? resolved : undefined;
}

/** All CloudFormation resources in the stack of `node` (the stack the rule runs in). */
export function resourcesInStack(node: CfnResource): CfnResource[] {
  return cfnResourcesUnder(Stack.of(node));
}

/**
 * All CloudFormation resources in the stage (or app) that holds `node`'s stack: account-wide
 * things such as budgets are often kept in their own stack.
 */
export function resourcesInStage(node: CfnResource): CfnResource[] {
  return cfnResourcesUnder(Stage.of(node) ?? node.node.root);
}

function cfnResourcesUnder(scope: IConstruct): CfnResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

/**
 * Whether a CloudFormation value refers to `target`: a `Ref` or `Fn::GetAtt` on its logical id
 * (what CDK renders for references inside one stack), or the literal `literalName` when the
 * target has a literal physical name.
 */
export function refersTo(node: CfnResource, value: unknown, target: CfnResource, literalName?: string): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  const referenced: unknown = NagRules.resolveResourceFromIntrinsic(node, value);
  if (typeof referenced !== 'string') {
    return false;
  }
  return referenced === logicalIdOf(target) || (literalName !== undefined && referenced === literalName);
}

/** The literal `AutoScalingGroupName` of a group, when it has one. */
export function groupLiteralName(group: CfnAutoScalingGroup): string | undefined {
  return literalString(group, group.autoScalingGroupName);
}

/** Scaling policies in the group's stack whose `AutoScalingGroupName` refers to the group. */
export function policiesOfGroup(group: CfnAutoScalingGroup): CfnScalingPolicy[] {
  const name = groupLiteralName(group);
  return resourcesInStack(group)
    .filter((r): r is CfnScalingPolicy => r instanceof CfnScalingPolicy)
    .filter((p) => refersTo(p, p.autoScalingGroupName, group, name));
}

/**
 * ECS capacity providers in the group's stack that use the group (`AutoScalingGroupProvider.
 * AutoScalingGroupArn` refers to it: ECS accepts the group's name or ARN) with managed scaling
 * `ENABLED`: ECS then creates and owns the group's target tracking policy (with the provider's
 * instance warmup period, 300 seconds unless set).
 */
export function ecsManagedScalingProvidersOf(group: CfnAutoScalingGroup): CfnCapacityProvider[] {
  const name = groupLiteralName(group);
  return resourcesInStack(group)
    .filter((r): r is CfnCapacityProvider => r instanceof CfnCapacityProvider)
    .filter((cp) => {
      const provider = resolve(cp, cp.autoScalingGroupProvider);
      const arn = field(provider, 'autoScalingGroupArn');
      const status = field(field(provider, 'managedScaling'), 'status');
      return (
        status === 'ENABLED' &&
        (refersTo(cp, arn, group, name) || (name !== undefined && typeof arn === 'string' && arn.endsWith(`:autoScalingGroupName/${name}`)))
      );
    });
}

/** Scheduled actions in the group's stack that refer to the group. */
export function scheduledActionsOf(group: CfnAutoScalingGroup): CfnScheduledAction[] {
  const name = groupLiteralName(group);
  return resourcesInStack(group)
    .filter((r): r is CfnScheduledAction => r instanceof CfnScheduledAction)
    .filter((a) => refersTo(a, a.autoScalingGroupName, group, name));
}

/** Scheduled actions in the group's stack that set the group's MinSize or MaxSize. */
export function boundChangingScheduledActionsOf(group: CfnAutoScalingGroup): CfnScheduledAction[] {
  return scheduledActionsOf(group).filter((a) => resolve(a, a.minSize) !== undefined || resolve(a, a.maxSize) !== undefined);
}

/** Whether a group cannot scale at all because its literal MinSize equals its literal MaxSize. */
export function isFixedSizeGroup(group: CfnAutoScalingGroup): boolean {
  const min = literalNumber(group, group.minSize);
  const max = literalNumber(group, group.maxSize);
  return min !== undefined && max !== undefined && min === max;
}

/** One metric an alarm watches: the alarm's own metric or a `MetricStat` of its metric math. */
interface WatchedMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: ReadonlyArray<{ readonly name?: string; readonly value?: unknown }>;
}

function watchedMetrics(alarm: CfnAlarm): WatchedMetric[] {
  const out: WatchedMetric[] = [];
  const dims = (raw: unknown) =>
    Array.isArray(raw) ? raw.map((d: unknown) => ({ name: optionalString(field(d, 'name')), value: field(d, 'value') })) : [];
  const namespace = literalString(alarm, alarm.namespace);
  const metricName = literalString(alarm, alarm.metricName);
  if (metricName !== undefined) {
    out.push({ namespace, metricName, dimensions: dims(resolve(alarm, alarm.dimensions)) });
  }
  const queries = resolve(alarm, alarm.metrics);
  if (Array.isArray(queries)) {
    for (const q of queries as unknown[]) {
      const metric = field(field(q, 'metricStat'), 'metric');
      if (metric) {
        out.push({
          namespace: optionalString(field(metric, 'namespace')),
          metricName: optionalString(field(metric, 'metricName')),
          dimensions: dims(field(metric, 'dimensions')),
        });
      }
    }
  }
  return out;
}

/** A string, or `undefined` for anything else (an intrinsic, absent). */
function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Whether the alarm notifies or acts when it goes into ALARM (actions enabled, >= 1 alarm action). */
export function alarmHasAction(alarm: CfnAlarm): boolean {
  if (resolve(alarm, alarm.actionsEnabled) === false) {
    return false;
  }
  const actions = resolve(alarm, alarm.alarmActions);
  return Array.isArray(actions) && actions.length > 0;
}

/** What an alarm must watch to count for a resource. */
export interface AlarmTarget {
  /** Namespaces the metric may be in. */
  readonly namespaces: ReadonlyArray<string>;
  /** Metric name, e.g. `CPUUtilization`. */
  readonly metricName: string;
  /** Dimension whose value must refer to the resource, e.g. `AutoScalingGroupName`. */
  readonly dimensionName: string;
  /** The resource the dimension must refer to. */
  readonly resource: CfnResource;
  /** The resource's literal physical name, if any, which a dimension may hold instead of a reference. */
  readonly literalName?: string;
}

/** Alarms in the resource's stack, with an alarm action, that watch the given metric of the resource. */
export function alarmsWithActionOn(target: AlarmTarget): CfnAlarm[] {
  return alarmsOn(target).filter((alarm) => alarmHasAction(alarm));
}

/** Alarms in the resource's stack, with or without an alarm action, that watch the given metric of the resource. */
export function alarmsOn(target: AlarmTarget): CfnAlarm[] {
  return resourcesInStack(target.resource)
    .filter((r): r is CfnAlarm => r instanceof CfnAlarm)
    .filter((alarm) =>
      watchedMetrics(alarm).some(
        (m) =>
          m.metricName === target.metricName &&
          m.namespace !== undefined &&
          target.namespaces.includes(m.namespace) &&
          m.dimensions.some((d) => d.name === target.dimensionName && refersTo(alarm, d.value, target.resource, target.literalName)),
      ),
    );
}
