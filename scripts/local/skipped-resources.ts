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
  type AutoScalingClient,
  DescribePoliciesCommand,
  PutLifecycleHookCommand,
  type PutLifecycleHookCommandInput,
  PutScalingPolicyCommand,
  type PutScalingPolicyCommandInput,
  PutWarmPoolCommand,
  type PutWarmPoolCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { type CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  type Budget,
  type BudgetsClient,
  CreateBudgetCommand,
  type CreateBudgetCommandInput,
  DeleteBudgetCommand,
  type NotificationWithSubscribers,
} from '@aws-sdk/client-budgets';
import { type CloudWatchClient, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, type EC2Client, type IpPermission } from '@aws-sdk/client-ec2';
import {
  AddPermissionCommand,
  type AddPermissionCommandInput,
  type LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  type PutFunctionEventInvokeConfigCommandInput,
} from '@aws-sdk/client-lambda';
import { PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { SetTopicAttributesCommand, type SNSClient, SubscribeCommand, type SubscribeCommandInput } from '@aws-sdk/client-sns';
import type { CfnTemplate } from './cdk-deploy';
import { type ResolveContext, resolveIntrinsics } from './intrinsics';
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

/**
 * The resolved properties of one template resource, typed as the API request that creates it:
 * CloudFormation's property names are the API's for these types, and the template is the one CDK
 * synthesized, so the shape is known (only the values CloudFormation types as strings differ).
 */
type PropsOf<T> = { [K in keyof T]?: T[K] };

/** AWS::EC2::SecurityGroupIngress / SecurityGroupEgress properties. */
interface SecurityGroupRuleProps {
  readonly GroupId?: string;
  readonly IpProtocol?: string | number;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly CidrIp?: string;
  readonly CidrIpv6?: string;
  readonly Description?: string;
  readonly SourceSecurityGroupId?: string;
  readonly DestinationSecurityGroupId?: string;
  readonly SourcePrefixListId?: string;
  readonly DestinationPrefixListId?: string;
}

/** AWS::Budgets::Budget properties (the limit's Amount may be a number in the template). */
interface BudgetProps {
  readonly Budget?: Omit<Budget, 'BudgetLimit' | 'BudgetName'> & { BudgetName?: string; BudgetLimit?: { Amount: string | number; Unit: string } };
  readonly NotificationsWithSubscribers?: NotificationWithSubscribers[];
}

async function createOne(
  c: SkippedResourceClients,
  stack: DeployedStack,
  logicalId: string,
  type: string,
  props: Record<string, unknown>,
): Promise<{ created: string; ref: string; input?: unknown }> {
  switch (type) {
    case 'AWS::AutoScaling::ScalingPolicy': {
      const p = props as PropsOf<Omit<PutScalingPolicyCommandInput, 'Cooldown'>> & { Cooldown?: string | number };
      const name = p.PolicyName ?? nameOf(stack, logicalId);
      const input: PutScalingPolicyCommandInput = {
        ...p,
        PolicyName: name,
        AutoScalingGroupName: p.AutoScalingGroupName,
        Cooldown: p.Cooldown !== undefined ? Number(p.Cooldown) : undefined,
      };
      await c.autoScaling.send(new PutScalingPolicyCommand(input));
      // moto answers `PolicyArn` where the SDK reads `PolicyARN`: read the ARN back instead.
      const d = await c.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: input.AutoScalingGroupName, PolicyNames: [name] }));
      const arn = d.ScalingPolicies?.[0]?.PolicyARN;
      if (!arn) throw new Error(`policy ${name} was not found after PutScalingPolicy`);
      return { created: name, ref: arn };
    }
    case 'AWS::AutoScaling::LifecycleHook': {
      const p = props as PropsOf<PutLifecycleHookCommandInput>;
      const name = p.LifecycleHookName ?? nameOf(stack, logicalId);
      await c.autoScaling.send(new PutLifecycleHookCommand({ ...p, AutoScalingGroupName: p.AutoScalingGroupName, LifecycleHookName: name }));
      return { created: name, ref: name };
    }
    case 'AWS::AutoScaling::WarmPool': {
      const p = props as PropsOf<PutWarmPoolCommandInput>;
      const group = String(p.AutoScalingGroupName);
      await c.autoScaling.send(new PutWarmPoolCommand({ ...p, AutoScalingGroupName: group }));
      return { created: `warm pool of ${group}`, ref: group };
    }
    case 'AWS::EC2::SecurityGroupEgress':
    case 'AWS::EC2::SecurityGroupIngress': {
      const egress = type === 'AWS::EC2::SecurityGroupEgress';
      const p = props as SecurityGroupRuleProps;
      const desc = p.Description;
      const peerGroup = egress ? p.DestinationSecurityGroupId : p.SourceSecurityGroupId;
      const prefixList = egress ? p.DestinationPrefixListId : p.SourcePrefixListId;
      const permission: IpPermission = {
        IpProtocol: String(p.IpProtocol),
        FromPort: p.FromPort,
        ToPort: p.ToPort,
        IpRanges: p.CidrIp ? [{ CidrIp: p.CidrIp, Description: desc }] : undefined,
        Ipv6Ranges: p.CidrIpv6 ? [{ CidrIpv6: p.CidrIpv6, Description: desc }] : undefined,
        UserIdGroupPairs: peerGroup ? [{ GroupId: peerGroup, Description: desc }] : undefined,
        PrefixListIds: prefixList ? [{ PrefixListId: prefixList, Description: desc }] : undefined,
      };
      try {
        if (egress) await c.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: p.GroupId, IpPermissions: [permission] }));
        else await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: p.GroupId, IpPermissions: [permission] }));
      } catch (e) {
        // the emulator's CloudFormation may have added it already
        if ((e as { name?: string }).name !== 'InvalidPermission.Duplicate') throw e;
      }
      return { created: `${egress ? 'egress' : 'ingress'} rule of ${p.GroupId}`, ref: logicalId };
    }
    case 'AWS::SNS::TopicPolicy': {
      const p = props as { Topics?: string[]; PolicyDocument?: unknown };
      const topics = p.Topics ?? [];
      for (const topic of topics) {
        await c.sns.send(
          new SetTopicAttributesCommand({ TopicArn: topic, AttributeName: 'Policy', AttributeValue: JSON.stringify(p.PolicyDocument) }),
        );
      }
      return { created: `policy of ${topics.join(', ')}`, ref: logicalId };
    }
    case 'AWS::S3::BucketPolicy': {
      const p = props as { Bucket?: string; PolicyDocument?: unknown };
      await c.s3.send(new PutBucketPolicyCommand({ Bucket: p.Bucket, Policy: JSON.stringify(p.PolicyDocument) }));
      return { created: `policy of bucket ${p.Bucket}`, ref: logicalId };
    }
    case 'AWS::SNS::Subscription': {
      const p = props as PropsOf<SubscribeCommandInput>;
      const res = await c.sns.send(new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: p.Protocol, Endpoint: p.Endpoint }));
      if (!res.SubscriptionArn) throw new Error(`Subscribe to ${p.TopicArn} answered no SubscriptionArn`);
      return { created: res.SubscriptionArn, ref: res.SubscriptionArn };
    }
    case 'AWS::Lambda::Permission': {
      const p = props as PropsOf<AddPermissionCommandInput>;
      const statementId = logicalId.slice(0, 100);
      await c.lambda.send(
        new AddPermissionCommand({
          FunctionName: p.FunctionName,
          StatementId: statementId,
          Action: p.Action,
          Principal: p.Principal,
          SourceArn: p.SourceArn,
          SourceAccount: p.SourceAccount,
        }),
      );
      return { created: `permission ${statementId} on ${p.FunctionName}`, ref: logicalId };
    }
    case 'AWS::Lambda::EventInvokeConfig': {
      const p = props as PropsOf<PutFunctionEventInvokeConfigCommandInput>;
      await c.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: p.FunctionName,
          Qualifier: p.Qualifier ?? '$LATEST',
          MaximumRetryAttempts: p.MaximumRetryAttempts,
          MaximumEventAgeInSeconds: p.MaximumEventAgeInSeconds,
          DestinationConfig: p.DestinationConfig,
        }),
      );
      return { created: `event invoke config of ${p.FunctionName}`, ref: logicalId };
    }
    case 'AWS::CloudWatch::Alarm': {
      const p = props as PropsOf<PutMetricAlarmCommandInput>;
      const name = p.AlarmName ?? nameOf(stack, logicalId);
      await c.cloudWatch.send(new PutMetricAlarmCommand({ ...p, AlarmName: name }));
      return { created: name, ref: name };
    }
    case 'AWS::Budgets::Budget': {
      const p = props as BudgetProps;
      const budget = p.Budget;
      const name = budget?.BudgetName ?? nameOf(stack, logicalId, 100);
      const input: CreateBudgetCommandInput = {
        AccountId: stack.account,
        Budget: {
          ...budget,
          BudgetName: name,
          // required by the SDK's type; the service (here the emulator) names what is missing
          TimeUnit: budget?.TimeUnit,
          BudgetType: budget?.BudgetType,
          BudgetLimit: budget?.BudgetLimit ? { Amount: String(budget.BudgetLimit.Amount), Unit: budget.BudgetLimit.Unit } : undefined,
        },
        NotificationsWithSubscribers: p.NotificationsWithSubscribers,
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
  clients: SkippedResourceClients,
  template: CfnTemplate,
  stack: DeployedStack,
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
        const props = resolveIntrinsics<Record<string, unknown>>(ctx, r.Properties ?? {});
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
      results.push({
        logicalId,
        type: r.Type,
        error: "recorded but not created by the emulator's CloudFormation (moto does not implement it), and the local run does not create it",
      });
    }
  }
  return results;
}
