import type { CfnResource, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { type Diagnose, type Finding, isFinding } from './private/diagnosis';
import { diagnoseBudgetNotifications } from './rules/budget-notifications';
import { diagnoseClassicHealthCheck } from './rules/classic-health-check';
import { diagnoseClassicLoadBalancerAlarms } from './rules/classic-load-balancer-alarms';
import { diagnoseElbHealthCheck } from './rules/elb-health-check';
import { diagnoseFixedSizeWithPolicies } from './rules/fixed-size-with-policies';
import { diagnoseGroupAlarms } from './rules/group-alarms';
import { diagnoseImdsv2Required } from './rules/imdsv2-required';
import { diagnoseInstanceWarmup } from './rules/instance-warmup';
import { diagnoseLaunchTemplate } from './rules/launch-template';
import { diagnoseMaxCapacityWithinLimit } from './rules/max-capacity-limit';
import { diagnoseMultiAz } from './rules/multi-az';
import { diagnoseNoDesiredCapacity } from './rules/no-desired-capacity';
import { diagnoseScalerFunctionAlarms } from './rules/scaler-function-alarms';
import { diagnoseScalingPolicy } from './rules/scaling-policy';
import { diagnoseTargetGroupAlarms } from './rules/target-group-alarms';
import { diagnoseTargetGroupHealthCheck } from './rules/target-group-health-check';
import { ScalerFunctionSelector } from './scaler-function-selector';

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
   * Metrics (namespace `AWS/ELB`, dimension `LoadBalancerName`) every classic load balancer
   * needs an alarm with an action on (rule `Scaling-ClassicLoadBalancerAlarms`). An empty list
   * turns the rule off.
   *
   * @default ['UnHealthyHostCount']
   */
  readonly requiredClassicLoadBalancerAlarmMetrics?: string[];

  /**
   * Metrics (namespace `AWS/Lambda`, dimension `FunctionName`) every scaler function needs an
   * alarm with an action on (rule `Scaling-ScalerFunctionAlarms`). An empty list turns the rule
   * off.
   *
   * @default ['Errors']
   */
  readonly requiredScalerFunctionAlarmMetrics?: string[];

  /**
   * Which Lambda functions are scalers: rule `Scaling-ScalerFunctionAlarms` requires alarms on
   * them, and rule `Scaling-FixedSizeWithPolicies` takes one in the stack as able to change a
   * group's bounds.
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
  public static readonly RULE_IDS: string[] = [
    'Scaling-NoDesiredCapacity',
    'Scaling-ElbHealthCheck',
    'Scaling-MaxCapacityLimit',
    'Scaling-ScalingPolicy',
    'Scaling-FixedSizeWithPolicies',
    'Scaling-InstanceWarmup',
    'Scaling-GroupAlarms',
    'Scaling-BudgetNotifications',
    'Scaling-TargetGroupHealthCheck',
    'Scaling-TargetGroupAlarms',
    'Scaling-ClassicHealthCheck',
    'Scaling-ClassicLoadBalancerAlarms',
    'Scaling-ScalerFunctionAlarms',
    'Scaling-Imdsv2Required',
    'Scaling-MultiAz',
    'Scaling-LaunchTemplate',
  ];

  /** The ids of every rule in the pack (for the validation report). */
  public readonly ruleIds?: string[] = [...ScalingStandardsChecks.RULE_IDS];

  private readonly maxCapacityLimit: number;
  private readonly groupAlarmMetrics: string[];
  private readonly targetGroupAlarmMetrics: string[];
  private readonly classicAlarmMetrics: string[];
  private readonly scalerAlarmMetrics: string[];
  private readonly verboseMessages: boolean;
  private readonly rules: ReadonlyArray<{ id: string; level: NagMessageLevel; info: string; explanation: string; diagnose: Diagnose }>;
  /** The findings of the current validation, by rule id and construct path, for the messages. */
  private readonly seen = new Map<string, Finding>();

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
    this.targetGroupAlarmMetrics = checkedMetricNames(
      'requiredTargetGroupAlarmMetrics',
      props.requiredTargetGroupAlarmMetrics ?? ['UnHealthyHostCount'],
    );
    this.classicAlarmMetrics = checkedMetricNames(
      'requiredClassicLoadBalancerAlarmMetrics',
      props.requiredClassicLoadBalancerAlarmMetrics ?? ['UnHealthyHostCount'],
    );
    this.verboseMessages = props.verbose ?? false;
    this.scalerAlarmMetrics = checkedMetricNames('requiredScalerFunctionAlarmMetrics', props.requiredScalerFunctionAlarmMetrics ?? ['Errors']);
    const scalerFunctions = props.scalerFunctions ?? ScalerFunctionSelector.withAutoScalingWritePermissions();

    this.rules = [
      {
        id: 'NoDesiredCapacity',
        level: NagMessageLevel.ERROR,
        info: 'The Auto Scaling group sets DesiredCapacity.',
        explanation:
          'A DesiredCapacity in the template resets the group to that value on every deployment, undoing what the scaling policies decided; MinSize and the policies set the capacity.',
        diagnose: diagnoseNoDesiredCapacity,
      },
      {
        id: 'ElbHealthCheck',
        level: NagMessageLevel.ERROR,
        info: 'The Auto Scaling group is behind a load balancer but does not use ELB health checks with a grace period.',
        explanation:
          'With EC2 health checks only, instances that fail the load balancer health check keep counting as capacity and are never replaced; without a grace period, booting instances are replaced in a loop.',
        diagnose: diagnoseElbHealthCheck,
      },
      {
        id: 'MaxCapacityLimit',
        level: NagMessageLevel.WARN,
        info: `The Auto Scaling group's MaxSize is above the limit of ${this.maxCapacityLimit} or is not a literal number.`,
        explanation: 'MaxSize is the ceiling on what a runaway policy or scaler can spend.',
        diagnose: diagnoseMaxCapacityWithinLimit(this.maxCapacityLimit),
      },
      {
        id: 'ScalingPolicy',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group can change size but nothing changes its capacity (no scaling policy).',
        explanation:
          'Without a policy the group stays at MinSize whatever the load. If capacity is set by something the pack cannot see, acknowledge the rule with the reason.',
        diagnose: diagnoseScalingPolicy(),
      },
      {
        id: 'FixedSizeWithPolicies',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group has scaling policies but its bounds cannot change (MinSize = MaxSize).',
        explanation:
          "A policy only moves the desired capacity between MinSize and MaxSize, so on a fixed group it never acts and the fleet looks scaled but is not. aws-cdk-lib's AutoScalingGroup defaults to 1..1.",
        diagnose: diagnoseFixedSizeWithPolicies(scalerFunctions),
      },
      {
        id: 'InstanceWarmup',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group has neither a DefaultInstanceWarmup nor a warmup or cooldown on every dynamic scaling policy.',
        explanation: 'Instances still booting drag the group metrics down and make policies scale in too early and oscillate.',
        diagnose: diagnoseInstanceWarmup,
      },
      {
        id: 'GroupAlarms',
        level: NagMessageLevel.WARN,
        info: `The Auto Scaling group lacks an alarm with an alarm action on each of: ${this.groupAlarmMetrics.join(', ')}.`,
        explanation:
          'The alarms target tracking creates notify no one; a group that runs hot at its maximum is only noticed through an alarm of its own. The pack option requiredGroupAlarmMetrics sets the metrics.',
        diagnose: diagnoseGroupAlarms(this.groupAlarmMetrics),
      },
      {
        id: 'BudgetNotifications',
        level: NagMessageLevel.WARN,
        info: 'The app deploys an Auto Scaling group but no AWS::Budgets::Budget with a notification subscriber.',
        explanation: 'A scaling fleet costs what its load makes it cost; a budget notification tells the owner when that is more than planned.',
        diagnose: diagnoseBudgetNotifications,
      },
      {
        id: 'TargetGroupHealthCheck',
        level: NagMessageLevel.WARN,
        info: 'The target group health check is left to defaults or is not sane.',
        explanation:
          'The defaults depend on the protocol and probe /, which often is not the page that proves the application works; a timeout as long as the interval lets checks pile up; the thresholds decide how fast a failing instance stops taking traffic.',
        diagnose: diagnoseTargetGroupHealthCheck,
      },
      {
        id: 'TargetGroupAlarms',
        level: NagMessageLevel.WARN,
        info: `The target group lacks an alarm with an alarm action on each of: ${this.targetGroupAlarmMetrics.join(', ')}.`,
        explanation:
          'Unhealthy hosts signal a failing deployment or instances overwhelmed before scaling caught up. The pack option requiredTargetGroupAlarmMetrics sets the metrics.',
        diagnose: diagnoseTargetGroupAlarms(this.targetGroupAlarmMetrics),
      },
      {
        id: 'ClassicHealthCheck',
        level: NagMessageLevel.WARN,
        info: 'The classic load balancer health check is left to defaults or is not sane.',
        explanation:
          'A TCP check only proves the port is open: an instance whose application fails keeps taking traffic and is never replaced; a timeout as long as the interval lets checks pile up.',
        diagnose: diagnoseClassicHealthCheck,
      },
      {
        id: 'ClassicLoadBalancerAlarms',
        level: NagMessageLevel.WARN,
        info: `The classic load balancer lacks an alarm with an alarm action on each of: ${this.classicAlarmMetrics.join(', ')}.`,
        explanation:
          'Unhealthy hosts signal a failing deployment or instances overwhelmed before scaling caught up. The pack option requiredClassicLoadBalancerAlarmMetrics sets the metrics.',
        diagnose: diagnoseClassicLoadBalancerAlarms(this.classicAlarmMetrics),
      },
      {
        id: 'ScalerFunctionAlarms',
        level: NagMessageLevel.WARN,
        info: `The scaler Lambda function lacks an alarm with an alarm action on each of: ${this.scalerAlarmMetrics.join(', ')}.`,
        explanation:
          'A failing scaler leaves capacity where it was and the fleet silently stops following its load. Narrow the pack option scalerFunctions if the function is no scaler.',
        diagnose: diagnoseScalerFunctionAlarms(scalerFunctions, this.scalerAlarmMetrics),
      },
      {
        id: 'Imdsv2Required',
        level: NagMessageLevel.WARN,
        info: 'The launch template or launch configuration does not require IMDSv2.',
        explanation: 'Every instance the group launches inherits it; with IMDSv1 an SSRF in the application can read the instance role credentials.',
        diagnose: diagnoseImdsv2Required,
      },
      {
        id: 'MultiAz',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group runs in one Availability Zone.',
        explanation:
          'A group in one zone goes down with that zone however far it scales, and the application load balancer in front of it needs two zones anyway.',
        diagnose: diagnoseMultiAz,
      },
      {
        id: 'LaunchTemplate',
        level: NagMessageLevel.WARN,
        info: 'The Auto Scaling group uses a launch configuration instead of a launch template.',
        explanation:
          'New AWS accounts can no longer create launch configurations (the deployment fails there), and they lack mixed instances, Spot and versioned instance changes. aws-cdk-lib renders one for AutoScalingGroup and ECS addCapacity unless its feature flag asks for a launch template.',
        diagnose: diagnoseLaunchTemplate,
      },
    ];
  }

  /**
   * Checks a construct tree and reports every finding, one violation per rule and resource:
   * its description says what is wrong, the values seen and what would satisfy the rule (and,
   * with `verbose`, why the rule exists); `fix` repeats what would satisfy it. Only ERROR
   * findings fail the report (and so synthesis); WARN findings are reported and leave
   * synthesis going, as cdk-nag 2 warnings did. cdk-nag 3's base pack fails on any finding.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.seen.clear();
    const report = super.validateScope(scope);
    const violations: PolicyViolation[] = report.violations.flatMap((v) =>
      v.violatingResources.map((resource) => {
        const found = this.seen.get(`${v.ruleName}|${resource.constructPath}`);
        if (!found) {
          return { ...v, violatingResources: [resource] }; // a rule that threw: cdk-nag's own message
        }
        const rule = this.rules.find((r) => `${this.packName}-${r.id}` === v.ruleName);
        const description = `${rule?.info ?? ''} Seen: ${found.seen}. Would satisfy: ${found.fix}.${this.verboseMessages && rule ? ` Why: ${rule.explanation}` : ''}`;
        return { ...v, description, fix: found.fix, violatingResources: [resource] };
      }),
    );
    return {
      ...report,
      violations,
      success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'),
    };
  }

  protected checkResource(node: CfnResource): void {
    for (const r of this.rules) {
      let rule: () => NagRuleCompliance;
      try {
        const d = r.diagnose(node);
        if (isFinding(d)) {
          this.seen.set(`${this.packName}-${r.id}|${node.node.path}`, d);
          rule = () => NagRuleCompliance.NON_COMPLIANT;
        } else {
          rule = () => d;
        }
      } catch (e) {
        rule = () => {
          throw e;
        };
      }
      this.applyRule({ ruleSuffixOverride: r.id, info: r.info, explanation: r.explanation, level: r.level, rule, node });
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
