import type { CfnResource } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance } from 'cdk-nag';
import type { ScalerFunctionSelector } from '../scaler-function-selector';
import type { ScalingRule } from '../scaling-rule';
import { diagnoseAlarms } from '../private/alarm-diagnosis';
import { literalString } from '../private/cfn-lookup';
import { asRule, type Diagnose } from '../private/diagnosis';

/** The diagnosis behind {@link scalerFunctionAlarms}. */
export function diagnoseScalerFunctionAlarms(selector: ScalerFunctionSelector, metricNames: ReadonlyArray<string>): Diagnose {
  return (node: CfnResource) => {
    if (!(node instanceof CfnFunction) || metricNames.length === 0 || !selector.matches(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return diagnoseAlarms(
      { namespaces: ['AWS/Lambda'], dimensionName: 'FunctionName', resource: node, literalName: literalString(node, node.functionName) },
      metricNames,
      'function',
    );
  };
}

/**
 * Lambda functions that scale (as chosen by `selector`) have, in their stack, an alarm with at
 * least one alarm action on each of the given `AWS/Lambda` metrics with the dimension
 * `FunctionName` referring to the function. An empty list turns the rule off.
 *
 * A scheduled scaler that fails leaves capacity where it was: nothing breaks at once, and the
 * fleet silently stops following its load until someone is told.
 *
 * @param selector which functions are scalers
 * @param metricNames metric names each scaler needs an alarm on, e.g. `['Errors']`
 */
export function scalerFunctionAlarms(selector: ScalerFunctionSelector, metricNames: ReadonlyArray<string>): ScalingRule {
  return asRule(diagnoseScalerFunctionAlarms(selector, metricNames));
}
