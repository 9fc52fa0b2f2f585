// The package entry: the constructs of the four parts, the standards pack, the composite, and the
// user-facing part of the pure core (the capacity planner and the cost decision with their input
// and output types). Everything else in lambda/core (the forecasting internals, the cost state
// codec, the capacity-planning helpers) is internal: changing it is not a breaking change.
export * from './load-distribution';
export * from './auto-scaling';
export * from './load-monitoring';
export * from './resource-management';
export * from './standards';
export * from './scalable-service';

export { planCapacity, explainPlan, decideCost } from '../lambda/core';
export type {
  // planCapacity / explainPlan
  PlanInput,
  MetricSeries,
  PlannerOptions,
  PlanOutput,
  PlannedAction,
  LoadForecast,
  PlanExplanation,
  Seasonality,
  SeasonalityKind,
  ForecastModelSpec,
  Headroom,
  PlanDiagnostics,
  PeakCap,
  RealizedOutcome,
  // decideCost
  CostDecisionInput,
  BudgetSnapshot,
  GroupSnapshot,
  UtilizationSample,
  CostPolicy,
  BudgetModeValue,
  WorkingHours,
  WorkingHoursInMinutes,
  CostState,
  OriginalSettings,
  CostDecision,
  BudgetPressure,
  CostCapacityPlan,
  CostAction,
  SetCapacityAction,
  SetTargetUtilizationAction,
  SetOnDemandPercentAction,
  ChangeInstanceTypeAction,
  StartInstanceRefreshAction,
} from '../lambda/core';
