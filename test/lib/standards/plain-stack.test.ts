import { App, Stack, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ScalingStandardsChecks } from '../../../lib/standards';
import { findings } from './findings';

/** What a team writes with plain aws-cdk-lib: desired capacity, EC2 health checks, no policy, no alarm. */
function plainStack(app: App): Stack {
  const stack = new Stack(app, 'Plain', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const asg = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity: 1,
    desiredCapacity: 2,
    maxCapacity: 4,
  });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  alb.addListener('Http', { port: 80 }).addTargets('Fleet', { port: 80, targets: [asg] });
  return stack;
}

describe('a stack built with plain aws-cdk-lib', () => {
  test('is reported with at least 5 distinct Scaling rules', () => {
    const app = new App();
    plainStack(app);
    const ids = new Set(findings(app).map((f) => f.ruleId));
    expect([...ids].sort()).toEqual(
      expect.arrayContaining([
        'Scaling-NoDesiredCapacity',
        'Scaling-ElbHealthCheck',
        'Scaling-ScalingPolicy',
        'Scaling-InstanceWarmup',
        'Scaling-GroupAlarms',
        'Scaling-TargetGroupAlarms',
        'Scaling-TargetGroupHealthCheck',
        'Scaling-BudgetNotifications',
      ]),
    );
    expect(ids.size).toBeGreaterThanOrEqual(5);
    for (const id of ids) {
      expect(id).toMatch(/^Scaling-[A-Za-z0-9]+$/);
    }
  });

  test('fails synthesis when the pack is added with Validations.of(app).addPlugins', () => {
    const app = new App();
    plainStack(app);
    Validations.of(app).addPlugins(new ScalingStandardsChecks(app));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = String((e as Error).message);
    }
    expect(message).toMatch(/Scaling-NoDesiredCapacity/);
    expect(message).toMatch(/Scaling-ElbHealthCheck/);
  });
});
