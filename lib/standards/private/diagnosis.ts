import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalingRule } from '../scaling-rule';

/**
 * What a rule found on one resource: compliant, not applicable, or a finding that says what it
 * saw (with the values) and what would satisfy the rule. The pack puts both in the message,
 * verbose or not; the exported rules reduce it to a `NagRuleCompliance`.
 */
export type Diagnosis = NagRuleCompliance.COMPLIANT | NagRuleCompliance.NOT_APPLICABLE | Finding;

/** A finding on one resource. */
export interface Finding {
  /** What is wrong, with the values seen, e.g. `MinSize 1 = MaxSize 1 with 1 scaling policy`. */
  readonly seen: string;
  /** What would satisfy the rule, e.g. `raise maxCapacity above 1`. */
  readonly fix: string;
}

/** A rule's diagnosis function. */
export type Diagnose = (node: CfnResource) => Diagnosis;

/** A finding. */
export function finding(seen: string, fix: string): Finding {
  return { seen, fix };
}

/** Whether a diagnosis is a finding. */
export function isFinding(d: Diagnosis): d is Finding {
  return typeof d === 'object';
}

/** The plain cdk-nag rule of a diagnosis: NON_COMPLIANT for a finding. */
export function asRule(diagnose: Diagnose): ScalingRule {
  return (node) => {
    const d = diagnose(node);
    return isFinding(d) ? NagRuleCompliance.NON_COMPLIANT : d;
  };
}

/** A value as the message shows it: literal values as JSON, absent ones as `unset`, intrinsics as `(not a literal)`. */
export function shown(value: unknown): string {
  if (value === undefined || value === null) {
    return 'unset';
  }
  if (typeof value === 'object') {
    return '(not a literal)';
  }
  return JSON.stringify(value);
}
