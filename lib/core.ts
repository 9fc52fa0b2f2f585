// 'cdk-scaling-architecture/core': the user-facing part of the pure core for TypeScript and
// JavaScript, the capacity planner and the cost decision with the types of their inputs and
// outputs. The package entry exports the same three functions; these types are here because jsii,
// which compiles the entry for the other languages, cannot represent them (tuples, inline object
// types, typed arrays, function-typed fields). Everything else in lambda/core (the forecasting
// internals, the cost state codec, the capacity-planning helpers) is internal: changing it is not
// a breaking change.
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
