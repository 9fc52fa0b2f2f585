/**
 * The example app's environments: one stack per environment (dev, staging, prod) from the
 * `environments` context in cdk.json. `bin/app.ts` runs it under the CDK CLI; tests call
 * `createApp()` to build the same stacks in-process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, App, type AppProps, Duration, Size, Stack, type StackProps, Tags, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import {
  type CostOptimizerMode,
  type IScalingPolicy,
  type PredictiveScalerMode,
  NativePredictiveScalingMetric,
  NativePredictiveScalingMode,
  ScalableService,
  type ScalableServiceProps,
  ScalingPolicy,
  ScalingStandardsChecks,
  type ScalingStandardsChecksProps,
  type VerticalScalingConfig,
} from '../lib';
import { RUN_MODES, SCALING_MODES } from '../lambda/contract';
import { scheduleProblem } from '../lambda/core';

/** One environment as written in cdk.json (plain JSON: numbers, strings, seconds). */
export interface EnvironmentConfig {
  /** AWS account; @default the CLI's default account (CDK_DEFAULT_ACCOUNT) or environment-agnostic */
  readonly account?: string;
  /** AWS region; @default the CLI's default region (CDK_DEFAULT_REGION) or environment-agnostic */
  readonly region?: string;
  /** Availability Zones of the VPC; @default 2 */
  readonly maxAzs?: number;
  /** NAT gateways of the VPC; @default 1 */
  readonly natGateways?: number;
  /** The group's size and instances. */
  readonly capacity?: {
    readonly minCapacity?: number;
    readonly maxCapacity?: number;
    /** e.g. "t3.small"; @default t3.micro */
    readonly instanceType?: string;
    readonly defaultInstanceWarmupSeconds?: number;
    readonly healthCheckGracePeriodSeconds?: number;
    readonly rootVolumeGiB?: number;
    /** Spot and several instance types (a mixed instances policy on the group's launch template). */
    readonly spot?: {
      /** Instance types the group may launch, e.g. ["t3.medium", "t3a.medium"], same architecture as instanceType. */
      readonly instanceTypes: string[];
      /** On-Demand instances before any Spot; @default 0 */
      readonly onDemandBaseCapacity?: number;
      /** On-Demand share above the base, in percent; @default 100 (no Spot) */
      readonly onDemandPercentageAboveBaseCapacity?: number;
      /** e.g. "price-capacity-optimized"; @default "lowest-price" */
      readonly spotAllocationStrategy?: string;
    };
    /** Replace Spot instances at elevated risk of interruption ahead of time; @default false */
    readonly capacityRebalance?: boolean;
    /** Replace instances older than this many days (1 to 365); @default never */
    readonly maxInstanceLifetimeDays?: number;
    /** A warm pool of pre-initialized instances (not with spot). */
    readonly warmPool?: {
      minSize?: number;
      maxGroupPreparedCapacity?: number;
      poolState?: 'Stopped' | 'Running' | 'Hibernated';
      reuseOnScaleIn?: boolean;
    };
  };
  /** The load balancer. */
  readonly loadBalancing?: {
    /** ARN of an ACM certificate in the stack's region: HTTPS on 443, port 80 redirects to it; @default plain HTTP on 80 */
    readonly certificateArn?: string;
    /** Deletion protection on the load balancer; @default `production` */
    readonly deletionProtection?: boolean;
  };
  /**
   * A production environment: deletion protection on its load balancer, and a warning when
   * `loadBalancing.certificateArn` is not set (the load balancer then serves plain HTTP); @default false
   */
  readonly production?: boolean;
  /** Horizontal and vertical policies. */
  readonly scaling?: {
    /** CPU target tracking target in percent; @default 50 */
    readonly cpuTargetPercent?: number;
    /** Request-count target tracking target (requests per target per minute); @default 1000 */
    readonly requestsPerTargetPerMinute?: number;
    /** Warmup/cooldown of the target tracking policies in seconds; @default 300 */
    readonly cooldownSeconds?: number;
    /** Scheduled actions: a cron expression (5 fields) and the sizes to set. */
    readonly schedules?: Array<{ cron: string; minCapacity?: number; maxCapacity?: number; timeZone?: string }>;
    /** AWS native predictive scaling on the ALB request count. */
    readonly nativePredictive?: { mode?: 'ForecastOnly' | 'ForecastAndScale'; targetRequestsPerTarget: number; schedulingBufferSeconds?: number };
    /** Vertical scaling (executed by the CostOptimizer). */
    readonly vertical?: {
      instanceTypes: string[];
      lowerUtilizationPercent: number;
      upperUtilizationPercent: number;
      evaluationWindowHours: number;
      minIntervalHours: number;
    };
  };
  /** Alarm thresholds. */
  readonly thresholds?: {
    readonly cpuHighPercent?: number;
    readonly target5xxRatePercent?: number;
    readonly responseTimeP99Seconds?: number;
    readonly anomalyBandWidth?: number;
    readonly evaluationPeriods?: number;
  };
  /** Monthly budget in USD; no budget when absent. */
  readonly budget?: {
    readonly limit: number;
    readonly actualThresholdsPercent?: number[];
    readonly forecastedThresholdsPercent?: number[];
    /** Filter the budget by the stack's `Environment` cost allocation tag (activate it in Billing first); @default false */
    readonly filterByEnvironmentTag?: boolean;
  };
  /** E-mail addresses subscribed to the alert topic. */
  readonly alertEmails?: string[];
  /** Our predictive scaler (on by default, forecast-only). */
  readonly predictiveScaler?: {
    /** @default true */
    readonly enabled?: boolean;
    /** 'forecast-only' (publish) or 'forecast-and-scale' (act); @default 'forecast-only' */
    readonly mode?: 'forecast-only' | 'forecast-and-scale';
    /** Log the actions instead of taking them; @default false */
    readonly dryRun?: boolean;
    /** Requests per minute one instance serves at 100%; @default requestsPerTargetPerMinute / 0.7 */
    readonly capacityPerInstance?: number;
  };
  /** The cost optimizer (on when a budget is given). */
  readonly costOptimizer?: {
    /** @default true when budget is given */
    readonly enabled?: boolean;
    /** 'apply', 'dry-run' or 'forecast-only'; @default 'apply' */
    readonly mode?: 'apply' | 'dry-run' | 'forecast-only';
    /** Working hours of a non-production environment (the group runs at its floor outside them). */
    readonly workingHours?: { startTime: string; endTime: string; timeZone?: string; days?: number[] };
    /** Highest CPU target the optimizer may raise the CPU policy to under budget pressure. */
    readonly maxCpuTargetPercent?: number;
    /** Shift the On-Demand share toward Spot under budget pressure, down to minOnDemandPercent (needs capacity.spot). */
    readonly spot?: { minOnDemandPercent: number; stepPercent?: number };
  };
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /**
   * The `environments` context.
   *
   * @default the app's context (`cdk.json` under the CLI), else the `environments` of this repository's cdk.json
   */
  readonly environments?: Record<string, EnvironmentConfig>;
  /**
   * Fall back to CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION for environments without account/region.
   *
   * @default false (stacks without account/region are environment-agnostic)
   */
  readonly useCliEnvironment?: boolean;
  /**
   * Apply the cdk-nag AwsSolutions checks and our ScalingStandardsChecks (options from the
   * `scalingStandards` context) to every stack (AwsSolutions findings and Scaling errors fail the synthesis).
   *
   * @default true
   */
  readonly nagChecks?: boolean;
  /** Props of the App (outdir, context...). */
  readonly appProps?: AppProps;
}

/** The stack of one environment: a VPC (only the example app creates one) and the ScalableService. */
export class ScalingEnvironmentStack extends Stack {
  /** The environment's VPC (flow logs on; instances in its private subnets). */
  public readonly vpc: ec2.Vpc;
  /** The scaling architecture; scalers are wired to its group, load metric, topic and dashboard. */
  public readonly service: ScalableService;

  constructor(
    scope: Construct,
    id: string,
    public readonly environmentName: string,
    public readonly config: EnvironmentConfig,
    props?: StackProps,
  ) {
    super(scope, id, {
      description: `Scaling architecture (${environmentName}): ALB, Auto Scaling group with scaling policies, monitoring and budget`,
      ...props,
    });
    // aws-cdk-lib tags listeners and dashboards, which cfn-lint's schema (and older CloudFormation
    // registries) reject as an unknown property; neither carries cost worth allocating.
    const tagOptions = { excludeResourceTypes: ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::CloudWatch::Dashboard'] };
    Tags.of(this).add('Application', 'scaling-architecture', tagOptions);
    Tags.of(this).add('Environment', environmentName, tagOptions);

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.maxAzs ?? 2,
      natGateways: config.natGateways ?? 1,
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    const t = config.thresholds ?? {};
    this.service = new ScalableService(this, 'Service', {
      vpc: this.vpc,
      capacity: capacityOf(config),
      loadBalancing: this.loadBalancingOf(environmentName, config),
      policies: policiesOf(config),
      thresholds: {
        cpuHighPercent: t.cpuHighPercent,
        target5xxRatePercent: t.target5xxRatePercent,
        responseTimeP99: seconds(t.responseTimeP99Seconds),
        anomalyBandWidth: t.anomalyBandWidth,
        evaluationPeriods: t.evaluationPeriods,
      },
      monitoring: {
        alertEmails: config.alertEmails,
        dashboardName: `ScalingArchitecture-${titleCase(environmentName)}`,
      },
      budget: config.budget && {
        limit: config.budget.limit,
        actualThresholdsPercent: config.budget.actualThresholdsPercent,
        forecastedThresholdsPercent: config.budget.forecastedThresholdsPercent,
        budgetName: `scaling-architecture-${environmentName}`,
        costAllocationTag: config.budget.filterByEnvironmentTag ? { key: 'Environment', value: environmentName } : undefined,
      },
      predictiveScaler: predictiveScalerOf(config),
      costOptimizer: costOptimizerOf(config),
    });
  }

  /**
   * The load balancer of an environment: HTTPS (with the HTTP-to-HTTPS redirect) when cdk.json
   * names a certificate, deletion protection in production, and a warning when production serves
   * plain HTTP.
   */
  private loadBalancingOf(environmentName: string, config: EnvironmentConfig): ScalableServiceProps['loadBalancing'] {
    const lb = config.loadBalancing ?? {};
    const arn = lb.certificateArn;
    if (arn !== undefined) {
      const match = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/.exec(arn);
      if (!match)
        throw new Error(
          `environments.${environmentName}.loadBalancing.certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got '${arn}'`,
        );
      if (!Token.isUnresolved(this.region) && match[1] !== this.region) {
        throw new Error(
          `environments.${environmentName}.loadBalancing.certificateArn is in ${match[1]} but the stack is in ${this.region}: a load balancer uses a certificate of its own region`,
        );
      }
    } else if (config.production) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:productionWithoutHttps',
        `environments.${environmentName} is a production environment without loadBalancing.certificateArn: its load balancer serves plain HTTP on port 80. Name an ACM certificate ARN in cdk.json to serve HTTPS on 443, with port 80 redirecting to it.`,
      );
    }
    return {
      certificates: arn !== undefined ? [elbv2.ListenerCertificate.fromArn(arn)] : undefined,
      deletionProtection: lb.deletionProtection ?? config.production ?? false,
    };
  }
}

/** The group of an environment: size, instance type, Spot, warm pool, instance lifetime. */
export function capacityOf(config: EnvironmentConfig): ScalableServiceProps['capacity'] {
  const c = config.capacity ?? {};
  const poolStates: Record<string, autoscaling.PoolState> = {
    Stopped: autoscaling.PoolState.STOPPED,
    Running: autoscaling.PoolState.RUNNING,
    Hibernated: autoscaling.PoolState.HIBERNATED,
  };
  if (c.warmPool?.poolState !== undefined && !(c.warmPool.poolState in poolStates)) {
    throw new Error(`capacity.warmPool.poolState must be one of ${Object.keys(poolStates).join(', ')}, got '${c.warmPool.poolState}'`);
  }
  const strategies = Object.values(autoscaling.SpotAllocationStrategy) as string[];
  if (c.spot?.spotAllocationStrategy !== undefined && !strategies.includes(c.spot.spotAllocationStrategy)) {
    throw new Error(`capacity.spot.spotAllocationStrategy must be one of ${strategies.join(', ')}, got '${c.spot.spotAllocationStrategy}'`);
  }
  return {
    minCapacity: c.minCapacity,
    maxCapacity: c.maxCapacity,
    instanceType: c.instanceType ? new ec2.InstanceType(c.instanceType) : undefined,
    defaultInstanceWarmup: seconds(c.defaultInstanceWarmupSeconds),
    healthCheckGracePeriod: seconds(c.healthCheckGracePeriodSeconds),
    rootVolumeSize: c.rootVolumeGiB !== undefined ? Size.gibibytes(c.rootVolumeGiB) : undefined,
    mixedInstancesPolicy: c.spot && {
      instancesDistribution: {
        onDemandBaseCapacity: c.spot.onDemandBaseCapacity,
        onDemandPercentageAboveBaseCapacity: c.spot.onDemandPercentageAboveBaseCapacity,
        spotAllocationStrategy: c.spot.spotAllocationStrategy as autoscaling.SpotAllocationStrategy | undefined,
      },
      launchTemplateOverrides: c.spot.instanceTypes.map((name) => ({ instanceType: new ec2.InstanceType(name) })),
    },
    capacityRebalance: c.capacityRebalance,
    maxInstanceLifetime: c.maxInstanceLifetimeDays !== undefined ? Duration.days(c.maxInstanceLifetimeDays) : undefined,
    warmPool: c.warmPool && {
      minSize: c.warmPool.minSize,
      maxGroupPreparedCapacity: c.warmPool.maxGroupPreparedCapacity,
      poolState: c.warmPool.poolState !== undefined ? poolStates[c.warmPool.poolState] : undefined,
      reuseOnScaleIn: c.warmPool.reuseOnScaleIn,
    },
  };
}

/** The policies of an environment: target tracking on CPU and requests, schedules, native predictive. */
export function policiesOf(config: EnvironmentConfig): IScalingPolicy[] {
  const s = config.scaling ?? {};
  const cooldown = seconds(s.cooldownSeconds) ?? Duration.minutes(5);
  const policies: IScalingPolicy[] = [
    ScalingPolicy.targetTrackingCpu({ targetUtilizationPercent: s.cpuTargetPercent ?? 50, cooldown }),
    ScalingPolicy.targetTrackingRequestCount({ targetRequestsPerMinute: s.requestsPerTargetPerMinute ?? 1000, cooldown }),
  ];
  for (const sched of s.schedules ?? []) {
    policies.push(
      ScalingPolicy.scheduled({
        schedule: autoscaling.Schedule.expression(sched.cron),
        minCapacity: sched.minCapacity,
        maxCapacity: sched.maxCapacity,
        timeZone: sched.timeZone,
      }),
    );
  }
  if (s.nativePredictive) {
    policies.push(
      ScalingPolicy.nativePredictive({
        metric: NativePredictiveScalingMetric.albRequestCount(),
        targetValue: s.nativePredictive.targetRequestsPerTarget,
        mode:
          s.nativePredictive.mode === 'ForecastAndScale' ? NativePredictiveScalingMode.FORECAST_AND_SCALE : NativePredictiveScalingMode.FORECAST_ONLY,
        schedulingBuffer: seconds(s.nativePredictive.schedulingBufferSeconds),
      }),
    );
  }
  return policies;
}

/** The predictive scaler options of an environment. */
export function predictiveScalerOf(config: EnvironmentConfig): ScalableServiceProps['predictiveScaler'] {
  const p = config.predictiveScaler ?? {};
  return {
    enabled: p.enabled,
    // The string as written (the enum's values are these strings): a typo fails the construct's check, not defaults.
    mode: p.mode as PredictiveScalerMode | undefined,
    dryRun: p.dryRun,
    capacityPerInstance: p.capacityPerInstance,
  };
}

/** The cost optimizer options of an environment. */
export function costOptimizerOf(config: EnvironmentConfig): ScalableServiceProps['costOptimizer'] {
  const c = config.costOptimizer ?? {};
  const cpuTarget = config.scaling?.cpuTargetPercent ?? 50;
  if (c.maxCpuTargetPercent !== undefined && c.maxCpuTargetPercent <= cpuTarget) {
    throw new Error(`costOptimizer.maxCpuTargetPercent (${c.maxCpuTargetPercent}) must be above scaling.cpuTargetPercent (${cpuTarget})`);
  }
  return {
    enabled: c.enabled,
    // The string as written (the enum's values are these strings): a typo fails the construct's check, not defaults to apply.
    mode: c.mode as CostOptimizerMode | undefined,
    workingHours: c.workingHours && {
      startTime: c.workingHours.startTime,
      endTime: c.workingHours.endTime,
      timeZone: c.workingHours.timeZone,
      days: c.workingHours.days,
    },
    targetUtilizationBand: c.maxCpuTargetPercent !== undefined ? { maxPercent: c.maxCpuTargetPercent } : undefined,
    spot: c.spot && { minOnDemandPercent: c.spot.minOnDemandPercent, stepPercent: c.spot.stepPercent },
    vertical: verticalOf(config),
  };
}

/** The vertical scaling of an environment (`scaling.vertical`), executed by the cost optimizer. */
function verticalOf(config: EnvironmentConfig): VerticalScalingConfig | undefined {
  const v = config.scaling?.vertical;
  return (
    v && {
      instanceTypes: v.instanceTypes.map((name) => new ec2.InstanceType(name)),
      lowerUtilizationPercent: v.lowerUtilizationPercent,
      upperUtilizationPercent: v.upperUtilizationPercent,
      evaluationWindow: Duration.hours(v.evaluationWindowHours),
      minInterval: Duration.hours(v.minIntervalHours),
    }
  );
}

/** The stack name of an environment: `ScalingArchitecture-Dev` for "dev". */
export function stackNameOf(environmentName: string): string {
  return `ScalingArchitecture-${titleCase(environmentName)}`;
}

/** The `environments` of this repository's cdk.json. */
export function cdkJsonEnvironments(): Record<string, EnvironmentConfig> {
  const file = path.join(__dirname, '..', 'cdk.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: { environments?: unknown } } | null;
  const environments = json?.context?.environments;
  if (!environments || typeof environments !== 'object' || Array.isArray(environments)) throw new Error(`${file} has no context.environments`);
  // each environment's keys are checked by checkConfigKeys when the app is built
  return environments as Record<string, EnvironmentConfig>;
}

/** The `environments` context (cdk.json or `-c environments=...`), when set: an object keyed by environment name. */
function environmentsContext(app: App): Record<string, EnvironmentConfig> | undefined {
  const context: unknown = app.node.tryGetContext('environments');
  if (context === undefined) return undefined;
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new Error(`the environments context must be an object keyed by environment name, got ${JSON.stringify(context)}`);
  }
  // each environment's keys are checked by checkConfigKeys below
  return context as Record<string, EnvironmentConfig>;
}

/** Builds the app: one {@link ScalingEnvironmentStack} per environment, with the cdk-nag checks. */
export function createApp(options: CreateAppOptions = {}): App {
  const app = new App(options.appProps);
  const environments = options.environments ?? environmentsContext(app) ?? cdkJsonEnvironments();
  const names = Object.keys(environments);
  if (names.length === 0) throw new Error('The environments context is empty: define at least one environment in cdk.json');
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`environment name "${name}" must be lower-case letters, digits and dashes`);
    const config = environments[name];
    checkConfigKeys(name, config);
    const account = config.account ?? (options.useCliEnvironment ? process.env.CDK_DEFAULT_ACCOUNT : undefined);
    const region = config.region ?? (options.useCliEnvironment ? process.env.CDK_DEFAULT_REGION : undefined);
    new ScalingEnvironmentStack(app, stackNameOf(name), name, config, {
      stackName: stackNameOf(name),
      env: account || region ? { account, region } : undefined,
    });
  }
  if (options.nagChecks ?? true) {
    const standards = (app.node.tryGetContext('scalingStandards') as ScalingStandardsChecksProps | undefined) ?? {};
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app, standards));
  }
  return app;
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': [
    'account',
    'region',
    'maxAzs',
    'natGateways',
    'production',
    'capacity',
    'loadBalancing',
    'scaling',
    'thresholds',
    'budget',
    'alertEmails',
    'predictiveScaler',
    'costOptimizer',
  ],
  predictiveScaler: ['enabled', 'mode', 'dryRun', 'capacityPerInstance'],
  costOptimizer: ['enabled', 'mode', 'workingHours', 'maxCpuTargetPercent', 'spot'],
  capacity: [
    'minCapacity',
    'maxCapacity',
    'instanceType',
    'defaultInstanceWarmupSeconds',
    'healthCheckGracePeriodSeconds',
    'rootVolumeGiB',
    'spot',
    'capacityRebalance',
    'maxInstanceLifetimeDays',
    'warmPool',
  ],
  loadBalancing: ['certificateArn', 'deletionProtection'],
  scaling: ['cpuTargetPercent', 'requestsPerTargetPerMinute', 'cooldownSeconds', 'schedules', 'nativePredictive', 'vertical'],
  thresholds: ['cpuHighPercent', 'target5xxRatePercent', 'responseTimeP99Seconds', 'anomalyBandWidth', 'evaluationPeriods'],
  budget: ['limit', 'actualThresholdsPercent', 'forecastedThresholdsPercent', 'filterByEnvironmentTag'],
};

/** A misspelled key would otherwise be ignored silently: name it and the keys that are known. */
export function checkConfigKeys(environmentName: string, config: EnvironmentConfig): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`environments.${environmentName} must be an object`);
  }
  for (const [section, allowed] of Object.entries(KNOWN_KEYS)) {
    const value = section === '' ? config : (config as Record<string, unknown>)[section];
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`environments.${environmentName}.${section} must be an object`);
    }
    const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
      const where = section === '' ? `environments.${environmentName}` : `environments.${environmentName}.${section}`;
      throw new Error(`${where} has unknown keys [${unknown.join(', ')}]; known keys: ${allowed.join(', ')}`);
    }
  }
  checkConfigModes(environmentName, config);
}

/**
 * The modes are strings in cdk.json: a typo must fail the synthesis, naming where it is, not fall
 * back to a default (a misspelt 'dry-run' would deploy 'apply'). The values are the contract's,
 * so what passes here is what the functions accept; the schedules are read by the functions' cron model.
 */
function checkConfigModes(environmentName: string, config: EnvironmentConfig): void {
  const modes: Array<[string, unknown, readonly string[]]> = [
    ['predictiveScaler.mode', config.predictiveScaler?.mode, SCALING_MODES],
    ['costOptimizer.mode', config.costOptimizer?.mode, RUN_MODES],
    ['scaling.nativePredictive.mode', config.scaling?.nativePredictive?.mode, ['ForecastOnly', 'ForecastAndScale']],
  ];
  (config.scaling?.schedules ?? []).forEach((sched, i) => {
    const problem = scheduleProblem(String(sched.cron), sched.timeZone);
    if (problem)
      throw new Error(
        `cdk.json: environments.${environmentName}.scaling.schedules[${i}] (cron '${sched.cron}'${sched.timeZone !== undefined ? `, timeZone '${sched.timeZone}'` : ''}): ${problem}`,
      );
  });
  // The controllers' switches: a string "false" is truthy and would turn on what it meant to turn off.
  const switches: Array<[string, unknown]> = [
    ['predictiveScaler.enabled', config.predictiveScaler?.enabled],
    ['predictiveScaler.dryRun', config.predictiveScaler?.dryRun],
    ['costOptimizer.enabled', config.costOptimizer?.enabled],
  ];
  for (const [where, value] of switches) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new Error(`cdk.json: environments.${environmentName}.${where} must be true or false, got ${JSON.stringify(value)}`);
    }
  }
  for (const [where, value, allowed] of modes) {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
      throw new Error(
        `cdk.json: environments.${environmentName}.${where} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
  }
}

function seconds(value: number | undefined): Duration | undefined {
  return value === undefined ? undefined : Duration.seconds(value);
}

function titleCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
