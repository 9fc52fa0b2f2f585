import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * The environment of the stack's one function that has `marker` (e.g. SCALING_MODE), as the
 * handler would see it deployed: values known only at deploy time (the group's name, the account)
 * are replaced by plausible literals.
 */
export function deployedEnv(stack: Stack, marker: string): Record<string, string> {
  const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter(
    (r) => marker in (r.Properties?.Environment?.Variables ?? {}),
  );
  if (fns.length !== 1) throw new Error(`expected one function with ${marker}, found ${fns.length}`);
  const vars = fns[0].Properties.Environment.Variables as Record<string, unknown>;
  const literal = (k: string, v: unknown): string => {
    if (typeof v === 'string') return v;
    if (k === 'BUDGET_ACCOUNT_ID') return '123456789012';
    if (k === 'LOAD_METRIC_DIMENSIONS') return '{}';
    if (k === 'LAUNCH_TEMPLATE_ID') return 'lt-0123456789abcdef0';
    return 'web-group';
  };
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, literal(k, v)]));
}
