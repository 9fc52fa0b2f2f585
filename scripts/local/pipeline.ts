/**
 * The steps of the local run, shared by `npm start` (scripts/local-run.ts) and the e2e test:
 * deploy the stack to the emulator with the real CDK CLI and create what its CloudFormation
 * skips, find the scalers the stack deployed and load their handlers in-process with the
 * deployed functions' environment, and place a trace on the simulated clock.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { bootstrap, type CfnTemplate, deploy, synthesize } from './cdk-deploy';
import type { MetricSpec } from './replay';
import { createSkippedResources, type DeployedStack, describeDeployedStack, type SkippedResourceResult } from './skipped-resources';
import { shiftByWeeksToEndBefore, type Trace } from './trace';

/** The emulator's default account. */
export const LOCAL_ACCOUNT = '123456789012';
export const DEV_STACK = 'ScalingArchitecture-Dev';

/** SDK v3 clients pointed at the emulator (by the AWS_ENDPOINT_URL environment). */
export interface LocalClients {
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly budgets: BudgetsClient;
  readonly ec2: EC2Client;
  readonly cloudFormation: CloudFormationClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

export function localClients(env: Record<string, string>): LocalClients {
  const common = {
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN },
    maxAttempts: 2,
  };
  return {
    autoScaling: new AutoScalingClient(common),
    cloudWatch: new CloudWatchClient({ ...common, disableRequestCompression: true }),
    budgets: new BudgetsClient(common),
    ec2: new EC2Client(common),
    cloudFormation: new CloudFormationClient(common),
    elbv2: new ElasticLoadBalancingV2Client(common),
    lambda: new LambdaClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    sns: new SNSClient(common),
  };
}

/** Options of {@link deployLocal}. */
export interface DeployLocalOptions {
  readonly projectDir: string;
  readonly workDir: string;
  readonly env: Record<string, string>;
  readonly stackName: string;
  /** Deep-merged into cdk.json's environments (see scripts/local/local-app.ts). */
  readonly overrides?: Record<string, unknown>;
  /** The app to synthesize: a TypeScript entry run with tsx. @default scripts/local/local-app.ts */
  readonly appEntry?: string;
  /** Skip `cdk bootstrap` (an update deploy). @default false */
  readonly skipBootstrap?: boolean;
  readonly log?: (line: string) => void;
}

/** What {@link deployLocal} did. */
export interface LocalDeployment {
  /** The emulator environment in the stack's region: use it (and {@link clients}) for everything after the deploy. */
  readonly env: Record<string, string>;
  readonly clients: LocalClients;
  readonly template: CfnTemplate;
  readonly stack: DeployedStack;
  readonly outputs: Record<string, string>;
  readonly created: SkippedResourceResult[];
  readonly seconds: { synth: number; bootstrap: number; deploy: number; skipped: number };
}

/** Synthesizes, bootstraps and deploys the stack with the CDK CLI, then creates what moto's CloudFormation skipped. */
export async function deployLocal(o: DeployLocalOptions): Promise<LocalDeployment> {
  const log = o.log ?? (() => undefined);
  fs.mkdirSync(o.workDir, { recursive: true });
  let cdkOptions = { projectDir: o.projectDir, workDir: o.workDir, env: o.env, logFile: path.join(o.workDir, 'cdk.log') };
  const assemblyDir = path.join(o.workDir, 'cdk.out');
  const context: Record<string, string> = o.overrides ? { 'local:overrides': JSON.stringify(o.overrides) } : {};
  log(`synthesizing ${o.stackName} for the emulator (cdk synth)`);
  const synth = await synthesize({
    ...cdkOptions,
    stackName: o.stackName,
    assemblyDir,
    context,
    // the CLI splits the command on spaces: a project path with spaces is not supported
    app: `node ${path.join(o.projectDir, 'node_modules', 'tsx', 'dist', 'cli.mjs')} ${o.appEntry ?? path.join(__dirname, 'local-app.ts')}`,
  });
  if (synth.account !== 'unknown-account' && synth.account !== LOCAL_ACCOUNT) {
    throw new Error(
      `${o.stackName} is for account ${synth.account}: the emulator has only ${LOCAL_ACCOUNT} (leave account unset in cdk.json for the dev environment)`,
    );
  }
  // Everything from here on runs in the stack's region.
  const region = synth.region === 'unknown-region' ? o.env.AWS_REGION : synth.region;
  const env = { ...o.env, AWS_REGION: region, AWS_DEFAULT_REGION: region };
  cdkOptions = { ...cdkOptions, env };
  const clients = localClients(env);
  let bootstrapSeconds = 0;
  if (!o.skipBootstrap) {
    log(`bootstrapping aws://${LOCAL_ACCOUNT}/${region} (cdk bootstrap)`);
    bootstrapSeconds = await bootstrap({ ...cdkOptions, assemblyDir, account: LOCAL_ACCOUNT, region });
  }
  log(`deploying ${o.stackName} (cdk deploy --method=direct)`);
  const dep = await deploy({
    ...cdkOptions,
    stackName: o.stackName,
    assemblyDir,
    template: synth.template,
    outputsFile: path.join(o.workDir, 'outputs.json'),
  });
  const t0 = Date.now();
  const stack = await describeDeployedStack(clients.cloudFormation, o.stackName, LOCAL_ACCOUNT);
  log("creating what the emulator's CloudFormation skipped (alarms, budget, scaling policies...)");
  const created = await createSkippedResources(clients, synth.template, stack);
  return {
    env,
    clients,
    template: synth.template,
    stack,
    outputs: dep.outputs,
    created,
    seconds: { synth: synth.seconds, bootstrap: bootstrapSeconds, deploy: dep.seconds, skipped: (Date.now() - t0) / 1000 },
  };
}

/** A scaler function of the deployed stack. */
export interface DeployedFunction {
  readonly logicalId: string;
  readonly functionName: string;
  /** Its environment variables as the emulator's Lambda has them (intrinsics resolved). */
  readonly environment: Record<string, string>;
}

/**
 * The stack's Lambda functions whose template environment has every variable in `requiredVars`
 * (e.g. the predictive scaler's LOAD_METRIC_NAME and AUTO_SCALING_GROUP_NAME), with their deployed
 * configuration.
 */
export async function findDeployedFunctions(d: LocalDeployment, requiredVars: readonly string[]): Promise<DeployedFunction[]> {
  const out: DeployedFunction[] = [];
  for (const [logicalId, r] of Object.entries(d.template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const vars = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    if (!requiredVars.every((v) => v in vars)) continue;
    const functionName = d.stack.physicalIds[logicalId];
    if (!functionName) throw new Error(`the function ${logicalId} is in the template but not in the deployed stack`);
    const conf = await d.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    out.push({ logicalId, functionName, environment: conf.Environment?.Variables ?? {} });
  }
  return out;
}

/** Runs `fn` with the process environment set to this process's own plus `vars`, restored afterwards. */
export async function withEnvironment<T>(vars: Record<string, string>, fn: () => T | Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [k, v] of Object.entries(vars)) process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    for (const [k, v] of Object.entries(saved)) process.env[k] = v;
  }
}

/** A handler loaded in-process. */
export type InProcessHandler = (event: unknown) => Promise<unknown>;

/**
 * Loads a handler module in-process as Lambda would start it, and returns a function that invokes
 * it: the module is loaded, and each invocation runs, with the deployed function's environment
 * (plus the emulator's, which points its SDK clients at the emulator), so that two handlers in one
 * process each see only their own variables.
 */
export async function loadHandler(
  entry: string,
  functionEnv: Record<string, string>,
  emulatorEnv: Record<string, string>,
): Promise<InProcessHandler> {
  // A replay on the simulated clock: the handler takes the event's time as the run's (SCALER_SIMULATED_CLOCK).
  const vars = { ...functionEnv, ...emulatorEnv, SCALER_SIMULATED_CLOCK: 'true' };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = await withEnvironment(vars, () => require(entry) as { handler?: InProcessHandler });
  if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler function`);
  const handler = mod.handler;
  return (event) => withEnvironment(vars, () => handler(event));
}

/** The predictive scaler's load metric, from its environment. */
export function loadMetricOf(fnEnv: Record<string, string>): MetricSpec {
  const dims = fnEnv.LOAD_METRIC_DIMENSIONS ? (JSON.parse(fnEnv.LOAD_METRIC_DIMENSIONS) as Record<string, string>) : {};
  if (!fnEnv.LOAD_METRIC_NAMESPACE || !fnEnv.LOAD_METRIC_NAME)
    throw new Error('the predictive scaler function has no LOAD_METRIC_NAMESPACE / LOAD_METRIC_NAME');
  return { namespace: fnEnv.LOAD_METRIC_NAMESPACE, metricName: fnEnv.LOAD_METRIC_NAME, dimensions: dims };
}

/** A trace placed on the simulated clock. */
export interface PlacedTrace {
  readonly trace: Trace;
  /** Index of the first simulated minute: the minutes before it are the history. */
  readonly firstMinute: number;
  readonly minutes: number;
  readonly historyMinutes: number;
  /** The factor the trace's values were multiplied by. */
  readonly scale: number;
  /** Days the trace was moved forward in time (whole weeks plus the time-zone alignment). */
  readonly shiftDays: number;
  /** Hours the trace was moved to align its time zone with the stack's (see {@link placeTrace}). */
  readonly alignHours: number;
}

/** The UTC offset of an IANA time zone at an instant, in milliseconds (east of UTC positive). */
export function timeZoneOffsetMs(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return local - Math.floor(at / 60_000) * 60_000;
}

/**
 * Takes the last `historyDays + days` of the trace, multiplies its values by `scale`, and moves it
 * forward by whole weeks so that the simulated days end before `now` (CloudWatch accepts
 * datapoints up to two weeks old and rejects future ones).
 *
 * With `traceTimeZone` and `stackTimeZone`, the trace is first moved by the difference of their
 * UTC offsets, so that its local clock becomes the stack's: a US site's 9:00 is replayed at the
 * stack's 9:00 (the working hours of a dev stack configured in Berlin time then meet the
 * trace's working day). With `traceTimeZone`, the trace is cut at its last local midnight, so
 * that the simulated days are whole days of its (and the stack's) local clock.
 */
export function placeTrace(
  trace: Trace,
  o: { days: number; historyDays?: number; scale: number; now: number; traceTimeZone?: string; stackTimeZone?: string },
): PlacedTrace {
  if (trace.stepSeconds !== 60) throw new Error(`the trace must have one row per minute, it has one every ${trace.stepSeconds} s`);
  const minutes = Math.round(o.days * 1440);
  // With its time zone known, the trace ends at its last local midnight: the simulated days are whole local days.
  let total = trace.values.length;
  if (o.traceTimeZone) {
    const end = trace.start + total * 60_000;
    const local = end + timeZoneOffsetMs(o.traceTimeZone, end);
    const past = Math.round((((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
    if (total - past - minutes >= 1440) total -= past;
  }
  const available = total - minutes;
  if (minutes < 1 || available < 1440) {
    throw new Error(
      `the trace has ${(trace.values.length / 1440).toFixed(1)} days: it needs the ${o.days} simulated days plus at least one day of history`,
    );
  }
  const historyMinutes = Math.min(available, Math.round((o.historyDays ?? 13) * 1440));
  const from = available - historyMinutes;
  const values = trace.values.slice(from, from + historyMinutes + minutes).map((v) => v * o.scale);
  const cutStart = trace.start + from * 60_000;
  const alignMs =
    o.traceTimeZone && o.stackTimeZone
      ? timeZoneOffsetMs(o.traceTimeZone, cutStart + (values.length * 60_000) / 2) - timeZoneOffsetMs(o.stackTimeZone, o.now)
      : 0;
  const cut: Trace = { start: cutStart + alignMs, stepSeconds: 60, values };
  const end = cut.start + values.length * 60_000;
  const { trace: shifted, shiftMs } = shiftByWeeksToEndBefore(cut, end, o.now);
  return {
    trace: shifted,
    firstMinute: historyMinutes,
    minutes,
    historyMinutes,
    scale: o.scale,
    shiftDays: (shiftMs + alignMs) / 86_400_000,
    alignHours: alignMs / 3_600_000,
  };
}

/** A percentile of the finite values. */
export function percentile(values: readonly number[], q: number): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.floor(q * v.length))];
}
