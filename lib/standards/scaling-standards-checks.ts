import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { budgetNotifications } from './rules/budget-notifications';
import { elbHealthCheck } from './rules/elb-health-check';
import { groupAlarms } from './rules/group-alarms';
import { imdsv2Required } from './rules/imdsv2-required';
import { instanceWarmup } from './rules/instance-warmup';
import { maxCapacityWithinLimit } from './rules/max-capacity-limit';
import { noDesiredCapacity } from './rules/no-desired-capacity';
import { scalerFunctionAlarms } from './rules/scaler-function-alarms';
import { scalingPolicy } from './rules/scaling-policy';
import { targetGroupAlarms } from './rules/target-group-alarms';
import { targetGroupHealthCheck } from './rules/target-group-health-check';
import { ScalerFunctionSelector } from './scaler-function-selector';
import { ScalingRule } from './scaling-rule';

/** Options of {@link ScalingStandardsChecks}: the limits and required alarms the rules enforce. */
export interface ScalingStandardsChecksProps extends NagPackProps {
  /**
   * The largest `MaxSize` an Auto Scaling group may have (rule `Scaling-MaxCapacityLimit`).
   * A positive integer.
   *
   * @default 100
   */
  readonly maxCapacityLimit?: number;

  /**
   * Metrics (namespace `AWS/EC2` or `AWS/AutoScaling`, dimension `AutoScalingGroupName`) every
   * Auto Scaling group needs an alarm with an action on (rule `Scaling-GroupAlarms`). An empty
   * list turns the rule off.
   *
   * @default ['CPUUtilization']
   */
  readonly requiredGroupAlarmMetrics?: string[];

  /**
   * Metrics (namespace `AWS/ApplicationELB`, `AWS/NetworkELB` or `AWS/GatewayELB`, dimension
   * `TargetGroup`) every instance or IP target group needs an alarm with an action on (rule
   * `Scaling-TargetGroupAlarms`). An empty list turns the rule off.
   *
   * @default ['UnHealthyHostCount']
   */
  readonly requiredTargetGroupAlarmMetrics?: string[];

  /**
   * Metrics (namespace `AWS/Lambda`, dimension `FunctionName`) every scaler function needs an
   * alarm with an action on (rule `Scaling-ScalerFunctionAlarms`). An empty list turns the rule
   * off.
   *
   * @default ['Errors']
   */
  readonly requiredScalerFunctionAlarmMetrics?: string[];

  /**
   * Which Lambda functions are scalers, for rule `Scaling-ScalerFunctionAlarms`.
   *
   * @default ScalerFunctionSelector.withAutoScalingWritePermissions()
   */
  readonly scalerFunctions?: ScalerFunctionSelector;
}

/** Default of {@link ScalingStandardsChecksProps.maxCapacityLimit}. */
const DEFAULT_MAX_CAPACITY_LIMIT = 100;

/**
 * Scaling Standards: a cdk-nag pack that checks that Auto Scaling groups, their load balancer
 * target groups, launch templates and scaler functions are set up to scale safely, within
 * limits, with health checks, alarms and a budget. Rules read CloudFormation resources, so they
 * check groups and load balancers made by any construct library.
 *
 * Rule ids are `Scaling-<Name>`; acknowledge one with
 * `Validations.of(scope).acknowledge({ id: 'Scaling-<Name>', reason: '...' })`.
 *
 * @example
 * Validations.of(app).addPlugins(new ScalingStandardsChecks(app, { maxCapacityLimit: 20 }));
 */
export class ScalingStandardsChecks extends NagPack {
  /** Plugin name shown in the validation report. */
  public readonly name = 'Scaling';

  /** The ids of every rule in the pack. */
  public static readonly RULE_IDS: ReadonlyArray<string> = [
    'Scaling-NoDesiredCapacity',
    'Scaling-ElbHealthCheck',
    'Scaling-MaxCapacityLimit',
    'Scaling-ScalingPolicy',
    'Scaling-InstanceWarmup',
    'Scaling-GroupAlarms',
    'Scaling-BudgetNotifications',
    'Scaling-TargetGroupHealthCheck',
    'Scaling-TargetGroupAlarms',
    'Scaling-ScalerFunctionAlarms',
    'Scaling-Imdsv2Required',
  ];

  /** The ids of every rule in the pack (for the validation report). */
  public readonly ruleIds = [...ScalingStandardsChecks.RULE_IDS];

  private readonly maxCapacityLimit: number;
  private readonly groupAlarmMetrics: string[];
  private readonly targetGroupAlarmMetrics: string[];
  private readonly scalerAlarmMetrics: string[];
  private readonly rules: ReadonlyArray<{ id: string; level: NagMessageLevel; info: string; explanation: string; rule: ScalingRule }>;

  /**
   * @param scope the app (or any construct): used only to write acknowledgements into the
   * templates when `writeSuppressionsToCloudFormation` is set
   * @param props limits and required alarms
   */
  constructor(scope?: IConstruct, props: ScalingStandardsChecksProps = {}) {
    super(scope, props);
    this.packName = 'Scaling';

    this.maxCapacityLimit = props.maxCapacityLimit ?? DEFAULT_MAX_CAPACITY_LIMIT;
    if (!Number.isInteger(this.maxCapacityLimit) || this.maxCapacityLimit < 1) {
      throw new Error(`maxCapacityLimit (${props.maxCapacityLimit}) must be a positive integer`);
    }
    this.groupAlarmMetrics = checkedMetricNames('requiredGroupAlarmMetrics', props.requiredGroupAlarmMetrics ?? ['CPUUtilization']);
    this.targetGroupAlarmMetrics = checkedMetricNames('requiredTargetGroupAlarmMetrics', props.requiredTargetGroupAlarmMetrics ?? ['UnHealthyHostCount']);
    this.scalerAlarmMetrics = checkedMetricNames('requiredScalerFunctionAlarmMetrics', props.requiredScalerFunctionAlarmMetrics ?? ['Errors']);
    const scalerFunctions = props.scalerFunctions ?? ScalerFunctionSelector.withAutoScalingWritePermissions();

    this.rules = [
      {
        id: 'NoDesiredCapacity',
        level: NagMessageLevel.ERROR,
        info: 'The Auto Scaling group sets DesiredCapacity.',
        explanation:
          'A DesiredCapacity in the template resets the group to that value on every deployment, undoing what the scaling policies decided. Remove it (in aws-cdk-lib, leave desiredCapacity unset) and let MinSize and the policies set the capacity.',
        rule: noDesiredCapacity,
      },
      {
        id: 'ElbHealthCheck',
        level: NagMessageLevel.ERROR,
        info: 'The Auto Scaling group is behind a load balancer but does not use ELB health checks with a grace period.',
        explanation:
          'With EC2 health checks only, instances that fail the load balancer health check keep counting as capacity and are never replaced. Set HealthCheckType to ELB and HealthCheckGracePeriod to the boot time of an instance (in aws-cdk-lib: healthChecks: HealthChecks.withAdditionalChecks({ additionalTypes: [AdditionalHealthCheckType.ELB], gracePeriod })).',
        rule: elbHealthCheck,
      },
      {
        id: 'MaxCapacityLimit',
        level: NagMessageLevel.WARN,
        info: `The Auto Scaling group's MaxSize is above the limit of ${this.maxCapacityLimit} or is not a literal number.`,
        explanation:
          'MaxSize is the ceiling on what a runaway policy or scaler can spend. Set a literal maxCapacity within the limit, or raise the pack option maxCapacityLimit if the larger fleet is intended.',
        rule: maxCapacityWithinLimit(this.maxCapacityLimit),
      },
      {
        id: 'ScalingPolicy',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group can change size but has no scaling policy.',
        explanation:
          'Without a policy the group stays at MinSize whatever the load. Add a target tracking (e.g. scaleOnCpuUtilization, scaleOnRequestCount), step or predictive scaling policy; if capacity is set by something else, acknowledge the rule with the reason.',
        rule: scalingPolicy,
      },
      {
        id: 'InstanceWarmup',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group has neither a DefaultInstanceWarmup nor a warmup or cooldown on every dynamic scaling policy.',
        explanation:
          'Instances still booting drag the group metrics down and make policies scale in too early and oscillate. Set defaultInstanceWarmup on the group to the time an instance needs to serve, or estimatedInstanceWarmup (cooldown for simple scaling) on every policy.',
        rule: instanceWarmup,
      },
      {
        id: 'GroupAlarms',
        level: NagMessageLevel.WARN,
        info: `The Auto Scaling group lacks an alarm with an alarm action on each of: ${this.groupAlarmMetrics.join(', ')}.`,
        explanation:
          'The alarms target tracking creates notify no one. Add, in the same stack, an alarm on the metric with the dimension AutoScalingGroupName of this group and an alarm action (e.g. an SNS topic), or change requiredGroupAlarmMetrics.',
        rule: groupAlarms(this.groupAlarmMetrics),
      },
      {
        id: 'BudgetNotifications',
        level: NagMessageLevel.WARN,
        info: 'The app deploys an Auto Scaling group but no AWS::Budgets::Budget with a notification subscriber.',
        explanation:
          'A scaling fleet costs what its load makes it cost. Add a cost budget with at least one notification and subscriber (e.g. ACTUAL > 80% and FORECASTED > 100%) to a stack of the app.',
        rule: budgetNotifications,
      },
      {
        id: 'TargetGroupHealthCheck',
        level: NagMessageLevel.WARN,
        info: 'The target group health check is not explicit and sane.',
        explanation:
          'Set the health check explicitly: enabled, a path that proves the application works (HTTP/HTTPS), interval, a timeout shorter than the interval, and healthy and unhealthy threshold counts between 2 and 10 (in aws-cdk-lib: targetGroup.configureHealthCheck({ path, interval, timeout, healthyThresholdCount, unhealthyThresholdCount })).',
        rule: targetGroupHealthCheck,
      },
      {
        id: 'TargetGroupAlarms',
        level: NagMessageLevel.WARN,
        info: `The target group lacks an alarm with an alarm action on each of: ${this.targetGroupAlarmMetrics.join(', ')}.`,
        explanation:
          'Unhealthy hosts signal a failing deployment or instances overwhelmed before scaling caught up. Add, in the same stack, an alarm on the metric with the dimension TargetGroup of this target group and an alarm action, or change requiredTargetGroupAlarmMetrics.',
        rule: targetGroupAlarms(this.targetGroupAlarmMetrics),
      },
      {
        id: 'ScalerFunctionAlarms',
        level: NagMessageLevel.WARN,
        info: `The scaler Lambda function lacks an alarm with an alarm action on each of: ${this.scalerAlarmMetrics.join(', ')}.`,
        explanation:
          'A failing scaler leaves capacity where it was and the fleet silently stops following its load. Add, in the same stack, an alarm on the metric with the dimension FunctionName of this function and an alarm action, or narrow the pack option scalerFunctions.',
        rule: scalerFunctionAlarms(scalerFunctions, this.scalerAlarmMetrics),
      },
      {
        id: 'Imdsv2Required',
        level: NagMessageLevel.WARN,
        info: 'The launch template or launch configuration does not require IMDSv2.',
        explanation:
          'Every instance the group launches inherits it; with IMDSv1 an SSRF in the application can read the instance role credentials. Set MetadataOptions.HttpTokens to required (in aws-cdk-lib: requireImdsv2: true on the launch template or group).',
        rule: imdsv2Required,
      },
    ];
  }

  /**
   * Checks a construct tree and reports every finding. Only ERROR findings fail the report (and
   * so synthesis); WARN findings are reported and leave synthesis going, as cdk-nag 2 warnings
   * did. cdk-nag 3's base pack fails on any finding.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const report = super.validateScope(scope);
    return {
      ...report,
      success: report.violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'),
    };
  }

  protected checkResource(node: CfnResource): void {
    for (const r of this.rules) {
      this.applyRule({
        ruleSuffixOverride: r.id,
        info: r.info,
        explanation: r.explanation,
        level: r.level,
        rule: r.rule,
        node,
      });
    }
  }
}

function checkedMetricNames(prop: string, names: string[]): string[] {
  const bad = names.filter((n) => typeof n !== 'string' || n.trim() === '');
  if (bad.length > 0) {
    throw new Error(`${prop} must hold non-empty metric names, got ${JSON.stringify(names)}`);
  }
  return [...names];
}
