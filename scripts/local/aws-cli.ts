/**
 * Calls to services for which the project has no SDK v3 client (CloudFormation, Lambda, ELBv2,
 * SNS), through awscli, which is installed with moto_server's Python toolchain
 * (`pip install awscli`). Only used against the local emulator.
 */
import { spawnSync } from 'node:child_process';
import { run } from './process';

export const AWSCLI_INSTALL_HINT = "awscli was not found on PATH. Install it with: pip install awscli";

/** True when `aws` can be run. */
export function awsCliAvailable(): boolean {
  const r = spawnSync('aws', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Runs `aws <service> <operation> ...` against the emulator and parses its JSON output. */
export async function awsJson<T = any>(env: Record<string, string>, args: readonly string[]): Promise<T> {
  const res = await run('aws', [...args, '--output', 'json'], { env: { ...env, AWS_PAGER: '' } });
  const text = res.stdout.trim();
  return (text === '' ? {} : JSON.parse(text)) as T;
}
