import { type Acknowledgment, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * `Validations.of(scope).acknowledge(...rules)` on every supported aws-cdk-lib. Before the fix
 * of aws/aws-cdk#38787 (September 2026), aws-cdk-lib rejects ids with more than one `::`, which
 * cdk-nag's granular findings have (e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:...]`),
 * with `InvalidValidationId`; and constructing that error writes its code to the file the CDK CLI
 * names in `CDK_ERROR_FILE` (`cdk.out/error.txt`) even when it is caught. So such an id is never
 * handed to aws-cdk-lib: it is recorded as the fixed versions record it, an entry of the construct
 * metadata `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, which cdk-nag 3 reads on the resource
 * and its ancestors, with the `Annotation::` namespace the fixed versions give an id without one
 * (cdk-nag strips it).
 * Still scoped to the exact finding.
 */
export function acknowledge(scope: IConstruct, ...rules: Acknowledgment[]): void {
  for (const rule of rules) {
    if (rule.id.split('::').length > 2) {
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`Annotation::${rule.id}`]: rule.reason });
    } else {
      Validations.of(scope).acknowledge(rule);
    }
  }
}
