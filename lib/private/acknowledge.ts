import { type Acknowledgment, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * `Validations.of(scope).acknowledge(...rules)` on every supported aws-cdk-lib. Before the fix
 * of aws/aws-cdk#38787 (September 2026), aws-cdk-lib rejects ids with more than one `::`, which
 * cdk-nag's granular findings have (e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:...]`),
 * with `InvalidValidationId`. Such an acknowledgment is then recorded as the fixed versions
 * record it: an entry of the construct metadata `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`,
 * which cdk-nag 3 reads on the resource and its ancestors. Still scoped to the exact finding.
 */
export function acknowledge(scope: IConstruct, ...rules: Acknowledgment[]): void {
  for (const rule of rules) {
    try {
      Validations.of(scope).acknowledge(rule);
    } catch (e) {
      if (!/Invalid validation rule ID/.test((e as Error)?.message ?? '')) throw e;
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [rule.id]: rule.reason });
    }
  }
}
