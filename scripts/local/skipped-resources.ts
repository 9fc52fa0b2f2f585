/**
 * Creates through the service APIs the resources that moto's CloudFormation reports as created
 * but skips (alarms, budgets, scaling policies, lifecycle hooks, warm pools, security group
 * rules, topic and bucket policies, SNS subscriptions, Lambda permissions and event invoke
 * configs), from the synthesized template with its intrinsics resolved against
 * the deployed stack, so that the local account matches the template. Reports every template
 * resource that exists neither in the deployed stack nor through these calls.
 */
import * as path from 'node:path';
import {
  AutoScalingClient, DescribePoliciesCommand, PutLifecycleHookCommand, PutScalingPolicyCommand,
  PutScalingPolicyCommandInput, PutWarmPoolCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { BudgetsClient, CreateBudgetCommand, CreateBudgetCommandInput, DeleteBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, EC2Client, IpPermission } from '@aws-sdk/client-ec2';
import { AddPermissionCommand, LambdaClient, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CfnTemplate } from './cdk-deploy';
import { ResolveContext, resolveIntrinsics } from './intrinsics';
import { run } from './process';

/** One resource the local run created, or could not. */
export interface SkippedResourceResult {
  readonly logicalId: string;
  readonly type: string;
  /** The name or ARN it was created with, when it was. */
  readonly created?: string;
  /** Why it was not created, when it was not. */
  readonly error?: string;
  /** The API request it was created with. */
  readonly input?: unknown;
}

/** The deployed stack: its resources' physical ids and what the context needs to resolve against. */
export interface DeployedStack {
  readonly stackName: string;
  readonly stackId?: string;
  readonly account: string;
  readonly region: string;
  /** Logical id to physical id, for what the emulator's CloudFormation created. */
  readonly physicalIds: Record<string, string>;
}

/** Reads the deployed stack's resources from the emulator's CloudFormation. */
export async function describeDeployedStack(cfn: CloudFormationClient, stackName: string, account: string): Promise<DeployedStack> {
  const physicalIds: Record<string, string> = {};
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    for (const r of page.StackResourceSummaries ?? []) {
      if (r.LogicalResourceId && r.PhysicalResourceId) physicalIds[r.LogicalResourceId] = r.PhysicalResourceId;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  const stacks = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return { stackName, stackId: stacks.Stacks?.[0]?.StackId, account, region: await cfn.config.region(), physicalIds };
}

/** Resource types the local run creates itself, in the order they are created (later ones may refer to earlier ones). */
export const CREATED_LOCALLY = [
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::AutoScaling::LifecycleHook',
  'AWS::AutoScaling::WarmPool',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::SNS::TopicPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::CloudWatch::Alarm',
  'AWS::Budgets::Budget',
] as const;

/** Clients used to create the resources. */
export interface SkippedResourceClients {
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly budgets: BudgetsClient;
  readonly ec2: EC2Client;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
}

/**
 * The resource's name: the one the emulator's CloudFormation recorded for it (with the
 * moto-patches, the name CloudFormation would generate, which other resources already refer to),
 * else stack-logicalId.
 */
function nameOf(stack: DeployedStack, logicalId: string, max = 255): string {
  return (stack.physicalIds[logicalId] ?? `${stack.stackName}-${logicalId}`).slice(0, max);
}

async function createOne(
  c: SkippedResourceClients, stack: DeployedStack, logicalId: string, type: string, props: Record<string, any>,
): Promise<{ created: string; ref: string; input?: unknown }> {
  switch (type) {
    case 'AWS::AutoScaling::ScalingPolicy': {
      const name = props.PolicyName ?? nameOf(stack, logicalId);
      const input: PutScalingPolicyCommandInput = {
        ...props,
        PolicyName: name,
        AutoScalingGroupName: props.AutoScalingGroupName,
        Cooldown: props.Cooldown !== undefined ? Number(props.Cooldown) : undefined,
      } as PutScalingPolicyCommandInput;
      await c.autoScaling.send(new PutScalingPolicyCommand(input));
      // moto answers `PolicyArn` where the SDK reads `PolicyARN`: read the ARN back instead.
      const d = await c.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: input.AutoScalingGroupName, PolicyNames: [name] }));
      const arn = d.ScalingPolicies?.[0]?.PolicyARN;
      if (!arn) throw new Error(`policy ${name} was not found after PutScalingPolicy`);
      return { created: name, ref: arn };
    }
    case 'AWS::AutoScaling::LifecycleHook': {
      const name = props.LifecycleHookName ?? nameOf(stack, logicalId);
      await c.autoScaling.send(new PutLifecycleHookCommand({ ...props, LifecycleHookName: name } as any));
      return { created: name, ref: name };
    }
    case 'AWS::AutoScaling::WarmPool': {
      await c.autoScaling.send(new PutWarmPoolCommand(props as any));
      return { created: `warm pool of ${props.AutoScalingGroupName}`, ref: props.AutoScalingGroupName };
    }
    case 'AWS::EC2::SecurityGroupEgress':
    case 'AWS::EC2::SecurityGroupIngress': {
      const egress = type === 'AWS::EC2::SecurityGroupEgress';
      const { Description: desc } = props;
      const peerGroup = egress ? props.DestinationSecurityGroupId : props.SourceSecurityGroupId;
      const prefixList = egress ? props.DestinationPrefixListId : props.SourcePrefixListId;
      const permission: IpPermission = {
        IpProtocol: String(props.IpProtocol), FromPort: props.FromPort, ToPort: props.ToPort,
        IpRanges: props.CidrIp ? [{ CidrIp: props.CidrIp, Description: desc }] : undefined,
        Ipv6Ranges: props.CidrIpv6 ? [{ CidrIpv6: props.CidrIpv6, Description: desc }] : undefined,
        UserIdGroupPairs: peerGroup ? [{ GroupId: peerGroup, Description: desc }] : undefined,
        PrefixListIds: prefixList ? [{ PrefixListId: prefixList, Description: desc }] : undefined,
      };
      try {
        if (egress) await c.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: props.GroupId, IpPermissions: [permission] }));
        else await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: props.GroupId, IpPermissions: [permission] }));
      } catch (e) {
        // the emulator's CloudFormation may have added it already
        if ((e as { name?: string }).name !== 'InvalidPermission.Duplicate') throw e;
      }
      return { created: `${egress ? 'egress' : 'ingress'} rule of ${props.GroupId}`, ref: logicalId };
    }
    case 'AWS::SNS::TopicPolicy': {
      for (const topic of props.Topics as string[]) {
        await c.sns.send(new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: 'Policy', AttributeValue: JSON.stringify(props.PolicyDocument) }));
      }
      return { created: `policy of ${(props.Topics as string[]).join(', ')}`, ref: logicalId };
    }
    case 'AWS::S3::BucketPolicy': {
      await c.s3.send(new PutBucketPolicyCommand({ Bucket: props.Bucket, Policy: JSON.stringify(props.PolicyDocument) }));
      return { created: `policy of bucket ${props.Bucket}`, ref: logicalId };
    }
    case 'AWS::SNS::Subscription': {
      const res = await c.sns.send(new SubscribeCommand({ TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint }));
      return { created: res.SubscriptionArn!, ref: res.SubscriptionArn! };
    }
    case 'AWS::Lambda::Permission': {
      const statementId = logicalId.slice(0, 100);
      await c.lambda.send(new AddPermissionCommand({
        FunctionName: props.FunctionName, StatementId: statementId, Action: props.Action, Principal: props.Principal,
        SourceArn: props.SourceArn, SourceAccount: props.SourceAccount,
      }));
      return { created: `permission ${statementId} on ${props.FunctionName}`, ref: logicalId };
    }
    case 'AWS::Lambda::EventInvokeConfig': {
      await c.lambda.send(new PutFunctionEventInvokeConfigCommand({
        FunctionName: props.FunctionName, Qualifier: props.Qualifier ?? '$LATEST',
        MaximumRetryAttempts: props.MaximumRetryAttempts, MaximumEventAgeInSeconds: props.MaximumEventAgeInSeconds,
        DestinationConfig: props.DestinationConfig,
      }));
      return { created: `event invoke config of ${props.FunctionName}`, ref: logicalId };
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = props.AlarmName ?? nameOf(stack, logicalId);
      await c.cloudWatch.send(new PutMetricAlarmCommand({ ...props, AlarmName: name } as PutMetricAlarmCommandInput));
      return { created: name, ref: name };
    }
    case 'AWS::Budgets::Budget': {
      const budget = props.Budget ?? {};
      const name = budget.BudgetName ?? nameOf(stack, logicalId, 100);
      const input: CreateBudgetCommandInput = {
        AccountId: stack.account,
        Budget: {
          ...budget,
          BudgetName: name,
          BudgetLimit: budget.BudgetLimit ? { Amount: String(budget.BudgetLimit.Amount), Unit: budget.BudgetLimit.Unit } : undefined,
        },
        NotificationsWithSubscribers: props.NotificationsWithSubscribers,
      };
      try {
        await c.budgets.send(new CreateBudgetCommand(input));
      } catch (e) {
        if ((e as { name?: string }).name !== 'DuplicateRecordException') throw e;
        // an update deploy: replace it, as CloudFormation would update it
        await c.budgets.send(new DeleteBudgetCommand({ AccountId: stack.account, BudgetName: name }));
        await c.budgets.send(new CreateBudgetCommand(input));
      }
      return { created: name, ref: name, input };
    }
    default:
      throw new Error(`the local run does not create ${type}`);
  }
}

/**
 * The template's resource types that the emulator's CloudFormation does not implement, asked of
 * moto itself (moto-patches/unimplemented_types.py, with the Python on PATH); undefined when that
 * Python cannot import moto.
 */
export async function unimplementedTypes(types: readonly string[]): Promise<Set<string> | undefined> {
  try {
    const res = await run('python3', [path.join(__dirname, 'moto-patches', 'unimplemented_types.py'), ...new Set(types)]);
    return new Set(JSON.parse(res.stdout.trim().split('\n')[0]) as string[]);
  } catch {
    return undefined;
  }
}

/**
 * Creates the template's resources of the {@link CREATED_LOCALLY} types, and lists every other
 * template resource that the emulator did not create (`error` says why).
 */
export async function createSkippedResources(
  clients: SkippedResourceClients, template: CfnTemplate, stack: DeployedStack,
): Promise<SkippedResourceResult[]> {
  const types: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources)) types[id] = r.Type;
  const refs: Record<string, string> = { ...stack.physicalIds };
  const ctx: ResolveContext = { account: stack.account, region: stack.region, stackName: stack.stackName, stackId: stack.stackId, types, refs };
  const results: SkippedResourceResult[] = [];
  for (const type of CREATED_LOCALLY) {
    for (const [logicalId, r] of Object.entries(template.Resources)) {
      if (r.Type !== type) continue;
      try {
        const props = resolveIntrinsics<Record<string, any>>(ctx, r.Properties ?? {});
        const { created, ref, input } = await createOne(clients, stack, logicalId, type, props);
        refs[logicalId] = ref;
        results.push({ logicalId, type, created, ...(input !== undefined ? { input } : {}) });
      } catch (e) {
        results.push({ logicalId, type, error: errorText(e) });
      }
    }
  }
  const handled = new Set<string>([...CREATED_LOCALLY, 'AWS::CDK::Metadata']);
  const others = Object.entries(template.Resources).filter(([, r]) => !handled.has(r.Type));
  const unimplemented = await unimplementedTypes(others.map(([, r]) => r.Type));
  for (const [logicalId, r] of others) {
    if (!(logicalId in stack.physicalIds)) {
      results.push({ logicalId, type: r.Type, error: "not in the emulator's stack, and the local run does not create it" });
    } else if (unimplemented === undefined) {
      // cannot ask moto: only the stack's record is known
    } else if (unimplemented.has(r.Type)) {
      results.push({ logicalId, type: r.Type, error: "recorded but not created by the emulator's CloudFormation (moto does not implement it), and the local run does not create it" });
    }
  }
  return results;
}
