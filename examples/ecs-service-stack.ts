import { App, Duration, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { AlertTopic, CostOptimizer, PredictiveScaler, PredictiveScalerMode, ScalingBudget } from 'cdk-scaling-architecture';

/** An ECS service on EC2 capacity: tasks planned ahead of the load, instances following through managed scaling. */
export class EcsServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });

    // The cluster's instances: an Auto Scaling group behind a capacity provider with managed scaling.
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const hosts = new autoscaling.AutoScalingGroup(this, 'Hosts', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate: new ec2.LaunchTemplate(this, 'HostTemplate', {
        instanceType: new ec2.InstanceType('m7g.large'),
        machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.ARM),
        userData: ec2.UserData.forLinux(),
        requireImdsv2: true,
        role: new iam.Role(this, 'HostRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
      }),
      minCapacity: 1,
      maxCapacity: 10,
      defaultInstanceWarmup: Duration.minutes(2),
    });
    const provider = new ecs.AsgCapacityProvider(this, 'Provider', { autoScalingGroup: hosts, targetCapacityPercent: 90 });
    cluster.addAsgCapacityProvider(provider);

    // The service: its tasks behind an application load balancer, request-count target tracking.
    const task = new ecs.Ec2TaskDefinition(this, 'Task');
    task.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      memoryReservationMiB: 512,
      portMappings: [{ containerPort: 80 }],
    });
    const service = new ecs.Ec2Service(this, 'Service', {
      cluster,
      taskDefinition: task,
      capacityProviderStrategies: [{ capacityProvider: provider.capacityProviderName, weight: 1 }],
    });
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true });
    const targetGroup = alb.addListener('Http', { port: 80 }).addTargets('Tasks', {
      port: 80,
      targets: [service],
      healthCheck: { path: '/', interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
    });
    const tasks = service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 40 });
    tasks.scaleOnRequestCount('Requests', { requestsPerTarget: 700, targetGroup });

    // Tasks ahead of the load: the load is the target group's requests per minute (Sum), one task
    // serves 1000 requests per minute at 100% (its target tracking holds 700 at 70%).
    const alerts = new AlertTopic(this, 'Alerts');
    new PredictiveScaler(this, 'Predictive', {
      autoScalingGroup: hosts,
      ecsService: service,
      loadMetric: targetGroup.metrics.requestCount(),
      capacityPerInstance: 1000,
      mode: PredictiveScalerMode.FORECAST_AND_SCALE,
      alertTopic: alerts.topic,
    });

    // Within the budget: the group serves this service alone, so the optimizer may cap both
    // (an m7g.large holds 4 tasks of 512 MiB beside the agent).
    new CostOptimizer(this, 'Cost', {
      autoScalingGroup: hosts,
      budget: new ScalingBudget(this, 'Budget', { limit: 600, alertTopic: alerts.topic }),
      floorCapacity: 1,
      ecsService: { service, tasksPerInstance: 4 },
      alertTopic: alerts.topic,
    });
  }
}

const app = new App();
new EcsServiceStack(app, 'EcsService', { env: { account: '123456789012', region: 'eu-west-1' } });
app.synth();
