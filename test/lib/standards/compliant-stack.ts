import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * A stack of plain L1 resources that meets every Scaling standard: a group with a launch
 * template, a target group, a policy, alarms, a budget and a scaler function. Tests change one
 * property or remove one resource and assert exactly which rule reports it.
 */
export interface CompliantStack {
  readonly app: App;
  readonly stack: Stack;
  readonly launchTemplate: ec2.CfnLaunchTemplate;
  readonly group: autoscaling.CfnAutoScalingGroup;
  readonly policy: autoscaling.CfnScalingPolicy;
  readonly targetGroup: elbv2.CfnTargetGroup;
  readonly topic: sns.CfnTopic;
  readonly cpuAlarm: cloudwatch.CfnAlarm;
  readonly unhealthyAlarm: cloudwatch.CfnAlarm;
  readonly budget: budgets.CfnBudget;
  readonly scalerRole: iam.CfnRole;
  readonly scalerPolicy: iam.CfnPolicy;
  readonly scaler: lambda.CfnFunction;
  readonly scalerErrorsAlarm: cloudwatch.CfnAlarm;
}

export function compliantStack(): CompliantStack {
  const app = new App();
  const stack = new Stack(app, 'Good');

  const launchTemplate = new ec2.CfnLaunchTemplate(stack, 'LaunchTemplate', {
    launchTemplateData: { imageId: 'ami-12345678', instanceType: 't3.micro', metadataOptions: { httpTokens: 'required' } },
  });
  const targetGroup = new elbv2.CfnTargetGroup(stack, 'TargetGroup', {
    port: 80,
    protocol: 'HTTP',
    vpcId: 'vpc-12345678',
    targetType: 'instance',
    healthCheckPath: '/health',
    healthCheckIntervalSeconds: 15,
    healthCheckTimeoutSeconds: 5,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 3,
  });
  const group = new autoscaling.CfnAutoScalingGroup(stack, 'Group', {
    minSize: '1',
    maxSize: '4',
    vpcZoneIdentifier: ['subnet-1', 'subnet-2'],
    launchTemplate: { launchTemplateId: launchTemplate.ref, version: launchTemplate.attrLatestVersionNumber },
    targetGroupArns: [targetGroup.ref],
    healthCheckType: 'ELB',
    healthCheckGracePeriod: 120,
    defaultInstanceWarmup: 120,
  });
  const policy = new autoscaling.CfnScalingPolicy(stack, 'CpuPolicy', {
    autoScalingGroupName: group.ref,
    policyType: 'TargetTrackingScaling',
    targetTrackingConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
      targetValue: 50,
    },
  });
  const topic = new sns.CfnTopic(stack, 'Alerts');
  const cpuAlarm = new cloudwatch.CfnAlarm(stack, 'CpuAlarm', {
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensions: [{ name: 'AutoScalingGroupName', value: group.ref }],
    statistic: 'Average',
    period: 300,
    evaluationPeriods: 3,
    threshold: 85,
    comparisonOperator: 'GreaterThanThreshold',
    alarmActions: [topic.ref],
  });
  const unhealthyAlarm = new cloudwatch.CfnAlarm(stack, 'UnhealthyAlarm', {
    namespace: 'AWS/ApplicationELB',
    metricName: 'UnHealthyHostCount',
    dimensions: [
      { name: 'LoadBalancer', value: 'app/alb/1234567890' },
      { name: 'TargetGroup', value: targetGroup.attrTargetGroupFullName },
    ],
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    alarmActions: [topic.ref],
  });
  const budget = new budgets.CfnBudget(stack, 'Budget', {
    budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 500, unit: 'USD' } },
    notificationsWithSubscribers: [
      {
        notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE' },
        subscribers: [{ subscriptionType: 'SNS', address: topic.ref }],
      },
    ],
  });
  const scalerRole = new iam.CfnRole(stack, 'ScalerRole', {
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  });
  const scalerPolicy = new iam.CfnPolicy(stack, 'ScalerPolicy', {
    policyName: 'scaler',
    roles: [scalerRole.ref],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups'], Resource: '*' },
        { Effect: 'Allow', Action: 'autoscaling:PutScheduledUpdateGroupAction', Resource: '*' },
      ],
    },
  });
  const scaler = new lambda.CfnFunction(stack, 'Scaler', {
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    role: scalerRole.attrArn,
    code: { zipFile: 'exports.handler = async () => {};' },
  });
  const scalerErrorsAlarm = new cloudwatch.CfnAlarm(stack, 'ScalerErrors', {
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensions: [{ name: 'FunctionName', value: scaler.ref }],
    statistic: 'Sum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    alarmActions: [topic.ref],
  });
  return {
    app,
    stack,
    launchTemplate,
    group,
    policy,
    targetGroup,
    topic,
    cpuAlarm,
    unhealthyAlarm,
    budget,
    scalerRole,
    scalerPolicy,
    scaler,
    scalerErrorsAlarm,
  };
}

/** Removes one resource from its stack, as if it had never been defined. */
export function remove(resource: { node: { id: string; scope?: unknown } }): void {
  const scope = resource.node.scope as { node: { tryRemoveChild(id: string): boolean } };
  if (!scope.node.tryRemoveChild(resource.node.id)) {
    throw new Error(`could not remove ${resource.node.id}`);
  }
}

/** A MaxSize that is a stack parameter: not checkable at synthesis. */
export function parameterMaxSize(stack: Stack): string {
  return new CfnParameter(stack, 'MaxSize', { type: 'Number', default: 4 }).valueAsString;
}
