import type { CfnResource } from 'aws-cdk-lib';
import { CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { field, resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link imdsv2Required}. */
export function diagnoseImdsv2Required(node: CfnResource): Diagnosis {
  let tokens: unknown;
  let where: string;
  if (node instanceof CfnLaunchTemplate) {
    const data = resolve(node, node.launchTemplateData);
    tokens = field(field(data, 'metadataOptions'), 'httpTokens');
    where = 'LaunchTemplateData.MetadataOptions.HttpTokens';
  } else if (node instanceof CfnLaunchConfiguration) {
    const options = resolve(node, node.metadataOptions);
    tokens = field(options, 'httpTokens');
    where = 'MetadataOptions.HttpTokens';
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return tokens === 'required'
    ? NagRuleCompliance.COMPLIANT
    : finding(
        `${where} is ${shown(tokens)}${tokens === undefined ? ' (IMDSv1 allowed)' : ''}`,
        `${where} "required" (in aws-cdk-lib: requireImdsv2: true on the launch template or group)`,
      );
}

/**
 * Launch templates and launch configurations require IMDSv2 (`MetadataOptions.HttpTokens` is
 * `required`).
 *
 * Every instance a group launches inherits its launch template. With IMDSv1 allowed, a
 * server-side request forgery in the application can read the instance role's credentials,
 * and a scaled-out fleet multiplies the exposed hosts.
 */
export const imdsv2Required = asRule(diagnoseImdsv2Required);
