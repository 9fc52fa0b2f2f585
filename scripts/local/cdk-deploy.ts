/**
 * Synthesizes, bootstraps and deploys a stack to the local emulator with the real CDK CLI, the
 * sequence known to work against moto_server (../shared/LOCAL-AWS.md): synthesize once for local
 * use (the app's `local` context: no BootstrapVersion rule, which moto's UpdateStack fails on),
 * `cdk bootstrap -a <assembly>` (so the bootstrap does not re-synthesize), then
 * `cdk deploy --method=direct` (the change-set path loses stack outputs), passing SSM-backed
 * parameters explicitly (moto fails on UsePreviousValue).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './process';

/** The CloudFormation template of a synthesized stack, as JSON. */
export interface CfnTemplate {
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>;
  readonly Outputs?: Record<string, unknown>;
}

/** Where and how the CDK CLI runs. */
export interface CdkOptions {
  /** The project root (where cdk.json and node_modules are). */
  readonly projectDir: string;
  /**
   * The CLI's working folder: a cdk.json with the project's context is written there, and the CLI
   * writes its cdk.context.json (the emulator's Availability Zones) there, not into the project.
   */
  readonly workDir: string;
  /** The environment pointing the CLI at the emulator (`emulatorEnv()`). */
  readonly env: Record<string, string>;
  /** Where the CLI's output goes. */
  readonly logFile: string;
}

const cdkBin = (projectDir: string) => path.join(projectDir, 'node_modules', 'aws-cdk', 'bin', 'cdk');

function cdk(options: CdkOptions, args: string[]) {
  return run(process.execPath, [cdkBin(options.projectDir), ...args], {
    cwd: options.workDir,
    env: { ...options.env, CI: 'true', FORCE_COLOR: '0' },
    logFile: options.logFile,
  });
}

function contextArgs(context: Record<string, string>): string[] {
  return Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

/** A synthesized cloud assembly and the stack's template in it. */
export interface SynthResult {
  readonly assemblyDir: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  /** The stack's environment (`unknown-account` / `unknown-region` when agnostic). */
  readonly account: string;
  readonly region: string;
  readonly seconds: number;
}

/**
 * `cdk synth` of `app` (a command line; the CLI splits it on spaces) with the project's cdk.json
 * context and `context` into `assemblyDir`, and reads back the template of `stackName`.
 */
export async function synthesize(
  options: CdkOptions & { stackName: string; assemblyDir: string; context: Record<string, string>; app: string },
): Promise<SynthResult> {
  fs.rmSync(options.assemblyDir, { recursive: true, force: true });
  fs.mkdirSync(options.workDir, { recursive: true });
  const projectJson = JSON.parse(fs.readFileSync(path.join(options.projectDir, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  fs.writeFileSync(path.join(options.workDir, 'cdk.json'), JSON.stringify({ app: options.app, context: projectJson.context ?? {} }, null, 2));
  const res = await cdk(options, ['synth', '--quiet', '--output', options.assemblyDir, ...contextArgs(options.context), options.stackName]);
  const manifest = JSON.parse(fs.readFileSync(path.join(options.assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string }; displayName?: string }>;
  };
  const artifact = Object.entries(manifest.artifacts).find(
    ([id, a]) => a.type === 'aws:cloudformation:stack' && (id === options.stackName || a.displayName === options.stackName),
  );
  if (!artifact?.[1].properties?.templateFile) {
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id);
    throw new Error(`the app has no stack ${options.stackName} (it has: ${stacks.join(', ') || 'none'})`);
  }
  const templateFile = path.join(options.assemblyDir, artifact[1].properties.templateFile);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as CfnTemplate;
  if (template.Parameters?.BootstrapVersion) {
    throw new Error(
      `${options.stackName} was synthesized with the BootstrapVersion rule, which moto's UpdateStack fails on: ` +
        'the app must use DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) when the context has local=true',
    );
  }
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact[1].environment ?? '');
  return {
    assemblyDir: options.assemblyDir,
    templateFile,
    template,
    account: env?.[1] ?? 'unknown-account',
    region: env?.[2] ?? 'unknown-region',
    seconds: res.seconds,
  };
}

/** `cdk bootstrap -a <assembly> aws://ACCOUNT/REGION`; returns the seconds it took. */
export async function bootstrap(options: CdkOptions & { assemblyDir: string; account: string; region: string }): Promise<number> {
  const res = await cdk(options, ['bootstrap', '-a', options.assemblyDir, `aws://${options.account}/${options.region}`]);
  return res.seconds;
}

/** The template's SSM-backed parameters with their defaults, as `--parameters` values. */
export function ssmParameterArgs(stackName: string, template: CfnTemplate): string[] {
  return Object.entries(template.Parameters ?? {})
    .filter(([, p]) => p.Type.startsWith('AWS::SSM::Parameter::') && typeof p.Default === 'string')
    .flatMap(([name, p]) => ['--parameters', `${stackName}:${name}=${p.Default as string}`]);
}

/** What a deploy left. */
export interface DeployResult {
  readonly outputs: Record<string, string>;
  readonly seconds: number;
}

/** `cdk deploy STACK --app <assembly> --method=direct`; returns the stack outputs. */
export async function deploy(
  options: CdkOptions & { stackName: string; assemblyDir: string; template: CfnTemplate; outputsFile: string },
): Promise<DeployResult> {
  fs.rmSync(options.outputsFile, { force: true });
  const res = await cdk(options, [
    'deploy',
    options.stackName,
    '--app',
    options.assemblyDir,
    '--require-approval',
    'never',
    '--method=direct',
    '--progress',
    'events',
    '--outputs-file',
    options.outputsFile,
    ...ssmParameterArgs(options.stackName, options.template),
  ]);
  const all = fs.existsSync(options.outputsFile)
    ? (JSON.parse(fs.readFileSync(options.outputsFile, 'utf8')) as Record<string, Record<string, string>>)
    : {};
  return { outputs: all[options.stackName] ?? {}, seconds: res.seconds };
}
