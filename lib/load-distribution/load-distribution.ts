import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { newAlarm } from '../private/alarm-factory';
import { assertInRange } from '../private/validation';
import { type TargetHealthCheckOptions, renderTargetHealthCheck } from './target-health-check';
import { acknowledge } from '../private/acknowledge';

/**
 * Options of a {@link LoadDistribution}: its props without the VPC and the alert topic (what
 * {@link ScalableServiceProps.loadBalancing} takes).
 */
export interface LoadDistributionOptions {
  /**
   * An existing Application Load Balancer to add the listeners to, instead of creating one.
   * Its security group and access logs stay under your control: ingress to the new listeners
   * is not opened, and `accessLogBucket` works only with a load balancer defined in this app.
   *
   * @default - a new load balancer is created
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * Whether the created load balancer is internet-facing (in public subnets, listeners open to
   * 0.0.0.0/0) or internal (listeners open to the VPC CIDR). Not allowed with `loadBalancer`.
   *
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Deletion protection on the created load balancer: CloudFormation (and anyone) cannot delete
   * it until it is turned off, which production stacks want. Not allowed with `loadBalancer`.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * Subnets of the created load balancer. Not allowed with `loadBalancer`.
   *
   * @default - public subnets when internet-facing, private subnets otherwise
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Certificates of an HTTPS listener on port 443. When given, port 80 only redirects to HTTPS.
   *
   * @default - no certificate: a plain HTTP listener on port 80
   */
  readonly certificates?: elbv2.IListenerCertificate[];

  /**
   * Protocol of the main listener. HTTPS requires `certificates`; HTTP does not accept them.
   *
   * @default - HTTPS when `certificates` are given, HTTP otherwise
   */
  readonly protocol?: elbv2.ApplicationProtocol;

  /**
   * TLS policy of the HTTPS listener; only with HTTPS (an error with an HTTP listener).
   *
   * @default elbv2.SslPolicy.RECOMMENDED_TLS
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Port the targets serve HTTP on (TLS ends at the load balancer); 1 to 65535.
   *
   * @default 80
   */
  readonly targetPort?: number;

  /**
   * Health check of the targets.
   *
   * @default - the defaults of each {@link TargetHealthCheckOptions} field
   */
  readonly healthCheck?: TargetHealthCheckOptions;

  /**
   * Time the load balancer lets in-flight requests of a deregistering target finish;
   * 0 to 3600 seconds. Short keeps scale-in fast.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Time over which a new target's share of requests ramps up to its full share;
   * 30 to 900 seconds, or 0 to disable.
   *
   * @default - no slow start
   */
  readonly slowStart?: Duration;

  /**
   * Bucket the load balancer writes its access logs to. It must use S3-managed encryption
   * (SSE-S3): ALB access logs cannot be written to SSE-KMS buckets.
   *
   * @default - a bucket is created for a created load balancer (SSE-S3, TLS only, public
   * access blocked, logs expire after `accessLogRetention`); none with an existing load balancer
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * Key prefix of the access logs in the bucket. Must not contain 'AWSLogs' nor start or
   * end with '/'. Not with `loadBalancer` (an error).
   *
   * @default - no prefix
   */
  readonly accessLogPrefix?: string;

  /**
   * How long the created access-log bucket keeps the logs; whole days, at least one.
   * Only for the bucket created here (an error with `accessLogBucket` or `loadBalancer`).
   *
   * @default Duration.days(90)
   */
  readonly accessLogRetention?: Duration;

  /**
   * Number of unhealthy targets (maximum over a minute, two minutes in a row) from which the
   * unhealthy-hosts alarm fires; a whole number >= 1.
   *
   * @default 1
   */
  readonly unhealthyHostThreshold?: number;
}

/** Props of {@link LoadDistribution}: its options, the VPC and the alert topic. */
export interface LoadDistributionProps extends LoadDistributionOptions {
  /** The VPC of the load balancer and of the targets. */
  readonly vpc: ec2.IVpc;
  /**
   * Topic the unhealthy-hosts alarm notifies (in ALARM and back to OK).
   *
   * @default - the alarm has no action (a LoadMonitor's `addAlarm` can add one)
   */
  readonly alertTopic?: sns.ITopic;
}

/**
 * Load distribution for a fleet of instances: an Application Load Balancer (created
 * internet-facing or internal, or an existing one), an HTTP listener, or an HTTPS listener with
 * an HTTP-to-HTTPS redirect when certificates are given, a target group with health checks,
 * deregistration delay and slow start, access logs to an encrypted bucket, and a failover alarm
 * on unhealthy targets.
 *
 * Register an Auto Scaling group with `addTarget`; give the group ELB health checks so that the
 * targets the load balancer finds unhealthy are replaced.
 */
export class LoadDistribution extends Construct {
  /** The load balancer (created or given). */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The listener forwarding to the target group: HTTPS on 443 with certificates, else HTTP on 80. */
  public readonly listener: elbv2.ApplicationListener;

  /** The HTTP listener on port 80 redirecting to HTTPS, when certificates are given. */
  public readonly redirectListener?: elbv2.ApplicationListener;

  /** The target group the instances register with. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The bucket receiving the access logs, when access logging is on. */
  public readonly accessLogBucket?: s3.IBucket;

  /** Fires when `unhealthyHostThreshold` or more targets fail their health checks. */
  public readonly unhealthyHostsAlarm: cloudwatch.Alarm;

  /** The security group of the created load balancer (undefined with an existing one). */
  public readonly securityGroup?: ec2.ISecurityGroup;

  /** Port the targets serve on. */
  public readonly targetPort: number;

  private readonly healthCheckPort: number | 'traffic-port';

  constructor(scope: Construct, id: string, props: LoadDistributionProps) {
    super(scope, id);

    const hasCertificates = (props.certificates ?? []).length > 0;
    const protocol = props.protocol ?? (hasCertificates ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP);
    this.targetPort = props.targetPort ?? 80;
    this.healthCheckPort = props.healthCheck?.port ?? 'traffic-port';
    validateProps(props, protocol, hasCertificates, this.targetPort);
    const healthCheck = renderTargetHealthCheck(props.healthCheck);

    // --- load balancer -------------------------------------------------------------------------
    const internetFacing = props.internetFacing ?? true;
    if (props.loadBalancer) {
      this.loadBalancer = props.loadBalancer;
    } else {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `${internetFacing ? 'Internet-facing' : 'Internal'} load balancer of ${this.node.path}`,
        // Egress is opened to the targets only, by addTarget.
        allowAllOutbound: false,
      });
      checkTwoAvailabilityZones(props.vpc, props.vpcSubnets, internetFacing);
      this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        internetFacing,
        securityGroup: this.securityGroup,
        dropInvalidHeaderFields: true,
        deletionProtection: props.deletionProtection,
      });
    }

    // --- access logs ---------------------------------------------------------------------------
    this.accessLogBucket = this.configureAccessLogs(props);

    // --- target group --------------------------------------------------------------------------
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: this.targetPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      healthCheck,
      deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
      slowStart: props.slowStart,
    });

    // --- listeners -----------------------------------------------------------------------------
    const isHttps = protocol === elbv2.ApplicationProtocol.HTTPS;
    const listenerPort = isHttps ? 443 : 80;
    this.listener = new elbv2.ApplicationListener(this, 'Listener', {
      loadBalancer: this.loadBalancer,
      protocol,
      port: listenerPort,
      certificates: isHttps ? props.certificates : undefined,
      sslPolicy: isHttps ? (props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS) : undefined,
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    if (isHttps) {
      this.redirectListener = new elbv2.ApplicationListener(this, 'RedirectListener', {
        loadBalancer: this.loadBalancer,
        protocol: elbv2.ApplicationProtocol.HTTP,
        port: 80,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
        open: false,
      });
    }
    if (this.securityGroup) {
      const ports: Array<[number, string]> = [[listenerPort, protocol]];
      if (this.redirectListener) ports.push([80, 'HTTP (redirected to HTTPS)']);
      for (const [port, what] of ports) {
        if (internetFacing) {
          // One resource per listener port, so that the AwsSolutions-EC23 acknowledgement covers
          // exactly this rule: any other rule open to 0.0.0.0/0 (say port 22) is still reported.
          const ingress = new ec2.CfnSecurityGroupIngress(this, `IngressFromInternet${port}`, {
            groupId: this.securityGroup.securityGroupId,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            cidrIp: '0.0.0.0/0',
            description: `${what} from the internet`,
          });
          acknowledge(ingress, {
            id: 'AwsSolutions-EC23',
            reason: `An internet-facing load balancer must accept its listener port ${port} (${what}) from any IPv4 address; this rule opens that one port only, and targets are reachable only from this security group.`,
          });
        } else {
          this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(port), `${what} from the VPC`);
        }
      }
    }

    // --- failover alarm ------------------------------------------------------------------------
    const unhealthyHostThreshold = props.unhealthyHostThreshold ?? 1;
    this.unhealthyHostsAlarm = newAlarm(
      this,
      'UnhealthyHostsAlarm',
      {
        metric: this.targetGroup.metrics.unhealthyHostCount({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        threshold: unhealthyHostThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${unhealthyHostThreshold} or more targets of ${this.node.path} failed their health checks for 2 minutes`,
      },
      props.alertTopic,
    );
  }

  /**
   * Registers the instances of `group` with the target group and lets the load balancer reach
   * them on the target port (and on the health check port when it differs).
   *
   * @param group an aws-cdk-lib `AutoScalingGroup` of this app, not an `IAutoScalingGroup`:
   * registration sets the group's own TargetGroupARNs (and reads its health check settings), which
   * a group imported by name has no resource in this app for. Register an imported group with the
   * target group where it is defined.
   */
  public addTarget(group: autoscaling.AutoScalingGroup): void {
    this.targetGroup.addTarget(group);
    if (this.healthCheckPort !== 'traffic-port' && this.healthCheckPort !== this.targetPort) {
      group.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(this.healthCheckPort), 'Load balancer health checks');
    }
    this.node.addValidation({ validate: () => this.checkElbHealthChecks(group) });
  }

  /**
   * Requests the target group received: Sum per minute unless overridden. This is the load
   * metric the predictive scaler forecasts.
   */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.requestCount({
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Unhealthy targets: Maximum per minute unless overridden. */
  public metricUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  private configureAccessLogs(props: LoadDistributionProps): s3.IBucket | undefined {
    const ownLoadBalancer = this.loadBalancer instanceof elbv2.ApplicationLoadBalancer ? this.loadBalancer : undefined;
    if (props.loadBalancer && !props.accessLogBucket) return undefined;
    if (!ownLoadBalancer) {
      throw new Error(
        'accessLogBucket can only be used with a load balancer defined in this app: enable access logs on the existing load balancer itself',
      );
    }
    if (Token.isUnresolved(Stack.of(this).region)) {
      if (props.accessLogBucket) {
        throw new Error('accessLogBucket needs the stack region: ELB access-log delivery is granted per region. Set env.region on the stack.');
      }
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:accessLogsNeedRegion',
        'Access logs are off: ELB access-log delivery is granted per region and this stack has no env.region. Set env.region on the stack to get the access-log bucket.',
      );
      return undefined;
    }
    const bucket = props.accessLogBucket ?? this.createAccessLogBucket(props.accessLogRetention ?? Duration.days(90));
    ownLoadBalancer.logAccessLogs(bucket, props.accessLogPrefix);
    return bucket;
  }

  private createAccessLogBucket(retention: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogBucket', {
      // ALB access logs support SSE-S3 only, not SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: retention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is itself the access-log destination of the load balancer; its writes are the ELB log deliveries, and server access logging of it would need yet another log bucket.',
    });
    return bucket;
  }

  /** Failover needs the group to replace instances the load balancer finds unhealthy. */
  private checkElbHealthChecks(group: autoscaling.AutoScalingGroup): string[] {
    const cfnGroup = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    const type: unknown = Stack.of(group).resolve(cfnGroup.healthCheckType);
    const types = typeof type === 'string' ? type.split(',') : [];
    if (!types.includes('ELB')) {
      Annotations.of(this).addWarningV2(
        'cdk-scaling-architecture:groupWithoutElbHealthChecks',
        `${group.node.path} does not use ELB health checks (healthCheckType ${typeof type === 'string' ? type : type === undefined ? 'EC2' : JSON.stringify(type)}): instances failing the load balancer's health check are taken out of rotation but not replaced.`,
      );
    }
    return [];
  }
}

function validateProps(props: LoadDistributionProps, protocol: elbv2.ApplicationProtocol, hasCertificates: boolean, targetPort: number): void {
  if (protocol === elbv2.ApplicationProtocol.HTTPS && !hasCertificates) {
    throw new Error('protocol (HTTPS) needs at least one certificate in certificates');
  }
  if (protocol === elbv2.ApplicationProtocol.HTTP && hasCertificates) {
    throw new Error(`protocol (HTTP) does not use certificates (${props.certificates!.length} given): leave protocol unset or set it to HTTPS`);
  }
  if (protocol === elbv2.ApplicationProtocol.HTTP && props.sslPolicy !== undefined) {
    throw new Error(`sslPolicy (${props.sslPolicy}) applies only to an HTTPS listener: give certificates, or leave sslPolicy unset`);
  }
  if (props.loadBalancer && props.internetFacing !== undefined) {
    throw new Error(`internetFacing (${props.internetFacing}) cannot be set with loadBalancer: the scheme of an existing load balancer is fixed`);
  }
  if (props.loadBalancer && (props.accessLogPrefix !== undefined || props.accessLogRetention !== undefined)) {
    const given = [
      props.accessLogPrefix !== undefined ? 'accessLogPrefix' : '',
      props.accessLogRetention !== undefined ? 'accessLogRetention' : '',
    ].filter(Boolean);
    throw new Error(`${given.join(' and ')} cannot be set with loadBalancer: access logs are configured on the existing load balancer itself`);
  }
  if (props.accessLogBucket && props.accessLogRetention !== undefined) {
    throw new Error(
      `accessLogRetention (${props.accessLogRetention.toHumanString()}) applies only to the bucket created here: set the expiry in the lifecycle rules of accessLogBucket`,
    );
  }
  if (props.loadBalancer && props.deletionProtection !== undefined) {
    throw new Error(`deletionProtection (${props.deletionProtection}) cannot be set with loadBalancer: set it on the existing load balancer itself`);
  }
  if (props.loadBalancer && props.vpcSubnets !== undefined) {
    throw new Error('vpcSubnets cannot be set with loadBalancer: the subnets of an existing load balancer are fixed');
  }
  assertInRange('targetPort', targetPort, 1, 65535, { integer: true });
  if (props.deregistrationDelay && !props.deregistrationDelay.isUnresolved()) {
    assertInRange('deregistrationDelay', props.deregistrationDelay.toSeconds({ integral: false }), 0, 3600, { integer: true, unit: 'seconds' });
  }
  if (props.slowStart && !props.slowStart.isUnresolved()) {
    const seconds = props.slowStart.toSeconds({ integral: false });
    if (seconds !== 0 && (seconds < 30 || seconds > 900)) {
      throw new Error(`slowStart (${seconds}s) must be 30s to 900s, or 0 to disable slow start`);
    }
  }
  assertInRange('unhealthyHostThreshold', props.unhealthyHostThreshold, 1, Infinity, { integer: true });
  if (props.accessLogRetention && !props.accessLogRetention.isUnresolved()) {
    assertInRange('accessLogRetention', props.accessLogRetention.toSeconds({ integral: false }), 86_400, Infinity, {
      unit: 'seconds',
      multipleOf: 86_400,
    });
  }
  const prefix = props.accessLogPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    if (prefix.includes('AWSLogs') || prefix.startsWith('/') || prefix.endsWith('/')) {
      throw new Error(`accessLogPrefix ('${prefix}') must not contain 'AWSLogs' nor start or end with '/'`);
    }
  }
}

/**
 * An application load balancer needs subnets in at least two Availability Zones: with fewer,
 * CloudFormation fails the deployment. The subnets are selected as aws-cdk-lib selects them for
 * the load balancer (public ones when internet-facing, the VPC's default selection otherwise).
 * The error names the zones when the stack knows them, else (an environment-agnostic stack, whose
 * zones are `Fn::GetAZs` tokens) the subnet selection.
 */
function checkTwoAvailabilityZones(vpc: ec2.IVpc, given: ec2.SubnetSelection | undefined, internetFacing: boolean): void {
  const selection = given ?? (internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {});
  let zones: string[];
  try {
    zones = vpc.selectSubnets(selection).subnets.map((s) => s.availabilityZone);
  } catch {
    return; // no subnets, or imported subnets without their zone: aws-cdk-lib reports the first, the second cannot be checked
  }
  const distinct = [...new Set(zones)];
  if (distinct.length >= 2) return;
  const which = `vpcSubnets (${given === undefined ? `default for ${internetFacing ? 'an internet-facing' : 'an internal'} load balancer: ` : ''}${describeSelection(selection)})`;
  const known = distinct.every((z) => !Token.isUnresolved(z));
  throw new Error(
    `${which} resolve${zones.length === 1 ? 's' : ''} to ${zones.length} subnet${zones.length === 1 ? '' : 's'} in ${distinct.length} Availability Zone${
      known && distinct.length > 0
        ? ` (${distinct.join(', ')})`
        : distinct.length > 0
          ? ' (not known at synthesis: the stack is environment-agnostic)'
          : ''
    }: an application load balancer needs subnets in at least two Availability Zones, or the deployment fails. Give the VPC a second Availability Zone (ec2.Vpc maxAzs >= 2) or select subnets in two zones.`,
  );
}

/** A subnet selection as a user wrote it, e.g. `subnetType PUBLIC, onePerAz`. */
function describeSelection(selection: ec2.SubnetSelection): string {
  const parts = [
    ...(selection.subnetType !== undefined ? [`subnetType ${selection.subnetType}`] : []),
    ...(selection.subnetGroupName !== undefined ? [`subnetGroupName '${selection.subnetGroupName}'`] : []),
    ...(selection.availabilityZones !== undefined ? [`availabilityZones ${selection.availabilityZones.join(', ')}`] : []),
    ...(selection.subnets !== undefined
      ? [`subnets ${selection.subnets.map((s) => (Token.isUnresolved(s.subnetId) ? s.node.path : s.subnetId)).join(', ')}`]
      : []),
    ...(selection.subnetFilters !== undefined ? [`${selection.subnetFilters.length} subnetFilters`] : []),
    ...(selection.onePerAz ? ['onePerAz'] : []),
  ];
  return parts.length === 0 ? "the VPC's default subnets" : parts.join(', ');
}
