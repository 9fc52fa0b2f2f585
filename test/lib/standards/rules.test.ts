import { App, Fn, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ScalerFunctionSelector } from '../../../lib/standards';
import { type CompliantStack, compliantStack, parameterMaxSize, remove } from './compliant-stack';
import { findings, ruleIdsOn } from './findings';

test('the compliant stack has no findings', () => {
  expect(findings(compliantStack().app)).toEqual([]);
});

describe('Scaling-NoDesiredCapacity', () => {
  test('reports a group with DesiredCapacity, as an error', () => {
    const s = compliantStack();
    s.group.desiredCapacity = '2';
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-NoDesiredCapacity']);
    expect(findings(s.app).find((f) => f.ruleId === 'Scaling-NoDesiredCapacity')?.severity).toBe('error');
  });
  test('passes a group without DesiredCapacity', () => {
    const s = compliantStack();
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
});

describe('Scaling-ElbHealthCheck', () => {
  test.each([
    [
      'EC2 health checks',
      (s: CompliantStack) => {
        s.group.healthCheckType = 'EC2';
      },
    ],
    [
      'no health check type',
      (s: CompliantStack) => {
        s.group.healthCheckType = undefined;
      },
    ],
    [
      'no grace period',
      (s: CompliantStack) => {
        s.group.healthCheckGracePeriod = undefined;
      },
    ],
    [
      'a zero grace period',
      (s: CompliantStack) => {
        s.group.healthCheckGracePeriod = 0;
      },
    ],
  ])('reports a group behind a target group with %s, as an error', (_, change) => {
    const s = compliantStack();
    change(s);
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-ElbHealthCheck']);
    expect(findings(s.app)[0].severity).toBe('error');
  });
  test('passes ELB among several health check types', () => {
    const s = compliantStack();
    s.group.healthCheckType = 'EBS,ELB';
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('does not apply to a group behind no load balancer', () => {
    const s = compliantStack();
    s.group.targetGroupArns = undefined;
    s.group.healthCheckType = 'EC2';
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('treats target groups given by an intrinsic as a load balancer', () => {
    const s = compliantStack();
    s.group.targetGroupArns = Fn.split(',', Fn.importValue('TargetGroupArns'));
    s.group.healthCheckType = 'EC2';
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-ElbHealthCheck']);
  });
  test('reports a group behind a classic load balancer with EC2 health checks', () => {
    const s = compliantStack();
    s.group.targetGroupArns = undefined;
    s.group.loadBalancerNames = ['classic'];
    s.group.healthCheckType = 'EC2';
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-ElbHealthCheck']);
  });
});

describe('Scaling-MaxCapacityLimit', () => {
  test('reports a MaxSize above the default limit of 100', () => {
    const s = compliantStack();
    s.group.maxSize = '101';
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-MaxCapacityLimit']);
    expect(findings(s.app)[0]).toMatchObject({ severity: 'warning', description: expect.stringMatching(/limit of 100/) });
  });
  test('passes a MaxSize equal to the limit', () => {
    const s = compliantStack();
    s.group.maxSize = '100';
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('uses the maxCapacityLimit option', () => {
    const s = compliantStack();
    s.group.maxSize = '8';
    expect(ruleIdsOn(s.group, { maxCapacityLimit: 5 })).toEqual(['Scaling-MaxCapacityLimit']);
    expect(ruleIdsOn(s.group, { maxCapacityLimit: 8 })).toEqual([]);
  });
  test('reports a MaxSize that is a parameter, as it cannot be checked', () => {
    const s = compliantStack();
    s.group.maxSize = parameterMaxSize(s.stack);
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-MaxCapacityLimit']);
  });
});

describe('Scaling-ScalingPolicy', () => {
  test('reports a group that can scale but has no policy', () => {
    const s = compliantStack();
    remove(s.policy);
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-ScalingPolicy']);
  });
  test('does not count a policy of another group', () => {
    const s = compliantStack();
    const other = new autoscaling.CfnAutoScalingGroup(s.stack, 'Other', { minSize: '1', maxSize: '1' });
    s.policy.autoScalingGroupName = other.ref;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-ScalingPolicy']);
  });
  test('counts a policy naming the group by its literal name', () => {
    const s = compliantStack();
    s.group.autoScalingGroupName = 'web-fleet';
    s.policy.autoScalingGroupName = 'web-fleet';
    s.cpuAlarm.dimensions = [{ name: 'AutoScalingGroupName', value: 'web-fleet' }];
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('does not apply to a fixed-size group', () => {
    const s = compliantStack();
    remove(s.policy);
    s.group.minSize = '4';
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
});

describe('Scaling-InstanceWarmup', () => {
  test('reports a group without default warmup whose policy has no estimated warmup', () => {
    const s = compliantStack();
    s.group.defaultInstanceWarmup = undefined;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-InstanceWarmup']);
  });
  test('reports a group whose default warmup is turned off (-1)', () => {
    const s = compliantStack();
    s.group.defaultInstanceWarmup = -1;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-InstanceWarmup']);
  });
  test('passes a group whose policies set EstimatedInstanceWarmup', () => {
    const s = compliantStack();
    s.group.defaultInstanceWarmup = undefined;
    s.policy.estimatedInstanceWarmup = 180;
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('passes a simple scaling policy with a cooldown', () => {
    const s = compliantStack();
    s.group.defaultInstanceWarmup = undefined;
    s.policy.policyType = undefined;
    s.policy.targetTrackingConfiguration = undefined;
    s.policy.adjustmentType = 'ChangeInCapacity';
    s.policy.scalingAdjustment = 1;
    s.policy.cooldown = '300';
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('reports a group with only a predictive policy and no default warmup', () => {
    const s = compliantStack();
    s.group.defaultInstanceWarmup = undefined;
    s.policy.policyType = 'PredictiveScaling';
    s.policy.targetTrackingConfiguration = undefined;
    s.policy.predictiveScalingConfiguration = {
      metricSpecifications: [{ targetValue: 50, predefinedMetricPairSpecification: { predefinedMetricType: 'ASGCPUUtilization' } }],
    };
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-InstanceWarmup']);
  });
});

describe('Scaling-GroupAlarms', () => {
  test('reports a group whose CPU alarm has no action', () => {
    const s = compliantStack();
    s.cpuAlarm.alarmActions = undefined;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-GroupAlarms']);
  });
  test('reports a group whose CPU alarm has its actions disabled', () => {
    const s = compliantStack();
    s.cpuAlarm.actionsEnabled = false;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-GroupAlarms']);
  });
  test('reports a group when the CPU alarm watches another group', () => {
    const s = compliantStack();
    s.cpuAlarm.dimensions = [{ name: 'AutoScalingGroupName', value: 'someone-else' }];
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-GroupAlarms']);
  });
  test('counts a metric math alarm whose MetricStat watches the group', () => {
    const s = compliantStack();
    remove(s.cpuAlarm);
    new cloudwatch.CfnAlarm(s.stack, 'MathAlarm', {
      evaluationPeriods: 3,
      threshold: 85,
      comparisonOperator: 'GreaterThanThreshold',
      alarmActions: [s.topic.ref],
      metrics: [
        {
          id: 'cpu',
          returnData: false,
          metricStat: {
            metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'AutoScalingGroupName', value: s.group.ref }] },
            period: 300,
            stat: 'Average',
          },
        },
        { id: 'e', expression: 'cpu * 1', returnData: true },
      ],
    });
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
  test('requires every metric of requiredGroupAlarmMetrics', () => {
    const s = compliantStack();
    expect(ruleIdsOn(s.group, { requiredGroupAlarmMetrics: ['CPUUtilization', 'GroupInServiceInstances'] })).toEqual(['Scaling-GroupAlarms']);
    expect(findings(s.app, { requiredGroupAlarmMetrics: ['CPUUtilization', 'GroupInServiceInstances'] })[0].description).toMatch(
      /CPUUtilization, GroupInServiceInstances/,
    );
  });
  test('is off with an empty requiredGroupAlarmMetrics', () => {
    const s = compliantStack();
    remove(s.cpuAlarm);
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-GroupAlarms']);
    expect(ruleIdsOn(s.group, { requiredGroupAlarmMetrics: [] })).toEqual([]);
  });
});

describe('Scaling-BudgetNotifications', () => {
  test('reports a group when the app has no budget', () => {
    const s = compliantStack();
    remove(s.budget);
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-BudgetNotifications']);
  });
  test('reports a group when the budget notifies no one', () => {
    const s = compliantStack();
    s.budget.notificationsWithSubscribers = undefined;
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-BudgetNotifications']);
  });
  test('counts a budget in another stack of the app', () => {
    const s = compliantStack();
    remove(s.budget);
    const billing = new Stack(s.app, 'Billing');
    new budgets.CfnBudget(billing, 'Budget', {
      budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 500, unit: 'USD' } },
      notificationsWithSubscribers: [
        {
          notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100 },
          subscribers: [{ subscriptionType: 'EMAIL', address: 'ops@example.com' }],
        },
      ],
    });
    expect(ruleIdsOn(s.group)).toEqual([]);
  });
});

describe('Scaling-TargetGroupHealthCheck', () => {
  test.each([
    [
      'a timeout equal to the interval',
      (s: CompliantStack) => {
        s.targetGroup.healthCheckTimeoutSeconds = 15;
      },
    ],
    [
      'no interval',
      (s: CompliantStack) => {
        s.targetGroup.healthCheckIntervalSeconds = undefined;
      },
    ],
    [
      'no healthy threshold',
      (s: CompliantStack) => {
        s.targetGroup.healthyThresholdCount = undefined;
      },
    ],
    [
      'an unhealthy threshold of 1',
      (s: CompliantStack) => {
        s.targetGroup.unhealthyThresholdCount = 1;
      },
    ],
    [
      'no path on an HTTP check',
      (s: CompliantStack) => {
        s.targetGroup.healthCheckPath = undefined;
      },
    ],
    [
      'health checks disabled',
      (s: CompliantStack) => {
        s.targetGroup.healthCheckEnabled = false;
      },
    ],
    [
      'a 60-second interval',
      (s: CompliantStack) => {
        s.targetGroup.healthCheckIntervalSeconds = 60;
      },
    ],
  ])('reports a target group with %s', (_, change) => {
    const s = compliantStack();
    change(s);
    expect(ruleIdsOn(s.targetGroup)).toEqual(['Scaling-TargetGroupHealthCheck']);
  });
  test('passes a TCP check without a path', () => {
    const s = compliantStack();
    s.targetGroup.protocol = 'TCP';
    s.targetGroup.healthCheckPath = undefined;
    s.unhealthyAlarm.namespace = 'AWS/NetworkELB';
    expect(ruleIdsOn(s.targetGroup)).toEqual([]);
  });
  test('does not apply to a Lambda target group', () => {
    const s = compliantStack();
    const fnGroup = new elbv2.CfnTargetGroup(s.stack, 'LambdaTargets', { targetType: 'lambda' });
    expect(ruleIdsOn(fnGroup)).toEqual([]);
  });
});

describe('Scaling-TargetGroupAlarms', () => {
  test('reports a target group without an unhealthy host alarm', () => {
    const s = compliantStack();
    remove(s.unhealthyAlarm);
    expect(ruleIdsOn(s.targetGroup)).toEqual(['Scaling-TargetGroupAlarms']);
  });
  test('does not count an alarm on the load balancer only', () => {
    const s = compliantStack();
    s.unhealthyAlarm.dimensions = [{ name: 'LoadBalancer', value: 'app/alb/1234567890' }];
    expect(ruleIdsOn(s.targetGroup)).toEqual(['Scaling-TargetGroupAlarms']);
  });
  test('uses requiredTargetGroupAlarmMetrics', () => {
    const s = compliantStack();
    expect(ruleIdsOn(s.targetGroup, { requiredTargetGroupAlarmMetrics: ['TargetResponseTime'] })).toEqual(['Scaling-TargetGroupAlarms']);
    remove(s.unhealthyAlarm);
    expect(ruleIdsOn(s.targetGroup, { requiredTargetGroupAlarmMetrics: [] })).toEqual([]);
  });
});

describe('Scaling-ScalerFunctionAlarms', () => {
  test('reports a function allowed to change Auto Scaling without an Errors alarm', () => {
    const s = compliantStack();
    remove(s.scalerErrorsAlarm);
    expect(ruleIdsOn(s.scaler)).toEqual(['Scaling-ScalerFunctionAlarms']);
  });
  test('does not apply to a function that may only describe Auto Scaling', () => {
    const s = compliantStack();
    remove(s.scalerErrorsAlarm);
    s.scalerPolicy.policyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['autoscaling:Describe*', 'cloudwatch:GetMetricData'], Resource: '*' }],
    };
    expect(ruleIdsOn(s.scaler)).toEqual([]);
  });
  test('finds write permissions in inline role policies and AWS managed policies', () => {
    const inline = compliantStack();
    remove(inline.scalerErrorsAlarm);
    remove(inline.scalerPolicy);
    inline.scalerRole.policies = [
      { policyName: 'scale', policyDocument: { Statement: [{ Effect: 'Allow', Action: 'autoscaling:SetDesiredCapacity', Resource: '*' }] } },
    ];
    expect(ruleIdsOn(inline.scaler)).toEqual(['Scaling-ScalerFunctionAlarms']);

    const managed = compliantStack();
    remove(managed.scalerErrorsAlarm);
    remove(managed.scalerPolicy);
    managed.scalerRole.managedPolicyArns = ['arn:aws:iam::aws:policy/AutoScalingFullAccess'];
    expect(ruleIdsOn(managed.scaler)).toEqual(['Scaling-ScalerFunctionAlarms']);
  });
  test('selects functions by tag or name when told to', () => {
    const s = compliantStack();
    remove(s.scalerErrorsAlarm);
    remove(s.scalerPolicy);
    expect(ruleIdsOn(s.scaler)).toEqual([]);
    s.scaler.tags.setTag('role', 'scaler');
    expect(ruleIdsOn(s.scaler, { scalerFunctions: ScalerFunctionSelector.withTag('role', 'scaler') })).toEqual(['Scaling-ScalerFunctionAlarms']);
    expect(ruleIdsOn(s.scaler, { scalerFunctions: ScalerFunctionSelector.withTag('role', 'web') })).toEqual([]);
    expect(ruleIdsOn(s.scaler, { scalerFunctions: ScalerFunctionSelector.withName('Good/Scaler$') })).toEqual(['Scaling-ScalerFunctionAlarms']);
    expect(ruleIdsOn(s.scaler, { scalerFunctions: ScalerFunctionSelector.withName('^Scaler$') })).toEqual([]);
  });
  test('withName takes the source of a regular expression and names a bad one', () => {
    expect(() => ScalerFunctionSelector.withName('Scaler(')).toThrow(
      /ScalerFunctionSelector.withName: pattern must be a regular expression, got 'Scaler\('/,
    );
  });
  test('is off with ScalerFunctionSelector.none()', () => {
    const s = compliantStack();
    remove(s.scalerErrorsAlarm);
    expect(ruleIdsOn(s.scaler, { scalerFunctions: ScalerFunctionSelector.none() })).toEqual([]);
  });
});

describe('Scaling-Imdsv2Required', () => {
  test('reports a launch template that allows IMDSv1', () => {
    const s = compliantStack();
    s.launchTemplate.launchTemplateData = { imageId: 'ami-12345678', metadataOptions: { httpTokens: 'optional' } };
    expect(ruleIdsOn(s.launchTemplate)).toEqual(['Scaling-Imdsv2Required']);
  });
  test('reports a launch template without metadata options', () => {
    const s = compliantStack();
    s.launchTemplate.launchTemplateData = { imageId: 'ami-12345678' };
    expect(ruleIdsOn(s.launchTemplate)).toEqual(['Scaling-Imdsv2Required']);
  });
  test('checks launch configurations too', () => {
    const app = new App();
    const stack = new Stack(app, 'Legacy');
    const required = new autoscaling.CfnLaunchConfiguration(stack, 'Required', {
      imageId: 'ami-12345678',
      instanceType: 't3.micro',
      metadataOptions: { httpTokens: 'required' },
    });
    const optional = new autoscaling.CfnLaunchConfiguration(stack, 'Optional', { imageId: 'ami-12345678', instanceType: 't3.micro' });
    expect(ruleIdsOn(required)).toEqual([]);
    expect(ruleIdsOn(optional)).toEqual(['Scaling-Imdsv2Required']);
  });
  test('passes the launch template aws-cdk-lib makes with requireImdsv2', () => {
    const app = new App();
    const stack = new Stack(app, 'L2');
    const lt = new ec2.LaunchTemplate(stack, 'Lt', { requireImdsv2: true, machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    expect(ruleIdsOn(lt.node.defaultChild as ec2.CfnLaunchTemplate)).toEqual([]);
  });
});

describe('Scaling-MultiAz', () => {
  test('reports a group with one subnet, with two subnets of one zone, or with one Availability Zone', () => {
    const s = compliantStack();
    s.group.vpcZoneIdentifier = ['subnet-1'];
    expect(ruleIdsOn(s.group)).toEqual(['Scaling-MultiAz']);
    const zoned = compliantStack();
    const a = new ec2.CfnSubnet(zoned.stack, 'A', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', availabilityZone: 'us-east-1a' });
    const b = new ec2.CfnSubnet(zoned.stack, 'B', { vpcId: 'vpc-1', cidrBlock: '10.0.1.0/24', availabilityZone: 'us-east-1a' });
    zoned.group.vpcZoneIdentifier = [a.ref, b.ref];
    expect(ruleIdsOn(zoned.group)).toEqual(['Scaling-MultiAz']);
    expect(findings(zoned.app).find((f) => f.ruleId === 'Scaling-MultiAz')?.description).toMatch(
      /Seen: VPCZoneIdentifier has 2 subnets, all in us-east-1a/,
    );
    const listed = compliantStack();
    listed.group.vpcZoneIdentifier = undefined;
    listed.group.availabilityZones = ['us-east-1a'];
    expect(ruleIdsOn(listed.group)).toEqual(['Scaling-MultiAz']);
  });
  test('passes subnets in two zones, and subnets whose zones the template does not show', () => {
    const s = compliantStack();
    const a = new ec2.CfnSubnet(s.stack, 'A', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', availabilityZone: Fn.select(0, Fn.getAzs()) });
    const b = new ec2.CfnSubnet(s.stack, 'B', { vpcId: 'vpc-1', cidrBlock: '10.0.1.0/24', availabilityZone: Fn.select(1, Fn.getAzs()) });
    s.group.vpcZoneIdentifier = [a.ref, b.ref];
    expect(ruleIdsOn(s.group)).toEqual([]);
    expect(ruleIdsOn(compliantStack().group)).toEqual([]); // two imported subnet ids
  });
});

describe('Scaling-LaunchTemplate', () => {
  test('reports a group launched from a launch configuration', () => {
    const s = compliantStack();
    s.group.launchTemplate = undefined;
    s.group.launchConfigurationName = 'legacy';
    expect(ruleIdsOn(s.group)).toContain('Scaling-LaunchTemplate');
    expect(findings(s.app).find((f) => f.ruleId === 'Scaling-LaunchTemplate')?.description).toMatch(/Seen: LaunchConfigurationName is "legacy"/);
  });
  test('passes a group with a launch template', () => {
    expect(ruleIdsOn(compliantStack().group)).not.toContain('Scaling-LaunchTemplate');
  });
});
