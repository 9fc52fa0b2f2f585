import type { CfnResource } from 'aws-cdk-lib';
import type { NagRuleCompliance } from 'cdk-nag';

/**
 * One Scaling Standards rule: a pure function over one CloudFormation resource that says
 * whether it is compliant, non-compliant, or not something the rule checks. Rules that need
 * options (a limit, a list of metrics) are made by a factory that binds them.
 */
export type ScalingRule = (node: CfnResource) => NagRuleCompliance;
