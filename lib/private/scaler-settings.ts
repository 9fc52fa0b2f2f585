import { Aws } from 'aws-cdk-lib';
import {
  COST_OPTIMIZER_DEFAULTS,
  type CostOptimizerSettings,
  PREDICTIVE_SCALER_DEFAULTS,
  type PredictiveScalerSettings,
  rateSeconds,
} from '../../lambda/contract';
import type { PredictiveScalerProps } from '../auto-scaling/predictive-scaler-props';
import type { CostOptimizerProps } from '../resource-management/cost-optimizer-props';
import { BudgetScope } from '../resource-management/budget-scope';
import { durationSeconds } from './durations';
import { defaultLaunchLeadSeconds } from './launch-lead';
import type { GroupConfiguration } from './group-baseline';

/*
 * The props of the two scaler constructs as their handlers' settings, in the contract's units
 * (internal). No checks here: the contract's problems check the settings, in the construct and
 * in the handler alike; the property test renders unchecked settings to prove the handler rejects
 * what the construct rejects.
 */

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after midnight of 'HH:MM'; an error naming the prop otherwise. */
export function minutesOf(prop: string, value: string): number {
  if (!TIME.test(value)) throw new Error(`${prop} must be 'HH:MM' (24-hour clock), got '${value}'`);
  const [h, m] = value.split(':').map(Number);
  return h * 60 + m;
}

/**
 * The handler settings of a {@link PredictiveScaler} for its props, in the contract's units (no
 * checks: {@link predictiveScalerProblems} checks them). Internal.
 */
export function predictiveScalerSettings(
  props: PredictiveScalerProps & { capacityPerInstance: number },
  group: Pick<GroupConfiguration, 'cfnGroup' | 'minSize' | 'maxSize'>,
  warmPool = false,
): PredictiveScalerSettings {
  const D = PREDICTIVE_SCALER_DEFAULTS;
  const historySeconds = props.historyDuration ? durationSeconds('historyDuration', props.historyDuration) : D.historySeconds;
  const metric = props.loadMetric;
  return {
    groupName: props.autoScalingGroup.autoScalingGroupName,
    metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions ?? {}, statistic: metric.statistic },
    capacityPerInstance: props.capacityPerInstance,
    targetUtilizationPercent: props.targetUtilizationPercent ?? D.targetUtilizationPercent,
    mode: props.mode ?? D.mode,
    dryRun: props.dryRun ?? D.dryRun,
    historySeconds,
    // Unset, it follows historyDuration, whole seconds: a bad historyDuration is named once, as itself.
    minHistorySeconds: props.minimumHistory
      ? durationSeconds('minimumHistory', props.minimumHistory)
      : Math.min(D.minHistorySeconds, Math.max(0, Math.floor(historySeconds))),
    launchLeadSeconds: props.launchLeadTime
      ? durationSeconds('launchLeadTime', props.launchLeadTime)
      : defaultLaunchLeadSeconds(group.cfnGroup?.defaultInstanceWarmup, warmPool),
    horizonSeconds: props.horizon ? durationSeconds('horizon', props.horizon) : D.horizonSeconds,
    intervalSeconds: (props.schedule && rateSeconds(props.schedule.expressionString)) ?? D.intervalSeconds,
    actionPrefix: props.scheduledActionPrefix ?? D.actionPrefix,
    maxActions: props.maxScheduledActions ?? D.maxActions,
    unservedBudgetPercent: props.unservedBudgetPercent ?? D.unservedBudgetPercent,
    metricsNamespace: props.metricsNamespace ?? D.metricsNamespace,
    costStateTagKey: props.costOptimizerStateTagKey ?? D.costStateTagKey,
    // Rendered at synthesis (GROUP_BASELINE is replaced by the lazy value); the bounds are known now.
    baseline: { minSize: group.minSize, maxSize: group.maxSize, schedules: [] },
  };
}

/**
 * Whose spend the optimizer's budget counts: the budget's declared scope, else the whole account
 * (the construct refuses an undeclared scope in APPLY mode).
 */
function budgetScopeOf(props: CostOptimizerProps): 'service' | 'account' {
  return props.budget.budgetScope === BudgetScope.SERVICE ? 'service' : 'account';
}

/**
 * The handler settings of a {@link CostOptimizer} for its props, in the contract's units (no
 * checks: {@link costOptimizerProblems} checks them). Internal.
 */
export function costOptimizerSettings(
  props: CostOptimizerProps,
  group: Pick<GroupConfiguration, 'minSize' | 'maxSize'>,
  path = '',
): CostOptimizerSettings {
  const D = COST_OPTIMIZER_DEFAULTS;
  const wh = props.workingHours;
  const v = props.vertical;
  const spendSource = props.spendSource ?? D.spendSource;
  return {
    groupName: props.autoScalingGroup.autoScalingGroupName,
    accountId: Aws.ACCOUNT_ID,
    budgetName: props.budget.budgetName,
    budgetLimit: props.budget.limit,
    spendSource,
    budgetScope: budgetScopeOf(props),
    ...(props.costAllocationTag ? { costTag: { key: props.costAllocationTag.key, value: props.costAllocationTag.value } } : {}),
    mode: props.mode ?? D.mode,
    budgetMode: props.budgetMode ?? D.budgetMode,
    ...(v && props.launchTemplate ? { launchTemplateId: props.launchTemplate.launchTemplateId } : {}),
    ...(v && props.rollbackAlarms && props.rollbackAlarms.length > 0 ? { refreshAlarmNames: props.rollbackAlarms.map((a) => a.alarmName) } : {}),
    floorCapacity: props.floorCapacity ?? D.floorCapacity,
    emergencyUtilizationPercent: props.emergencyUtilizationPercent ?? D.emergencyUtilizationPercent,
    loadLookbackSeconds: props.loadLookback ? durationSeconds('loadLookback', props.loadLookback) : D.loadLookbackSeconds,
    tightenAbovePercent: props.tightenAbovePercent ?? D.tightenAbovePercent,
    restoreBelowPercent: props.restoreBelowPercent ?? D.restoreBelowPercent,
    capStepPercent: props.capStepPercent ?? D.capStepPercent,
    budgetStepIntervalSeconds: props.budgetStepInterval
      ? durationSeconds('budgetStepInterval', props.budgetStepInterval)
      : D.budgetStepIntervalSeconds,
    minChangePercent: props.minChangePercent ?? D.minChangePercent,
    maxChangesPerDay: props.maxChangesPerDay ?? D.maxChangesPerDay,
    ...(props.targetUtilizationBand
      ? {
          targetUtilization: {
            maxPercent: props.targetUtilizationBand.maxPercent,
            stepPercent: props.targetUtilizationBand.stepPercent ?? D.targetStepPercent,
          },
        }
      : {}),
    ...(props.spot ? { spot: { minOnDemandPercent: props.spot.minOnDemandPercent, stepPercent: props.spot.stepPercent ?? D.spotStepPercent } } : {}),
    ...(wh
      ? {
          workingHours: {
            days: wh.days ?? D.workingDays,
            startMinute: minutesOf(`${path}workingHours.startTime`, wh.startTime),
            endMinute: minutesOf(`${path}workingHours.endTime`, wh.endTime),
            timeZone: wh.timeZone ?? D.timeZone,
          },
        }
      : {}),
    restoreLeadSeconds: wh?.restoreLead ? durationSeconds('workingHours.restoreLead', wh.restoreLead) : D.restoreLeadSeconds,
    ...(v
      ? {
          vertical: {
            instanceTypes: (v.instanceTypes ?? []).map((t) => t.toString()),
            lowerUtilizationPercent: v.lowerUtilizationPercent,
            upperUtilizationPercent: v.upperUtilizationPercent,
            evaluationWindowSeconds: durationSeconds('vertical.evaluationWindow', v.evaluationWindow),
            minIntervalSeconds: durationSeconds('vertical.minInterval', v.minInterval),
          },
        }
      : {}),
    utilizationPeriodSeconds: props.utilizationPeriod ? durationSeconds('utilizationPeriod', props.utilizationPeriod) : D.utilizationPeriodSeconds,
    stateTagKey: props.stateTagKey ?? D.stateTagKey,
    refreshMinHealthyPercent: props.refreshMinHealthyPercent ?? D.refreshMinHealthyPercent,
    metricsNamespace: props.metricsNamespace ?? D.metricsNamespace,
    baseline: { minSize: group.minSize, maxSize: group.maxSize, schedules: [] },
  };
}
