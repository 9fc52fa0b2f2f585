/**
 * Resolves CloudFormation intrinsic functions in a synthesized template's resource properties
 * against a deployed stack, so that the resources moto's CloudFormation skips can be created
 * through the service APIs with the values CloudFormation would have given them. Pure: no AWS
 * imports; the caller passes the stack's physical resource ids.
 */

/** A value the resolver cannot compute (it names the intrinsic). */
export class UnresolvableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableError';
  }
}

/** What resolution is done against. */
export interface ResolveContext {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly stackId?: string;
  /** Template logical id to resource type. */
  readonly types: Record<string, string>;
  /** Logical id to what `Ref` returns for it (the physical id, or for resources created after the deploy, their ARN or name). */
  readonly refs: Record<string, string>;
  /** Parameter values by name. */
  readonly parameters?: Record<string, string>;
}

const NO_VALUE = Symbol('AWS::NoValue');

function pseudo(ctx: ResolveContext, name: string): string | typeof NO_VALUE {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      if (ctx.stackId) return ctx.stackId;
      throw new UnresolvableError('Ref AWS::StackId');
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      throw new UnresolvableError(`Ref ${name}`);
  }
}

function ref(ctx: ResolveContext, name: string): string | typeof NO_VALUE {
  if (name.startsWith('AWS::')) return pseudo(ctx, name);
  if (ctx.parameters && name in ctx.parameters) return ctx.parameters[name];
  const v = ctx.refs[name];
  if (v === undefined) throw new UnresolvableError(`Ref ${name} (${ctx.types[name] ?? 'not in the template'}, not in the deployed stack)`);
  return v;
}

/** `Fn::GetAtt` for the attributes the skipped resources refer to, computed from physical ids. */
export function getAtt(ctx: ResolveContext, id: string, attr: string): string {
  const type = ctx.types[id];
  const phys = ctx.refs[id];
  if (phys === undefined) throw new UnresolvableError(`Fn::GetAtt ${id}.${attr} (${type ?? 'not in the template'}, not in the deployed stack)`);
  switch (`${type}.${attr}`) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerFullName': {
      const m = /:loadbalancer\/(.+)$/.exec(phys);
      if (m) return m[1];
      break;
    }
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerName': {
      const m = /:loadbalancer\/[^/]+\/([^/]+)\//.exec(phys);
      if (m) return m[1];
      break;
    }
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupFullName': {
      const m = /:(targetgroup\/.+)$/.exec(phys);
      if (m) return m[1];
      break;
    }
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupName': {
      const m = /:targetgroup\/([^/]+)\//.exec(phys);
      if (m) return m[1];
      break;
    }
    case 'AWS::Lambda::Function.Arn':
      return phys.startsWith('arn:') ? phys : `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${phys}`;
    case 'AWS::EC2::SecurityGroup.GroupId':
    case 'AWS::SNS::Topic.TopicArn':
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerArn':
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupArn':
      return phys;
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${phys}`;
    case 'AWS::SNS::Topic.TopicName':
      return phys.split(':').pop()!;
    case 'AWS::Events::Rule.Arn':
      return phys.startsWith('arn:') ? phys : `arn:aws:events:${ctx.region}:${ctx.account}:rule/${phys}`;
    case 'AWS::IAM::Role.Arn':
      return phys.startsWith('arn:') ? phys : `arn:aws:iam::${ctx.account}:role/${phys}`;
    default:
      if (attr === 'Arn' && phys.startsWith('arn:')) return phys;
  }
  throw new UnresolvableError(`Fn::GetAtt ${id}.${attr} (${type})`);
}

function sub(ctx: ResolveContext, template: string, vars: Record<string, unknown>): string {
  return template.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
    if (name in vars) return String(vars[name]);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return getAtt(ctx, name.slice(0, dot), name.slice(dot + 1));
    const v = ref(ctx, name);
    if (v === NO_VALUE) throw new UnresolvableError(`Fn::Sub \${${name}}`);
    return v;
  });
}

function resolveInner(ctx: ResolveContext, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveInner(ctx, v)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k];
    switch (k) {
      case 'Ref':
        return ref(ctx, arg as string);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.+)/);
        return getAtt(ctx, id, resolveInner(ctx, attr) as string);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        const list = resolveInner(ctx, parts) as unknown[];
        return list.map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolveInner(ctx, list) as unknown[];
        const i = Number(resolveInner(ctx, index));
        if (!Array.isArray(items) || !(i >= 0 && i < items.length)) throw new UnresolvableError(`Fn::Select ${i}`);
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return String(resolveInner(ctx, source)).split(sep);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return sub(ctx, arg, {});
        const [tpl, vars] = arg as [string, Record<string, unknown>];
        return sub(ctx, tpl, resolveInner(ctx, vars) as Record<string, unknown>);
      }
      case 'Fn::Base64':
        return Buffer.from(String(resolveInner(ctx, arg))).toString('base64');
      default:
        if (k.startsWith('Fn::') || k === 'Condition') throw new UnresolvableError(k);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const r = resolveInner(ctx, v);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

/** Resolves every intrinsic in `value`; throws {@link UnresolvableError} naming the first it cannot. */
export function resolveIntrinsics<T = unknown>(ctx: ResolveContext, value: unknown): T {
  return resolveInner(ctx, value) as T;
}
