import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { COORDINATION_TABLE_ENV, LEASE_SECONDS_ENV } from '../../lambda/contract/coordination';
import { type AlarmMonitor, alarmFor } from './alarm-factory';
import { locateHandler } from './handler-code';
import { nagResource } from './nag-finding';
import { acknowledge } from './acknowledge';

/** Props of {@link ScalerFunction} (internal). */
export interface ScalerFunctionProps {
  /** Folder name of the handler under `lambda/` (and of its bundle under `dist/handlers/`). */
  readonly handlerName: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** When the function runs. */
  readonly schedule: events.Schedule;
  /** Topic the alarms notify (in ALARM and back to OK) when there is no monitor. */
  readonly alertTopic?: sns.ITopic;
  /** The monitor that creates the alarms (its topic, its dashboard's alarm widget). */
  readonly monitor?: AlarmMonitor;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /**
   * The group's coordination table: the function takes the group's lease there before acting
   * (dynamodb:UpdateItem on the table only); the lease lasts the timeout and 30 seconds.
   * @default - no lease
   */
  readonly coordinationTable?: dynamodb.ITable;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * The function's execution role (see the scalers' `role`).
   * @default - a role of its own
   */
  readonly role?: iam.IRole;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The handler's metric of a run that had no data or was skipped (one datapoint per such run), and
   * after how many consecutive runs of it the missing-data alarm fires. Each run is one alarm period.
   */
  readonly missingData: {
    readonly metric: cloudwatch.Metric;
    readonly runs: number;
    readonly intervalSeconds: number;
    readonly description: string;
  };
}

/**
 * A scheduled scaler Lambda function as every scaler in this package needs it: Node.js 22 on
 * arm64, code from the handler's prebuilt bundle (or bundled from source by local esbuild in a
 * source checkout without a build), its own role with logging limited to its own log group,
 * a log group with retention, one concurrent run at a time, an EventBridge schedule and an
 * alarm on its errors to the alert topic.
 */
export class ScalerFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.IRole;
  public readonly logGroup: logs.LogGroup;
  public readonly rule: events.Rule;
  public readonly errorAlarm: cloudwatch.Alarm;
  public readonly missingDataAlarm: cloudwatch.Alarm;

  private readOnlyPolicy?: iam.Policy;
  private readonly readReasons: string[] = [];

  constructor(scope: Construct, id: string, props: ScalerFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of the AWSLambdaBasicExecutionRole managed policy: logs only to its group.
    // A role given gets the same grants (added to its default policy).
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `${props.description} (execution role)`,
      });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );

    if (props.coordinationTable) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TakeTheGroupLease',
          // The lease and the state key: one conditional UpdateItem to take, one to give back.
          actions: ['dynamodb:UpdateItem'],
          resources: [props.coordinationTable.tableArn],
        }),
      );
    }

    const common: lambda.FunctionOptions = {
      description: props.description,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(1),
      environment: props.coordinationTable
        ? {
            ...props.environment,
            [COORDINATION_TABLE_ENV]: props.coordinationTable.tableName,
            [LEASE_SECONDS_ENV]: String((props.timeout ?? Duration.minutes(1)).toSeconds() + 30),
          }
        : props.environment,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // One run at a time: two overlapping runs would race on the same scheduled actions.
      reservedConcurrentExecutions: 1,
      // No asynchronous retries of a failed run: a retry minutes later would act on a stale event
      // time; the schedule runs it again anyway, and the error alarm reports the failure.
      retryAttempts: 0,
    };
    const where = locateHandler(props.handlerName);
    if (where.bundleDir) {
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(where.bundleDir),
      });
    } else if (where.entry) {
      this.function = new NodejsFunction(this, 'Function', {
        ...common,
        runtime: lambda.Runtime.NODEJS_22_X,
        entry: where.entry,
        handler: 'handler',
        bundling: {
          minify: true,
          sourceMap: true,
          target: 'node22',
          format: OutputFormat.CJS,
          externalModules: ['@aws-sdk/*'],
        },
      });
    } else {
      throw new Error(
        `The ${props.handlerName} handler has no bundle (dist/handlers/${props.handlerName}/index.js) and no source: reinstall the package or run 'npm run build'.`,
      );
    }

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Runs ${props.handlerName} on schedule (${Stack.of(this).stackName})`,
      schedule: props.schedule,
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    const alarms = { monitor: props.monitor, alertTopic: props.alertTopic };
    this.errorAlarm = alarmFor(alarms, this, 'ErrorAlarm', {
      alarmDescription: `${props.handlerName} failed: the scaler did not run to completion`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const md = props.missingData;
    this.missingDataAlarm = alarmFor(alarms, this, 'MissingDataAlarm', {
      alarmDescription: `${props.handlerName}: ${md.description} in ${md.runs} consecutive runs`,
      metric: md.metric.with({ period: Duration.seconds(md.intervalSeconds) }),
      threshold: 1,
      evaluationPeriods: md.runs,
      datapointsToAlarm: md.runs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // A period without the metric is a run that had data (the metric is published only, or as 1
      // only, when a run had none): it does not count.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // cdk-nag findings of what this construct creates, each acknowledged on the exact finding.
    acknowledge(this.role, {
      id: `AwsSolutions-IAM5[Resource::${nagResource(this, this.logGroup.logGroupArn)}:log-stream:*]`,
      reason: 'The function writes log streams of its own log group only; Lambda generates the stream names, so they cannot be listed.',
    });
    acknowledge(this.function, {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the handler bundle is built and tested for node22 (esbuild target); the runtime moves with a package release, not implicitly.',
    });
  }

  /**
   * Allows read-only actions that support no resource-level permissions (Resource "*"), in a
   * policy of their own: the `AwsSolutions-IAM5[Resource::*]` finding is acknowledged on that
   * policy only, so a write on "*" added to the role later is still reported.
   */
  public allowReadOnly(sid: string, actions: string[], reason: string): void {
    const bad = actions.filter((a) => !/^[a-z0-9-]+:(Describe|Get|List|View)[A-Za-z]*$/.test(a));
    if (bad.length > 0) throw new Error(`internal: allowReadOnly is for read actions only, got ${bad.join(', ')}`);
    if (!this.readOnlyPolicy) {
      // Attached by the role (not `roles: [role]`): a role imported with `mutable: false` takes no policy.
      this.readOnlyPolicy = new iam.Policy(this, 'ReadOnlyPolicy');
      this.role.attachInlinePolicy(this.readOnlyPolicy);
    }
    this.readOnlyPolicy.addStatements(new iam.PolicyStatement({ sid, actions, resources: ['*'] }));
    this.readReasons.push(`${actions.join(', ')}: ${reason}`);
  }

  /**
   * Allows actions on "*" that IAM limits by a condition (e.g. ec2:RunInstances only from one
   * launch template), each group in its own policy with its acknowledgement and reason.
   */
  public allowWithCondition(id: string, statements: iam.PolicyStatement[], reason: string): void {
    if (statements.some((st) => Object.keys((st.toStatementJson() as { Condition?: object }).Condition ?? {}).length === 0)) {
      throw new Error(`internal: allowWithCondition(${id}) needs a condition on every statement`);
    }
    const policy = new iam.Policy(this, id, { statements });
    this.role.attachInlinePolicy(policy);
    acknowledge(policy, { id: 'AwsSolutions-IAM5[Resource::*]', reason });
  }

  /** Called once all read-only statements are added. */
  public acknowledgeReadOnly(): void {
    if (!this.readOnlyPolicy) return;
    acknowledge(this.readOnlyPolicy, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Read-only actions that support no resource-level permissions, so AWS requires Resource "*": ${this.readReasons.join(' ')} This policy holds read actions only; every write is scoped to the managed resources in the role's default policy.`,
    });
  }
}
