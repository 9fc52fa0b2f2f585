import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The string cdk-nag reports for a resource of an IAM policy statement (as its
 * flattenCfnReference renders it), e.g. `arn:<AWS::Partition>:logs:us-east-1:123456789012:
 * log-group:<LogGroupF5B46931>`, for acknowledging one `AwsSolutions-IAM5[Resource::...]` finding.
 */
export function nagResource(scope: Construct, value: string): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
    const o = node as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [d, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(d);
    }
    if (o['Fn::GetAtt']) {
      const [r, a] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(r)}.${visit(a)}>`;
    }
    if (o.Ref !== undefined) return `<${visit(o.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
