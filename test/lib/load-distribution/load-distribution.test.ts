import { App, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fc from 'fast-check';
import { LoadDistribution, type LoadDistributionProps } from '../../../lib';
import { renderTargetHealthCheck } from '../../../lib/load-distribution/target-health-check';

const ENV = { account: '123456789012', region: 'us-east-1' };
const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';

/** A stack with an imported VPC, so that only the construct's own resources are synthesized. */
function fixture(env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Distribution', { env });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-12345678',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    publicSubnetIds: ['subnet-pub1', 'subnet-pub2'],
    privateSubnetIds: ['subnet-priv1', 'subnet-priv2'],
  });
  return { app, stack, vpc };
}

function distribution(props: Partial<LoadDistributionProps> = {}, env?: { account?: string; region?: string }) {
  const f = fixture(env ?? ENV);
  const ld = new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, ...props });
  return { ...f, ld };
}

function group(stack: Stack, vpc: ec2.IVpc, healthCheck = true) {
  const securityGroup = new ec2.SecurityGroup(stack, 'InstanceSg', { vpc, allowAllOutbound: false });
  return new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    minCapacity: 1,
    maxCapacity: 2,
    launchTemplate: new ec2.LaunchTemplate(stack, 'Template', {
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
      securityGroup,
    }),
    healthChecks: healthCheck
      ? autoscaling.HealthChecks.withAdditionalChecks({
          additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
          gracePeriod: Duration.minutes(3),
        })
      : undefined,
  });
}

describe('LoadDistribution: load balancer and listeners', () => {
  test('creates an internet-facing ALB that drops invalid headers, with an HTTP listener on 80', () => {
    const { stack, ld } = distribution();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: ['subnet-pub1', 'subnet-pub2'],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('WebTargetGroup') } }],
    });
    // Each internet-facing listener port is its own ingress resource (acknowledged for EC23 alone).
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp' });
    expect(ld.redirectListener).toBeUndefined();
    expect(ld.securityGroup).toBeDefined();
  });

  test('an internal ALB is in private subnets and open to the VPC only', () => {
    const { stack } = distribution({ internetFacing: false });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: ['subnet-priv1', 'subnet-priv2'],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 80 })],
    });
  });

  test('with certificates: HTTPS on 443 with a TLS policy, and port 80 redirects to HTTPS', () => {
    const { stack, ld } = distribution({ certificates: [elbv2.ListenerCertificate.fromArn(CERT_ARN)] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT_ARN }],
      SslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 });
    expect(ld.redirectListener).toBeDefined();
  });

  test('adds the listeners to an existing load balancer and creates none', () => {
    const f = fixture();
    const existing = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(f.stack, 'Existing', {
      loadBalancerArn: LB_ARN,
      securityGroupId: 'sg-87654321',
    });
    const ld = new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, loadBalancer: existing });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { LoadBalancerArn: LB_ARN, Port: 80 });
    expect(ld.loadBalancer).toBe(existing);
    expect(ld.securityGroup).toBeUndefined();
    expect(ld.accessLogBucket).toBeUndefined();
  });
});

describe('LoadDistribution: target group', () => {
  test('default health check, deregistration delay and target port', () => {
    const { stack } = distribution();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckEnabled: true,
      HealthCheckPath: '/',
      HealthCheckPort: 'traffic-port',
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
  });

  test('configured health check, deregistration delay and slow start', () => {
    const { stack } = distribution({
      targetPort: 8080,
      healthCheck: {
        path: '/healthz',
        port: 8081,
        interval: Duration.seconds(10),
        timeout: Duration.seconds(4),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 4,
        healthyHttpCodes: '200-299',
      },
      deregistrationDelay: Duration.seconds(60),
      slowStart: Duration.seconds(120),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      HealthCheckPath: '/healthz',
      HealthCheckPort: '8081',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 4,
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
        { Key: 'slow_start.duration_seconds', Value: '120' },
      ]),
    });
  });

  test('addTarget registers the group and opens the target and health check ports from the ALB only', () => {
    const f = fixture();
    const ld = new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, targetPort: 8080, healthCheck: { port: 8081 } });
    const asg = group(f.stack, f.vpc);
    ld.addTarget(asg);
    const t = Template.fromStack(f.stack);
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('WebTargetGroup') }],
    });
    for (const port of [8080, 8081]) {
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: port,
        ToPort: port,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebSecurityGroup'), 'GroupId'] },
      });
    }
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 8080, ToPort: 8080 });
    Annotations.fromStack(f.stack).hasNoWarning('/Distribution/Web', Match.stringLikeRegexp('groupWithoutElbHealthChecks'));
  });

  test('addTarget warns when the group does not use ELB health checks', () => {
    const f = fixture();
    const ld = new LoadDistribution(f.stack, 'Web', { vpc: f.vpc });
    ld.addTarget(group(f.stack, f.vpc, false));
    Annotations.fromStack(f.stack).hasWarning('/Distribution/Web', Match.stringLikeRegexp('groupWithoutElbHealthChecks'));
  });

  test('metricRequestCount is the target group RequestCount, Sum per minute', () => {
    const { stack, ld } = distribution();
    const metric = ld.metricRequestCount();
    expect(metric.namespace).toBe('AWS/ApplicationELB');
    expect(metric.metricName).toBe('RequestCount');
    expect(metric.statistic).toBe('Sum');
    expect(metric.period.toSeconds()).toBe(60);
    expect(Object.keys(metric.dimensions ?? {}).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(stack.resolve(metric.dimensions!.TargetGroup)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^WebTargetGroup/), 'TargetGroupFullName'],
    });
    expect(ld.metricRequestCount({ period: Duration.minutes(5) }).period.toSeconds()).toBe(300);
  });
});

describe('LoadDistribution: access logs', () => {
  test('created bucket: SSE-S3, TLS only, public access blocked, logs expire; the ALB logs to it', () => {
    const { stack, ld } = distribution({ accessLogPrefix: 'web', accessLogRetention: Duration.days(30) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // us-east-1's Elastic Load Balancing account writes the logs.
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::127311923021:root']] } },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'web' },
      ]),
    });
    expect(ld.accessLogBucket).toBeDefined();
  });

  test('uses a given bucket instead of creating one', () => {
    const f = fixture();
    const bucket = new s3.Bucket(f.stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
    const ld = new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, accessLogBucket: bucket });
    Template.fromStack(f.stack).resourceCountIs('AWS::S3::Bucket', 1);
    expect(ld.accessLogBucket).toBe(bucket);
  });

  test('an environment-agnostic stack synthesizes without access logs, with a warning', () => {
    const { stack, ld } = distribution({}, {});
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
    expect(ld.accessLogBucket).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/Distribution/Web', Match.stringLikeRegexp('accessLogsNeedRegion'));
  });
});

describe('LoadDistribution: failover alarm', () => {
  test('alarms on unhealthy hosts and notifies the topic', () => {
    const f = fixture();
    const topic = new sns.Topic(f.stack, 'Topic');
    new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, alertTopic: topic, unhealthyHostThreshold: 2 });
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'UnHealthyHostCount',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      AlarmActions: [{ Ref: f.stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
      OKActions: [{ Ref: f.stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
    });
  });

  test('without a topic the alarm has no action', () => {
    const { stack } = distribution();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Threshold: 1,
      AlarmActions: Match.absent(),
    });
  });
});

describe('LoadDistribution: validation', () => {
  const cert = elbv2.ListenerCertificate.fromArn(CERT_ARN);
  test.each<[string, Partial<LoadDistributionProps>, RegExp]>([
    ['HTTPS without certificate', { protocol: elbv2.ApplicationProtocol.HTTPS }, /protocol \(HTTPS\) needs at least one certificate/],
    [
      'HTTPS with an empty certificate list',
      { protocol: elbv2.ApplicationProtocol.HTTPS, certificates: [] },
      /protocol \(HTTPS\) needs at least one certificate/,
    ],
    [
      'HTTP with certificates',
      { protocol: elbv2.ApplicationProtocol.HTTP, certificates: [cert] },
      /protocol \(HTTP\) does not use certificates \(1 given\)/,
    ],
    [
      'SSL policy on an HTTP listener',
      { sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS },
      /sslPolicy \(ELBSecurityPolicy-TLS13-1-2-2021-06\) applies only to an HTTPS listener/,
    ],
    ['target port 0', { targetPort: 0 }, /targetPort must be in \[1, 65535\], got 0$/],
    ['target port 70000', { targetPort: 70000 }, /targetPort must be in \[1, 65535\], got 70000$/],
    [
      'timeout equal to interval',
      { healthCheck: { interval: Duration.seconds(10), timeout: Duration.seconds(10) } },
      /healthCheck.timeout \(10 seconds\) must be less than healthCheck.interval \(10 seconds\)/,
    ],
    [
      'timeout above interval',
      { healthCheck: { interval: Duration.seconds(6), timeout: Duration.seconds(8) } },
      /healthCheck.timeout \(8 seconds\) must be less than healthCheck.interval \(6 seconds\)/,
    ],
    [
      'interval below 5s',
      { healthCheck: { interval: Duration.seconds(4), timeout: Duration.seconds(2) } },
      /healthCheck.interval must be in \[5 seconds, 5 minutes\], got 4 seconds$/,
    ],
    [
      'interval above 300s',
      { healthCheck: { interval: Duration.seconds(301) } },
      /healthCheck.interval must be in \[5 seconds, 5 minutes\], got 301 seconds$/,
    ],
    ['timeout below 2s', { healthCheck: { timeout: Duration.seconds(1) } }, /healthCheck.timeout must be in \[2 seconds, 2 minutes\], got 1 second$/],
    [
      'timeout above 120s',
      { healthCheck: { interval: Duration.seconds(300), timeout: Duration.seconds(121) } },
      /healthCheck.timeout must be in \[2 seconds, 2 minutes\], got 121 seconds$/,
    ],
    ['healthy threshold 1', { healthCheck: { healthyThresholdCount: 1 } }, /healthCheck.healthyThresholdCount must be in \[2, 10\], got 1$/],
    ['healthy threshold 11', { healthCheck: { healthyThresholdCount: 11 } }, /healthCheck.healthyThresholdCount must be in \[2, 10\], got 11$/],
    ['unhealthy threshold 1', { healthCheck: { unhealthyThresholdCount: 1 } }, /healthCheck.unhealthyThresholdCount must be in \[2, 10\], got 1$/],
    ['unhealthy threshold 12', { healthCheck: { unhealthyThresholdCount: 12 } }, /healthCheck.unhealthyThresholdCount must be in \[2, 10\], got 12$/],
    ['health check path without /', { healthCheck: { path: 'healthz' } }, /healthCheck.path \('healthz'\) must start with '\/'/],
    ['health check port 0', { healthCheck: { port: 0 } }, /healthCheck.port must be in \[1, 65535\], got 0$/],
    [
      'matcher out of range',
      { healthCheck: { healthyHttpCodes: '200-502' } },
      /healthCheck.healthyHttpCodes \('200-502'\) must be HTTP codes from 200 to 499/,
    ],
    ['matcher not codes', { healthCheck: { healthyHttpCodes: 'ok' } }, /healthCheck.healthyHttpCodes \('ok'\)/],
    [
      'deregistration delay above 3600s',
      { deregistrationDelay: Duration.seconds(3601) },
      /deregistrationDelay must be in \[0 seconds, 1 hour\], got 3601 seconds$/,
    ],
    ['slow start of 10s', { slowStart: Duration.seconds(10) }, /slowStart \(10s\) must be 30s to 900s, or 0 to disable slow start/],
    ['slow start of 901s', { slowStart: Duration.seconds(901) }, /slowStart \(901s\) must be 30s to 900s/],
    ['unhealthy host threshold 0', { unhealthyHostThreshold: 0 }, /unhealthyHostThreshold must be >= 1, got 0$/],
    ['access log retention below a day', { accessLogRetention: Duration.hours(12) }, /accessLogRetention must be >= 1 day, got 12 hours$/],
    ['access log prefix with AWSLogs', { accessLogPrefix: 'x/AWSLogs' }, /accessLogPrefix \('x\/AWSLogs'\) must not contain 'AWSLogs'/],
    [
      'access log prefix ending with /',
      { accessLogPrefix: 'web/' },
      /accessLogPrefix \('web\/'\) must not contain 'AWSLogs' nor start or end with '\/'/,
    ],
  ])('rejects %s', (_name, props, message) => {
    expect(() => distribution(props)).toThrow(message);
  });

  test('accepts slow start 0 (disabled) and the range limits', () => {
    expect(() => distribution({ slowStart: Duration.seconds(0) })).not.toThrow();
    expect(() =>
      distribution({
        slowStart: Duration.seconds(900),
        deregistrationDelay: Duration.seconds(3600),
        healthCheck: { interval: Duration.seconds(300), timeout: Duration.seconds(120), healthyThresholdCount: 10, unhealthyThresholdCount: 2 },
      }),
    ).not.toThrow();
  });

  test('rejects internetFacing or vpcSubnets with an existing load balancer', () => {
    const f = fixture();
    const existing = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(f.stack, 'Existing', {
      loadBalancerArn: LB_ARN,
      securityGroupId: 'sg-87654321',
    });
    expect(() => new LoadDistribution(f.stack, 'A', { vpc: f.vpc, loadBalancer: existing, internetFacing: false })).toThrow(
      /internetFacing \(false\) cannot be set with loadBalancer/,
    );
    expect(
      () => new LoadDistribution(f.stack, 'B', { vpc: f.vpc, loadBalancer: existing, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }),
    ).toThrow(/vpcSubnets cannot be set with loadBalancer/);
  });

  test('rejects accessLogBucket with an imported load balancer', () => {
    const f = fixture();
    const existing = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(f.stack, 'Existing', {
      loadBalancerArn: LB_ARN,
      securityGroupId: 'sg-87654321',
    });
    const bucket = s3.Bucket.fromBucketName(f.stack, 'Logs', 'my-logs');
    expect(() => new LoadDistribution(f.stack, 'A', { vpc: f.vpc, loadBalancer: existing, accessLogBucket: bucket })).toThrow(
      /accessLogBucket can only be used with a load balancer defined in this app/,
    );
  });

  test('rejects access-log settings with an existing load balancer', () => {
    const f = fixture();
    const existing = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(f.stack, 'Existing', {
      loadBalancerArn: LB_ARN,
      securityGroupId: 'sg-87654321',
    });
    expect(
      () => new LoadDistribution(f.stack, 'A', { vpc: f.vpc, loadBalancer: existing, accessLogPrefix: 'web', accessLogRetention: Duration.days(30) }),
    ).toThrow(/accessLogPrefix and accessLogRetention cannot be set with loadBalancer/);
  });

  test('rejects accessLogRetention with a given accessLogBucket', () => {
    const f = fixture();
    const bucket = s3.Bucket.fromBucketName(f.stack, 'Logs', 'my-logs');
    expect(() => new LoadDistribution(f.stack, 'B', { vpc: f.vpc, accessLogBucket: bucket, accessLogRetention: Duration.days(30) })).toThrow(
      /accessLogRetention \(30 days\) applies only to the bucket created here/,
    );
  });

  test('rejects accessLogBucket in an environment-agnostic stack', () => {
    const f = fixture({});
    const bucket = s3.Bucket.fromBucketName(f.stack, 'Logs', 'my-logs');
    expect(() => new LoadDistribution(f.stack, 'A', { vpc: f.vpc, accessLogBucket: bucket })).toThrow(/accessLogBucket needs the stack region/);
  });

  test('skips checks on unresolved values', () => {
    expect(() =>
      distribution({
        targetPort: Token.asNumber({ Ref: 'Port' }),
        healthCheck: { path: Token.asString({ Ref: 'Path' }), healthyThresholdCount: Token.asNumber({ Ref: 'N' }) },
      }),
    ).not.toThrow();
  });
});

describe('LoadDistribution: an application load balancer needs two Availability Zones', () => {
  test('a one-AZ VPC is a synth error naming the zone and the subnet selection', () => {
    const app = new App();
    const stack = new Stack(app, 'OneAz', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a'], natGateways: 0 });
    expect(() => new LoadDistribution(stack, 'Web', { vpc })).toThrow(
      /^vpcSubnets \(default for an internet-facing load balancer: subnetType Public\) resolves to 1 subnet in 1 Availability Zone \(us-east-1a\): an application load balancer needs subnets in at least two Availability Zones/,
    );
  });

  test('subnets chosen in one zone of a two-AZ VPC are an error too; an internal load balancer is checked on its own selection', () => {
    const { stack, vpc } = fixture();
    const twoInOne = [
      ec2.Subnet.fromSubnetAttributes(stack, 'A', { subnetId: 'subnet-a', availabilityZone: 'us-east-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'B', { subnetId: 'subnet-b', availabilityZone: 'us-east-1a' }),
    ];
    expect(() => new LoadDistribution(stack, 'Web', { vpc, vpcSubnets: { subnets: twoInOne } })).toThrow(
      /^vpcSubnets \(subnets subnet-a, subnet-b\) resolve to 2 subnets in 1 Availability Zone \(us-east-1a\)/,
    );
    expect(() => new LoadDistribution(stack, 'Internal', { vpc, internetFacing: false, vpcSubnets: { availabilityZones: ['us-east-1b'] } })).toThrow(
      /^vpcSubnets \(availabilityZones us-east-1b\) resolves to 1 subnet in 1 Availability Zone \(us-east-1b\)/,
    );
  });

  test('in an environment-agnostic stack the error names the subnet selection (the zones are tokens)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    expect(() => new LoadDistribution(stack, 'Web', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
      /^vpcSubnets \(subnetType Public\) resolves to 1 subnet in 1 Availability Zone \(not known at synthesis: the stack is environment-agnostic\)/,
    );
  });

  test('two zones synthesize, known or environment-agnostic', () => {
    expect(() => distribution()).not.toThrow();
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new LoadDistribution(stack, 'Web', { vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }) })).not.toThrow();
    const lbs = Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(Object.values(lbs).map((lb) => (lb as { Properties: { Subnets: unknown[] } }).Properties.Subnets.length)).toEqual([2]);
  });
});

describe('LoadDistribution: cdk-nag AwsSolutions', () => {
  test.each<[string, Partial<LoadDistributionProps>]>([
    ['internet-facing HTTP', {}],
    ['internet-facing HTTPS', { certificates: [elbv2.ListenerCertificate.fromArn(CERT_ARN)] }],
    ['internal', { internetFacing: false }],
  ])('%s: no unacknowledged finding', (_name, props) => {
    const { app } = distribution(props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('the check is live: a user bucket without TLS enforcement is reported', () => {
    const f = fixture();
    const bucket = new s3.Bucket(f.stack, 'PlainLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
    new LoadDistribution(f.stack, 'Web', { vpc: f.vpc, accessLogBucket: bucket });
    Validations.of(f.app).addPlugins(new AwsSolutionsChecks(f.app));
    expect(() => f.app.synth()).toThrow(/AwsSolutions-S10/);
  });
});

describe('renderTargetHealthCheck (properties)', () => {
  test('accepts every interval/timeout pair inside the ELB limits with timeout < interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 300 }), fc.integer({ min: 2, max: 120 }), (interval, timeout) => {
        fc.pre(timeout < interval);
        const hc = renderTargetHealthCheck({ interval: Duration.seconds(interval), timeout: Duration.seconds(timeout) });
        return hc.interval!.toSeconds() === interval && hc.timeout!.toSeconds() === timeout;
      }),
    );
  });

  test('rejects every pair with timeout >= interval, naming both props', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 0, max: 115 }), (interval, extra) => {
        const timeout = Math.min(120, interval + extra);
        expect(() => renderTargetHealthCheck({ interval: Duration.seconds(interval), timeout: Duration.seconds(timeout) })).toThrow(
          /healthCheck.timeout \(.*\) must be less than healthCheck.interval/,
        );
      }),
    );
  });

  test('accepts every threshold count in [2, 10] and rejects every other whole number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 20 }), (count) => {
        const render = () => renderTargetHealthCheck({ healthyThresholdCount: count, unhealthyThresholdCount: count });
        if (count >= 2 && count <= 10) expect(render).not.toThrow();
        else expect(render).toThrow(/healthCheck.healthyThresholdCount/);
      }),
    );
  });
});
