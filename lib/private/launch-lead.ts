import { Token } from 'aws-cdk-lib';
import { PREDICTIVE_SCALER_DEFAULTS } from '../../lambda/contract';

/*
 * The predictive scaler's default launch lead (internal), its own module so that the ECS service
 * target reads it without importing the scalers' settings (which import the scalers' props).
 */

/**
 * The predictive scaler's default launch lead: a launch (LAUNCH_TO_IN_SERVICE_SECONDS) plus the
 * group's default instance warmup (a literal, else ASSUMED_WARMUP_SECONDS), or with a warm pool
 * the warmup alone (a warm instance is launched and initialized already), at most one hour.
 */
export function defaultLaunchLeadSeconds(defaultInstanceWarmup: number | undefined, warmPool: boolean): number {
  const D = PREDICTIVE_SCALER_DEFAULTS;
  const warmup =
    typeof defaultInstanceWarmup === 'number' && !Token.isUnresolved(defaultInstanceWarmup) && defaultInstanceWarmup >= 0
      ? defaultInstanceWarmup
      : D.assumedWarmupSeconds;
  return Math.min(3600, warmPool ? warmup : D.launchToInServiceSeconds + warmup);
}
