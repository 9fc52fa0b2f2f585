import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { type CloudAssembly, SynthesisMessageLevel } from 'aws-cdk-lib/cx-api';
import { cdkJsonEnvironments, createApp, stackNameOf } from '../../bin/environments';
import { neutralizeAssets } from '../support/neutralize-assets';

const STACKS = ['ScalingArchitecture-Dev', 'ScalingArchitecture-Staging', 'ScalingArchitecture-Prod'];

describe('the example app (cdk.json environments)', () => {
  let assembly: CloudAssembly;
  const templates: Record<string, Template> = {};

  beforeAll(() => {
    const app = createApp();
    // cdk-nag AwsSolutions runs during synthesis: an unacknowledged finding throws here.
    assembly = app.synth();
    for (const name of STACKS) templates[name] = Template.fromJSON(assembly.getStackByName(name).template);
  });

  test('one stack per environment, named after it', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([...STACKS].sort());
    expect(stackNameOf('dev')).toBe('ScalingArchitecture-Dev');
    expect(Object.keys(cdkJsonEnvironments())).toEqual(['dev', 'staging', 'prod']);
  });

  test.each(STACKS)('%s has the group (no DesiredCapacity), target group, alarms, anomaly detector, dashboard, topic and budget', (name) => {
    const t = templates[name];
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { DesiredCapacity: Match.absent(), HealthCheckType: 'ELB' });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.resourceCountIs('AWS::CloudWatch::AnomalyDetector', 1);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::Budgets::Budget', 1);
    expect(Object.keys(t.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(5);
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });

  test('each environment has its own sizes, thresholds and budget', () => {
    const expectations: Array<[string, string, string, string, number, number]> = [
      ['ScalingArchitecture-Dev', '1', '3', 't3.micro', 90, 50],
      ['ScalingArchitecture-Staging', '2', '6', 't3.small', 85, 200],
      ['ScalingArchitecture-Prod', '3', '20', 't3.medium', 80, 1500],
    ];
    for (const [name, min, max, instanceType, cpuHigh, limit] of expectations) {
      const t = templates[name];
      t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: min, MaxSize: max });
      t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: instanceType }) });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: cpuHigh });
      t.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: limit, Unit: 'USD' } }) });
    }
  });

  test('prod runs AWS native predictive scaling forecast-only beside target tracking and has working-hours schedules', () => {
    const t = templates['ScalingArchitecture-Prod'];
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'PredictiveScaling',
      PredictiveScalingConfiguration: Match.objectLike({ Mode: 'ForecastOnly', SchedulingBufferTime: 300 }),
    });
    t.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '30 7 * * 1-5', MinSize: 6, TimeZone: 'Europe/Berlin' });
    templates['ScalingArchitecture-Dev'].resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });

  test("prod: Spot above an On-Demand base (the cost optimizer's Spot lever), capacity rebalance, 14-day instance lifetime, deletion protection", () => {
    const t = templates['ScalingArchitecture-Prod'];
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: Match.objectLike({
        InstancesDistribution: {
          OnDemandBaseCapacity: 3,
          OnDemandPercentageAboveBaseCapacity: 50,
          SpotAllocationStrategy: 'price-capacity-optimized',
        },
        LaunchTemplate: Match.objectLike({ Overrides: [{ InstanceType: 't3.medium' }, { InstanceType: 't3a.medium' }] }),
      }),
      CapacityRebalance: true,
      MaxInstanceLifetime: 14 * 86400,
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SPOT_MIN_ON_DEMAND_PERCENT: '20', SPOT_STEP_PERCENT: '10' }) },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    templates['ScalingArchitecture-Dev'].hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.not(Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }])),
    });
  });

  test('prod without a certificate ARN serves HTTP and says so; staging has a warm pool', () => {
    const prod = assembly.getStackByName('ScalingArchitecture-Prod');
    const warnings = prod.messages
      .filter((m) => m.level === SynthesisMessageLevel.WARNING)
      .map((m) => (typeof m.entry.data === 'string' ? m.entry.data : JSON.stringify(m.entry.data)));
    expect(warnings.some((w) => /production environment without loadBalancing.certificateArn/.test(w))).toBe(true);
    templates['ScalingArchitecture-Prod'].resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    templates['ScalingArchitecture-Staging'].hasResourceProperties('AWS::AutoScaling::WarmPool', { MinSize: 1, PoolState: 'Stopped' });
  });

  test.each(STACKS)('%s matches its snapshot (asset hashes neutralized)', (name) => {
    expect(neutralizeAssets(templates[name].toJSON())).toMatchSnapshot();
  });
});

describe('createApp', () => {
  test('a certificate ARN in cdk.json gives HTTPS on 443 with the HTTP redirect, and no warning', () => {
    const prod = cdkJsonEnvironments().prod;
    const arn = 'arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const app = createApp({ environments: { prod: { ...prod, loadBalancing: { certificateArn: arn } } }, nagChecks: false });
    const stack = app.node.findChild('ScalingArchitecture-Prod') as Stack;
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: arn }] });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('without loadBalancing.certificateArn'));
  });

  test('a certificate ARN that is not one, or of another region, is an error that names the key', () => {
    const prod = cdkJsonEnvironments().prod;
    expect(() => createApp({ environments: { prod: { ...prod, loadBalancing: { certificateArn: 'my-cert' } } }, nagChecks: false })).toThrow(
      /environments.prod.loadBalancing.certificateArn must be an ACM certificate ARN .* got 'my-cert'/,
    );
    expect(() =>
      createApp({
        environments: { prod: { ...prod, loadBalancing: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' } } },
        nagChecks: false,
      }),
    ).toThrow(/certificateArn is in us-east-1 but the stack is in eu-central-1/);
  });

  test('a warm pool state or Spot strategy that is not one is an error that names the key', () => {
    expect(() => createApp({ environments: { dev: { capacity: { warmPool: { poolState: 'Frozen' as never } } } }, nagChecks: false })).toThrow(
      /capacity.warmPool.poolState must be one of Stopped, Running, Hibernated, got 'Frozen'/,
    );
    expect(() =>
      createApp({
        environments: { dev: { capacity: { spot: { instanceTypes: ['t3.micro'], spotAllocationStrategy: 'cheapest' } } } },
        nagChecks: false,
      }),
    ).toThrow(/capacity.spot.spotAllocationStrategy must be one of .* got 'cheapest'/);
  });

  test('cdk-nag is really applied: a finding in any stack fails the synthesis', () => {
    const app = createApp({ environments: { dev: cdkJsonEnvironments().dev } });
    const bad = new Stack(app, 'Unchecked');
    new ec2.Vpc(bad, 'VpcWithoutFlowLogs', { maxAzs: 1, natGateways: 0 });
    expect(() => app.synth()).toThrow(/AwsSolutions-VPC7/);
  });

  test('environment names must be lower-case words', () => {
    expect(() => createApp({ environments: { Prod: {} } })).toThrow(/environment name "Prod" must be lower-case letters, digits and dashes/);
  });

  test('a misspelled key is named with the known keys', () => {
    expect(() => createApp({ environments: { dev: { capacity: { minCapacty: 2 } } as never } })).toThrow(
      /environments.dev.capacity has unknown keys \[minCapacty\]; known keys: minCapacity, maxCapacity/,
    );
  });

  test('an empty environments context is an error', () => {
    expect(() => createApp({ environments: {} })).toThrow(/environments context is empty/);
  });

  test('account and region from the config become the stack environment', () => {
    const app = createApp({ environments: { qa: { account: '111122223333', region: 'eu-west-1' } }, nagChecks: false });
    const stack = app.node.findChild('ScalingArchitecture-Qa') as Stack;
    expect(stack.account).toBe('111122223333');
    expect(stack.region).toBe('eu-west-1');
  });
});

describe('neutralizeAssets', () => {
  test('replaces 64-hex asset hashes anywhere in a template and leaves the rest', () => {
    const hash = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
    const template = {
      Resources: { Fn: { Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets', S3Key: `${hash}.zip` }, Handler: 'index.handler' } } },
    };
    expect(neutralizeAssets(template)).toEqual({
      Resources: { Fn: { Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets', S3Key: 'ASSET-HASH.zip' }, Handler: 'index.handler' } } },
    });
    expect(template.Resources.Fn.Properties.Code.S3Key).toBe(`${hash}.zip`);
  });
});
