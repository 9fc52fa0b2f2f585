import { CfnResource } from 'aws-cdk-lib';
import { CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { resolve } from '../private/cfn-lookup';

/**
 * Launch templates and launch configurations require IMDSv2 (`MetadataOptions.HttpTokens` is
 * `required`).
 *
 * Every instance a group launches inherits its launch template. With IMDSv1 allowed, a
 * server-side request forgery in the application can read the instance role's credentials,
 * and a scaled-out fleet multiplies the exposed hosts.
 */
export function imdsv2Required(node: CfnResource): NagRuleCompliance {
  if (node instanceof CfnLaunchTemplate) {
    const data = resolve(node, node.launchTemplateData);
    const tokens = data?.metadataOptions?.httpTokens ?? data?.MetadataOptions?.HttpTokens;
    return tokens === 'required' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  if (node instanceof CfnLaunchConfiguration) {
    const options = resolve(node, node.metadataOptions);
    const tokens = options?.httpTokens ?? options?.HttpTokens;
    return tokens === 'required' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}
