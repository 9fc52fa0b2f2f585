import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cdkJsonEnvironments, createApp, stackNameOf } from '../bin/environments';
import { neutralizeAssets } from './support/neutralize-assets';

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

  test.each(STACKS)('%s matches its snapshot (asset hashes neutralized)', (name) => {
    expect(neutralizeAssets(templates[name].toJSON())).toMatchSnapshot();
  });
});

describe('createApp', () => {
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
    expect(() => createApp({ environments: { dev: { capacity: { minCapacty: 2 } } as never } }))
      .toThrow(/environments.dev.capacity has unknown keys \[minCapacty\]; known keys: minCapacity, maxCapacity/);
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
    const template = { Resources: { Fn: { Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets', S3Key: `${hash}.zip` }, Handler: 'index.handler' } } } };
    expect(neutralizeAssets(template)).toEqual({
      Resources: { Fn: { Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets', S3Key: 'ASSET-HASH.zip' }, Handler: 'index.handler' } } },
    });
    expect(template.Resources.Fn.Properties.Code.S3Key).toBe(`${hash}.zip`);
  });
});
