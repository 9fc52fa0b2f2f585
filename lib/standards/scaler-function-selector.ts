import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NagRules } from 'cdk-nag';
import { literalString } from './private/cfn-lookup';
import { roleGrantsAutoScalingWrite } from './private/iam-lookup';

/**
 * Which Lambda functions the pack treats as scalers (functions that change capacity), and so
 * requires alarms on.
 *
 * @example
 * ScalerFunctionSelector.anyOf(
 *   ScalerFunctionSelector.withAutoScalingWritePermissions(),
 *   ScalerFunctionSelector.withTag('team:role', 'scaler'),
 * );
 */
export abstract class ScalerFunctionSelector {
  /**
   * Functions whose execution role, defined in the same stack, is allowed an Auto Scaling write
   * action that can change capacity (`autoscaling:` actions other than `Describe*`/`Get*` and
   * the lifecycle hook's `CompleteLifecycleAction`/`RecordLifecycleActionHeartbeat`, which
   * aws-cdk-lib's ECS drain-hook function calls; `autoscaling:*`; `*`) by an
   * inline policy, an `AWS::IAM::Policy`, a customer managed policy in the stack, or the AWS
   * managed policies AutoScalingFullAccess, PowerUserAccess or AdministratorAccess.
   */
  public static withAutoScalingWritePermissions(): ScalerFunctionSelector {
    return new (class extends ScalerFunctionSelector {
      public matches(fn: CfnFunction): boolean {
        const role: unknown = NagRules.resolveResourceFromIntrinsic(fn, fn.role);
        return typeof role === 'string' && roleGrantsAutoScalingWrite(fn, role);
      }
    })();
  }

  /**
   * Functions that carry the tag `key` (with the value `value`, when given), as set with
   * `Tags.of(...)` or the function's `tags` property.
   *
   * @param key tag key
   * @param value required tag value (default: any value)
   */
  public static withTag(key: string, value?: string): ScalerFunctionSelector {
    return new (class extends ScalerFunctionSelector {
      public matches(fn: CfnFunction): boolean {
        const tags = fn.tags.tagValues();
        return key in tags && (value === undefined || tags[key] === value);
      }
    })();
  }

  /**
   * Functions whose literal `FunctionName` or whose construct path (e.g.
   * `Prod/Service/Scaler/Function/Resource`) matches `pattern`.
   *
   * @param pattern regular expression, in JavaScript syntax and without flags (the source of a
   * `RegExp`: `'^Prod/.*Scaler'`), tested against the name and the path
   */
  public static withName(pattern: string): ScalerFunctionSelector {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (e) {
      throw new Error(`ScalerFunctionSelector.withName: pattern must be a regular expression, got '${pattern}' (${(e as Error).message})`);
    }
    return new (class extends ScalerFunctionSelector {
      public matches(fn: CfnFunction): boolean {
        const name = literalString(fn, fn.functionName);
        return (name !== undefined && regex.test(name)) || regex.test(fn.node.path);
      }
    })();
  }

  /** Functions any of the given selectors matches. */
  public static anyOf(...selectors: ScalerFunctionSelector[]): ScalerFunctionSelector {
    return new (class extends ScalerFunctionSelector {
      public matches(fn: CfnFunction): boolean {
        return selectors.some((s) => s.matches(fn));
      }
    })();
  }

  /** No function: turns the scaler function rule off. */
  public static none(): ScalerFunctionSelector {
    return ScalerFunctionSelector.anyOf();
  }

  /** Whether `fn` is a scaler function. */
  public abstract matches(fn: CfnFunction): boolean;
}
