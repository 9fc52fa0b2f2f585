/**
 * The standards pack on apps built the way aws-samples/aws-cdk-examples builds them with
 * aws-cdk-lib's own constructs (ECS `addCapacity`, `AsgCapacityProvider`, an ALB in front of a
 * group, a network load balancer with a TCP check): the true findings are reported, one-AZ groups
 * and launch configurations are flagged, and aws-cdk-lib's own helper functions (the ECS
 * drain-hook function, which may call CompleteLifecycleAction) are not taken for scalers.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { findings } from './findings';

const ENV = { account: '123456789012', region: 'us-east-1' };
const LAUNCH_TEMPLATE_FLAG = { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true };

/** Rule id and path below the stack, sorted (as the corpus lists them). */
function reported(app: App, stack: Stack): string[] {
  return findings(app)
    .flatMap((f) => f.paths.map((p) => `${f.ruleId} ${p.replace(`${stack.node.path}/`, '')}`))
    .sort();
}

/** ecs-service-with-advanced-alb-config / ecs-cluster style: Cluster.addCapacity and an Ec2Service. */
function ecsAddCapacityApp(context: Record<string, unknown> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'EcsApp', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  cluster.addCapacity('DefaultAutoScalingGroup', { instanceType: new ec2.InstanceType('t3.micro'), maxCapacity: 4 });
  const task = new ecs.Ec2TaskDefinition(stack, 'Task');
  task.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample'),
    memoryLimitMiB: 256,
    portMappings: [{ containerPort: 80 }],
  });
  new ecs.Ec2Service(stack, 'Service', { cluster, taskDefinition: task });
  return { app, stack };
}

describe('the standards pack on apps built like aws-samples apps', () => {
  test('ECS addCapacity: the drain-hook function is no scaler; the launch configuration is flagged; two zones are fine', () => {
    const { app, stack } = ecsAddCapacityApp();
    app.synth();
    const ids = reported(app, stack);
    // aws-cdk-lib's drain hook (it may call autoscaling:CompleteLifecycleAction) exists ...
    const drainHook = stack.node.findAll().find((c) => c instanceof lambda.CfnFunction && /DrainECSHook/.test(c.node.path));
    expect(drainHook).toBeDefined();
    // ... and is not reported as a scaler without alarms
    expect(ids.filter((i) => i.startsWith('Scaling-ScalerFunctionAlarms'))).toEqual([]);
    expect(ids).toEqual([
      'Scaling-BudgetNotifications Cluster/DefaultAutoScalingGroup/ASG',
      'Scaling-GroupAlarms Cluster/DefaultAutoScalingGroup/ASG',
      'Scaling-Imdsv2Required Cluster/DefaultAutoScalingGroup/LaunchConfig',
      'Scaling-InstanceWarmup Cluster/DefaultAutoScalingGroup/ASG',
      'Scaling-LaunchTemplate Cluster/DefaultAutoScalingGroup/ASG',
      'Scaling-ScalingPolicy Cluster/DefaultAutoScalingGroup/ASG',
    ]);
  });

  test('with the launch-template feature flag the same app has no Scaling-LaunchTemplate finding', () => {
    const { app, stack } = ecsAddCapacityApp(LAUNCH_TEMPLATE_FLAG);
    app.synth();
    expect(reported(app, stack).filter((i) => /LaunchTemplate /.test(i))).toEqual([]);
  });

  test('a function that may change capacity is still a scaler, beside the drain hook', () => {
    const { app, stack } = ecsAddCapacityApp(LAUNCH_TEMPLATE_FLAG);
    const fn = new lambda.Function(stack, 'Scaler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['autoscaling:SetDesiredCapacity'], resources: ['*'] }));
    app.synth();
    expect(reported(app, stack).filter((i) => i.startsWith('Scaling-ScalerFunctionAlarms'))).toEqual([
      'Scaling-ScalerFunctionAlarms Scaler/Resource',
    ]);
  });

  test('AsgCapacityProvider on a group in a one-AZ VPC: Scaling-MultiAz names the zone', () => {
    const app = new App({ context: LAUNCH_TEMPLATE_FLAG });
    const stack = new Stack(app, 'ProviderApp', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a'], natGateways: 0 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const group = new autoscaling.AutoScalingGroup(stack, 'Asg', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2(),
      requireImdsv2: true,
      minCapacity: 0,
      maxCapacity: 10,
    });
    cluster.addAsgCapacityProvider(new ecs.AsgCapacityProvider(stack, 'Provider', { autoScalingGroup: group }));
    app.synth();
    const multiAz = findings(app).filter((f) => f.ruleId === 'Scaling-MultiAz');
    expect(multiAz.map((f) => [f.paths, f.severity])).toEqual([[['ProviderApp/Asg/ASG'], 'warning']]);
    expect(multiAz[0].description).toMatch(/Seen: VPCZoneIdentifier has 1 subnet \(in us-east-1a\): one Availability Zone/);
    // the provider's drain hook is no scaler here either
    expect(reported(app, stack).filter((i) => i.startsWith('Scaling-ScalerFunctionAlarms'))).toEqual([]);
  });

  test('health checks: a 60-second interval is flagged; a TCP check is not told to add a path', () => {
    const app = new App();
    const stack = new Stack(app, 'Lbs', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const slow = new elbv2.ApplicationTargetGroup(stack, 'Slow', {
      vpc,
      port: 80,
      targetType: elbv2.TargetType.INSTANCE,
      healthCheck: {
        path: '/health',
        interval: Duration.seconds(60),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    const tcp = new elbv2.NetworkTargetGroup(stack, 'Tcp', { vpc, port: 80, protocol: elbv2.Protocol.TCP, targetType: elbv2.TargetType.INSTANCE });
    const fine = new elbv2.NetworkTargetGroup(stack, 'TcpFine', {
      vpc,
      port: 80,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.INSTANCE,
      healthCheck: {
        protocol: elbv2.Protocol.TCP,
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 3,
        unhealthyThresholdCount: 3,
      },
    });
    const checks = findings(app).filter((f) => f.ruleId === 'Scaling-TargetGroupHealthCheck');
    const on = (tg: Construct) => checks.find((f) => f.paths.includes(`${tg.node.path}/Resource`))?.description;
    expect(on(slow)).toMatch(/Seen: HealthCheckIntervalSeconds 60 outside 5 to 30\. Would satisfy: .*path, interval \(5 to 30 seconds\)/);
    expect(on(tcp)).toMatch(/Seen: HealthCheckIntervalSeconds unset/);
    expect(on(tcp)).not.toMatch(/path/i);
    expect(on(fine)).toBeUndefined();
  });
});
