/**
 * The project's app (bin/environments.ts `createApp`, the same stacks `bin/app.ts` synthesizes)
 * for a deploy to the local emulator: stacks without the BootstrapVersion rule (moto's
 * UpdateStack fails on its parameter), and optional overrides of the environments' settings.
 *
 *   cdk synth --app "npx tsx scripts/local/local-app.ts" -c local:overrides='{"dev":{"capacity":{"maxCapacity":4}}}'
 *
 * `local:overrides` is JSON deep-merged into cdk.json's `environments` (the CLI passes context
 * values as strings, so JSON objects cannot be passed as `-c environments=...` directly).
 */
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import { cdkJsonEnvironments, createApp, type EnvironmentConfig } from '../../bin/environments';

export const OVERRIDES_CONTEXT = 'local:overrides';

/** `base` with `patch` merged in: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) {
    return (patch === undefined ? base : patch) as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
  return out as T;
}

function overrides(): Record<string, unknown> {
  const context: unknown = process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : undefined;
  const raw = typeof context === 'object' && context !== null ? (context as Record<string, unknown>)[OVERRIDES_CONTEXT] : undefined;
  if (raw === undefined) return {};
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`context ${OVERRIDES_CONTEXT} must be a JSON object keyed by environment name, got ${JSON.stringify(raw)}`);
  }
  return parsed as Record<string, unknown>;
}

if (require.main === module) {
  const environments = deepMerge<Record<string, EnvironmentConfig>>(cdkJsonEnvironments(), overrides());
  createApp({
    environments,
    useCliEnvironment: true,
    appProps: { defaultStackSynthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) },
  }).synth();
}
