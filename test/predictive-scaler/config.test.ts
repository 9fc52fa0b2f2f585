import { loadConfig } from '../../lambda/predictive-scaler/config';

const REQUIRED = {
  AUTO_SCALING_GROUP_NAME: 'web', LOAD_METRIC_NAMESPACE: 'AWS/ApplicationELB', LOAD_METRIC_NAME: 'RequestCount', CAPACITY_PER_INSTANCE: '150',
};

describe('loadConfig', () => {
  test('defaults: forecast-only, 14 days read, 1 day needed, 5 minute lead, 2 hour horizon, live MinSize', () => {
    expect(loadConfig(REQUIRED)).toEqual({
      groupName: 'web',
      metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: {}, statistic: 'Sum' },
      capacityPerInstance: 150, targetUtilization: 0.7, mode: 'forecast-only', dryRun: false,
      historySeconds: 1209600, minHistorySeconds: 86400, launchLeadSeconds: 300, horizonSeconds: 7200, intervalSeconds: 300,
      baseMinCapacity: undefined, actionPrefix: 'predictive-scaler-', maxActions: 40,
    });
  });

  test.each<[string, Record<string, string>, string]>([
    ['group missing', { AUTO_SCALING_GROUP_NAME: '' }, 'environment variable AUTO_SCALING_GROUP_NAME is required'],
    ['capacity zero', { CAPACITY_PER_INSTANCE: '0' }, 'environment variable CAPACITY_PER_INSTANCE must be > 0, got 0'],
    ['target above 1', { TARGET_UTILIZATION: '1.2' }, 'environment variable TARGET_UTILIZATION must be <= 1, got 1.2'],
    ['target zero', { TARGET_UTILIZATION: '0' }, 'environment variable TARGET_UTILIZATION must be > 0, got 0'],
    ['mode', { SCALING_MODE: 'scale' }, "environment variable SCALING_MODE must be one of forecast-only, forecast-and-scale, got 'scale'"],
    ['dry run', { DRY_RUN: 'yes' }, "environment variable DRY_RUN must be 'true' or 'false', got 'yes'"],
    ['dimensions not JSON', { LOAD_METRIC_DIMENSIONS: '{LoadBalancer' }, 'environment variable LOAD_METRIC_DIMENSIONS is not valid JSON'],
    ['dimensions not strings', { LOAD_METRIC_DIMENSIONS: '{"LoadBalancer":1}' }, 'environment variable LOAD_METRIC_DIMENSIONS must be a JSON object of strings, got \'{"LoadBalancer":1}\''],
    ['history over 14 days', { HISTORY_SECONDS: '1300000' }, 'environment variable HISTORY_SECONDS must be <= 1209600, got 1300000'],
    ['minimum over the history', { HISTORY_SECONDS: '86400', MIN_HISTORY_SECONDS: '90000' }, 'environment variable MIN_HISTORY_SECONDS must be <= 86400, got 90000'],
    ['lead not an integer', { LAUNCH_LEAD_SECONDS: '30.5' }, 'environment variable LAUNCH_LEAD_SECONDS must be an integer, got 30.5'],
    ['horizon too short', { HORIZON_SECONDS: '60' }, 'environment variable HORIZON_SECONDS must be >= 600, got 60'],
    ['base min negative', { BASE_MIN_CAPACITY: '-1' }, 'environment variable BASE_MIN_CAPACITY must be >= 0, got -1'],
    ['prefix', { SCHEDULED_ACTION_PREFIX: 'a b' }, "environment variable SCHEDULED_ACTION_PREFIX must be 1-200 letters, digits, '_', '.', ':' or '-', got 'a b'"],
    ['max actions', { MAX_SCHEDULED_ACTIONS: '200' }, 'environment variable MAX_SCHEDULED_ACTIONS must be <= 120, got 200'],
  ])('%s', (_name, override, message) => {
    expect(() => loadConfig({ ...REQUIRED, ...override })).toThrow(message);
  });
});
