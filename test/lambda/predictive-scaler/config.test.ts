import { loadConfig } from '../../../lambda/predictive-scaler/config';

const BASELINE = JSON.stringify({ minSize: 2, maxSize: 10, schedules: [] });
const REQUIRED = {
  AUTO_SCALING_GROUP_NAME: 'web',
  LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB',
  LOAD_METRIC_NAME: 'RequestCount',
  CAPACITY_PER_INSTANCE: '150',
  GROUP_BASELINE: BASELINE,
};

describe('loadConfig', () => {
  test('defaults: forecast-only, 14 days read, 1 day needed, 5 minute lead, 2 hour horizon, 0.03% unserved budget, the configured baseline', () => {
    expect(loadConfig(REQUIRED)).toEqual({
      groupName: 'web',
      metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: {}, statistic: 'Sum' },
      capacityPerInstance: 150,
      targetUtilization: 0.7,
      mode: 'forecast-only',
      dryRun: false,
      historySeconds: 1209600,
      minHistorySeconds: 86400,
      launchLeadSeconds: 300,
      horizonSeconds: 7200,
      intervalSeconds: 300,
      actionPrefix: 'predictive-scaler-',
      maxActions: 40,
      unservedBudget: 0.0003,
      costStateTagKey: 'cost-optimizer:state',
      baseline: { minSize: 2, maxSize: 10, schedules: [] },
    });
  });

  test.each<[string, Record<string, string>, string]>([
    ['group missing', { AUTO_SCALING_GROUP_NAME: '' }, 'environment variable AUTO_SCALING_GROUP_NAME is required'],
    ['baseline missing', { GROUP_BASELINE: '' }, 'environment variable GROUP_BASELINE: is required'],
    ['baseline bounds crossed', { GROUP_BASELINE: '{"minSize":5,"maxSize":2,"schedules":[]}' }, 'minSize (5) must be <= maxSize (2)'],
    ['capacity zero', { CAPACITY_PER_INSTANCE: '0' }, 'environment variable CAPACITY_PER_INSTANCE (capacityPerInstance) must be > 0, got 0'],
    [
      'target above 100',
      { TARGET_UTILIZATION_PERCENT: '120' },
      'environment variable TARGET_UTILIZATION_PERCENT (targetUtilizationPercent) must be in (0, 100], got 120',
    ],
    [
      'target zero',
      { TARGET_UTILIZATION_PERCENT: '0' },
      'environment variable TARGET_UTILIZATION_PERCENT (targetUtilizationPercent) must be in (0, 100], got 0',
    ],
    ['mode', { SCALING_MODE: 'scale' }, "environment variable SCALING_MODE must be one of forecast-only, forecast-and-scale, got 'scale'"],
    ['dry run', { DRY_RUN: 'yes' }, "environment variable DRY_RUN must be 'true' or 'false', got 'yes'"],
    ['dimensions not JSON', { LOAD_METRIC_DIMENSIONS: '{LoadBalancer' }, 'environment variable LOAD_METRIC_DIMENSIONS is not valid JSON'],
    [
      'dimensions not strings',
      { LOAD_METRIC_DIMENSIONS: '{"LoadBalancer":1}' },
      'environment variable LOAD_METRIC_DIMENSIONS must be a JSON object of strings, got \'{"LoadBalancer":1}\'',
    ],
    [
      'history over 14 days',
      { HISTORY_SECONDS: '1300000' },
      'environment variable HISTORY_SECONDS (historyDuration) must be in [1 hour, 14 days], got 1300000 seconds',
    ],
    [
      'minimum over the history',
      { HISTORY_SECONDS: '86400', MIN_HISTORY_SECONDS: '90000' },
      'environment variable MIN_HISTORY_SECONDS (minimumHistory) must be at most historyDuration (1 day), got 25 hours',
    ],
    [
      'lead not an integer',
      { LAUNCH_LEAD_SECONDS: '30.5' },
      'environment variable LAUNCH_LEAD_SECONDS (launchLeadTime) must be a whole number of seconds, got 30.5 seconds',
    ],
    ['horizon too short', { HORIZON_SECONDS: '60' }, 'environment variable HORIZON_SECONDS (horizon) must be in [10 minutes, 2 days], got 1 minute'],
    [
      'interval over a day',
      { SCHEDULE_INTERVAL_SECONDS: '172800' },
      'environment variable SCHEDULE_INTERVAL_SECONDS (schedule) must run at least once a day',
    ],
    [
      'horizon under two intervals',
      { SCHEDULE_INTERVAL_SECONDS: '10800' },
      'environment variable HORIZON_SECONDS (horizon) (2 hours) must be at least two schedule intervals (2 x 3 hours)',
    ],
    [
      'unserved budget over 50%',
      { UNSERVED_BUDGET_PERCENT: '60' },
      'environment variable UNSERVED_BUDGET_PERCENT (unservedBudgetPercent) must be in [0, 50], got 60',
    ],
    [
      'prefix',
      { SCHEDULED_ACTION_PREFIX: 'a b' },
      "environment variable SCHEDULED_ACTION_PREFIX (scheduledActionPrefix) must be 1-200 letters, digits, '_', '.', ':' or '-', got 'a b'",
    ],
    [
      'max actions',
      { MAX_SCHEDULED_ACTIONS: '200' },
      'environment variable MAX_SCHEDULED_ACTIONS (maxScheduledActions) must be in [2, 120], got 200',
    ],
    [
      'cost state tag empty',
      { COST_STATE_TAG_KEY: '' },
      "environment variable COST_STATE_TAG_KEY (costOptimizerStateTagKey) must be a tag key of 1-128 characters, not starting with 'aws:', got ''",
    ],
    [
      'cost state tag reserved',
      { COST_STATE_TAG_KEY: 'aws:state' },
      "environment variable COST_STATE_TAG_KEY (costOptimizerStateTagKey) must be a tag key of 1-128 characters, not starting with 'aws:', got 'aws:state'",
    ],
  ])('%s', (_name, override, message) => {
    expect(() => loadConfig({ ...REQUIRED, ...override })).toThrow(message);
  });

  test("the cost optimizer's state tag key comes from the contract (COST_STATE_TAG_KEY)", () => {
    expect(loadConfig({ ...REQUIRED, COST_STATE_TAG_KEY: 'team:cost-state' }).costStateTagKey).toBe('team:cost-state');
  });

  test('the unserved budget is passed to the planner as a fraction', () => {
    expect(loadConfig({ ...REQUIRED, UNSERVED_BUDGET_PERCENT: '2.5' }).unservedBudget).toBeCloseTo(0.025, 12);
  });
});
