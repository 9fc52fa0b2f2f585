import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ScalingStandardsChecks, type ScalingStandardsChecksProps } from '../../../lib/standards';

/** One reported rule: its id, severity and the construct paths of the resources it reports. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: string;
  readonly paths: string[];
  readonly description: string;
}

/** Runs the pack over a construct tree the way synthesis does and returns what it reports. */
export function findings(scope: IConstruct, props?: ScalingStandardsChecksProps): Finding[] {
  const report = new ScalingStandardsChecks(undefined, props).validateScope(scope);
  return report.violations.map((v) => ({
    ruleId: v.ruleName,
    severity: v.severity ?? '',
    description: v.description,
    paths: v.violatingResources.map((r) => r.constructPath ?? ''),
  }));
}

/** The sorted rule ids the pack reports on one resource. */
export function ruleIdsOn(resource: CfnResource, props?: ScalingStandardsChecksProps, scope: IConstruct = resource.node.root): string[] {
  return findings(scope, props)
    .filter((f) => f.paths.includes(resource.node.path))
    .map((f) => f.ruleId)
    .sort();
}
