import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { asRule, type Diagnosis, finding, shown } from '../private/diagnosis';
import { resolve } from '../private/cfn-lookup';

/** The diagnosis behind {@link launchTemplate}. */
export function diagnoseLaunchTemplate(node: CfnResource): Diagnosis {
  if (!(node instanceof CfnAutoScalingGroup)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const configuration = resolve(node, node.launchConfigurationName);
  if (configuration === undefined || configuration === null) {
    return NagRuleCompliance.COMPLIANT;
  }
  return finding(
    `LaunchConfigurationName is ${shown(configuration)}`,
    "a launch template (in aws-cdk-lib: the feature flag '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig' in cdk.json, or launchTemplate / mixedInstancesPolicy on the group)",
  );
}

/**
 * Auto Scaling groups launch from a launch template, not a launch configuration.
 *
 * AWS no longer lets new accounts create launch configurations (the deployment fails there), and
 * they lack what a scaling fleet uses: mixed instances and Spot, warm pools with their own
 * templates, versioned changes of the instance type. aws-cdk-lib's `AutoScalingGroup` (and ECS
 * `addCapacity`) still renders one unless the feature flag is set.
 */
export const launchTemplate = asRule(diagnoseLaunchTemplate);
