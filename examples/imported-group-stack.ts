import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import {
  AlertTopic,
  BudgetScope,
  CostOptimizer,
  LoadDistribution,
  LoadMonitor,
  PredictiveScaler,
  PredictiveScalerMode,
  ScalingBudget,
  ScalingStandardsChecks,
} from 'cdk-scaling-architecture';

/** Our scalers on groups a team already has: one of this app, one imported by name. */
export class ImportedGroupStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });
    const alerts = new AlertTopic(this, 'Alerts');

    // 1. A plain aws-cdk-lib group with its own request-count and CPU target tracking, behind a
    //    load balancer (ours here; any application target group of this app does).
    const web = new LoadDistribution(this, 'Web', { vpc, alertTopic: alerts.topic });
    const group = new autoscaling.AutoScalingGroup(this, 'Fleet', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate: new ec2.LaunchTemplate(this, 'FleetTemplate', {
        instanceType: new ec2.InstanceType('m7g.large'),
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        securityGroup: new ec2.SecurityGroup(this, 'FleetInstances', { vpc, description: 'Fleet instances' }),
        userData: ec2.UserData.forLinux(),
        requireImdsv2: true,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true }) }],
      }),
      minCapacity: 2,
      maxCapacity: 12,
      defaultInstanceWarmup: Duration.minutes(3),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: alerts.topic }],
    });
    web.addTarget(group);
    group.scaleOnRequestCount('Requests', { targetRequestsPerMinute: 1000 });
    group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
    new LoadMonitor(this, 'FleetMonitor', {
      autoScalingGroup: group,
      targetGroup: web.targetGroup,
      loadBalancer: web.loadBalancer,
      alertTopic: alerts.topic,
      unhealthyHostsAlarm: web.unhealthyHostsAlarm,
    });

    // capacityPerInstance comes from the request-count policy (1000 requests per minute at the default targetUtilizationPercent 70), and
    // the target group's 5-minute RequestCount is read at one minute.
    new PredictiveScaler(this, 'FleetPredictive', {
      autoScalingGroup: group,
      loadMetric: web.targetGroup.metrics.requestCount(),
      mode: PredictiveScalerMode.FORECAST_AND_SCALE,
      alertTopic: alerts.topic,
    });
    // Vertical scaling versions the group's own launch template, found without being given.
    new CostOptimizer(this, 'FleetCost', {
      autoScalingGroup: group,
      budget: new ScalingBudget(this, 'FleetBudget', { limit: 1500, alertTopic: alerts.topic }),
      targetUtilizationBand: { maxPercent: 70 },
      vertical: {
        instanceTypes: ['m7g.medium', 'm7g.large', 'm7g.xlarge'].map((t) => new ec2.InstanceType(t)),
        lowerUtilizationPercent: 20,
        upperUtilizationPercent: 70,
        evaluationWindow: Duration.days(3),
        minInterval: Duration.days(7),
      },
      alertTopic: alerts.topic,
    });

    // 2. A group of another stack or tool, imported by name: give its configured bounds and the
    //    load one instance serves; IAM writes are scoped to that name.
    const legacy = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, 'Legacy', 'legacy-web');
    new PredictiveScaler(this, 'LegacyPredictive', {
      autoScalingGroup: legacy,
      minCapacity: 1,
      maxCapacity: 8,
      capacityPerInstance: 1200,
      loadMetric: new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensionsMap: { TargetGroup: 'targetgroup/legacy/0123456789abcdef', LoadBalancer: 'app/legacy/0123456789abcdef' },
        statistic: cloudwatch.Stats.SUM,
      }),
      alertTopic: alerts.topic,
    });
    new CostOptimizer(this, 'LegacyCost', {
      autoScalingGroup: legacy,
      minCapacity: 1,
      maxCapacity: 8,
      // An existing budget, imported by name: it declares whose spend it counts (the legacy web's tagged cost).
      budget: ScalingBudget.fromBudgetName(this, 'LegacyBudget', 'legacy-web-monthly', { limit: 400, budgetScope: BudgetScope.SERVICE }),
      alertTopic: alerts.topic,
    });
  }
}

const app = new App();
// AwsSolutions and our scaling standards: a finding fails the synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ScalingStandardsChecks(app));
new ImportedGroupStack(app, 'ImportedGroup', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
