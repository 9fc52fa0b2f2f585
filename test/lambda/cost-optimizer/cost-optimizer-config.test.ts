import { loadConfig } from '../../../lambda/cost-optimizer/config';
import { budgetPeriod } from '../../../lambda/cost-optimizer/observe';

const BASE = {
  AUTO_SCALING_GROUP_NAME: 'web',
  BUDGET_ACCOUNT_ID: '123456789012',
  BUDGET_NAME: 'b',
  GROUP_BASELINE: JSON.stringify({ minSize: 1, maxSize: 10, schedules: [] }),
};

test('defaults match the construct: apply, floor 1, 100% / 95%, 12 h step interval, 7-day lookback, no optional levers', () => {
  const c = loadConfig(BASE);
  expect(c).toMatchObject({
    mode: 'apply',
    spendSource: 'budgets',
    manageTargetTracking: false,
    utilizationPeriodSeconds: 300,
    stateTagKey: 'cost-optimizer:state',
    baseline: { minSize: 1, maxSize: 10, schedules: [] },
  });
  expect(c.policy).toEqual({
    floorCapacity: 1,
    emergencyUtilizationPercent: 90,
    loadLookbackMs: 168 * 3_600_000,
    tightenAbovePercent: 100,
    restoreBelowPercent: 95,
    capStepPercent: 10,
    budgetStepIntervalMs: 12 * 3_600_000,
    minChangePercent: 4,
    maxChangesPerDay: 6,
    budgetMode: 'hard',
    vertical: undefined,
  });
  expect(c.budgetScope).toBe('account'); // an environment written before BUDGET_SCOPE
});

test('levers, working hours and vertical scaling from the environment', () => {
  const c = loadConfig({
    ...BASE,
    TARGET_UTILIZATION_MAX_PERCENT: '70',
    SPOT_MIN_ON_DEMAND_PERCENT: '20',
    WORKING_HOURS: '{"days":[1,2,3,4,5],"startMinute":480,"endMinute":1140,"timeZone":"Europe/Berlin"}',
    RESTORE_LEAD_MINUTES: '90',
    VERTICAL_SCALING:
      '{"instanceTypes":["m5.large","m5.xlarge"],"lowerUtilizationPercent":20,"upperUtilizationPercent":70,"evaluationWindowHours":72,"minIntervalHours":168}',
    LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0',
    BUDGET_MODE: 'availability-first',
  });
  expect(c.policy.budgetMode).toBe('availability-first');
  expect(c.policy.targetUtilization).toEqual({ maxPercent: 70, stepPercent: 5 });
  expect(c.policy.spot).toEqual({ minOnDemandPercent: 20, stepPercent: 25 });
  expect(c.policy.offHours).toEqual({
    workingHours: { days: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1140, timeZone: 'Europe/Berlin' },
    restoreLeadMs: 90 * 60_000,
  });
  expect(c.policy.vertical).toEqual({
    ladder: ['m5.large', 'm5.xlarge'],
    lowerPercent: 20,
    upperPercent: 70,
    windowMs: 72 * 3_600_000,
    minIntervalMs: 168 * 3_600_000,
  });
});

test.each([
  [{ AUTO_SCALING_GROUP_NAME: '' }, /AUTO_SCALING_GROUP_NAME is required/],
  [{ MODE: 'yolo' }, /MODE must be one of apply, dry-run, forecast-only, got 'yolo'/],
  [{ FLOOR_CAPACITY: '-1' }, /FLOOR_CAPACITY \(floorCapacity\) must be in \[0, 10000\], got -1/],
  [{ FLOOR_CAPACITY: '11' }, /FLOOR_CAPACITY \(floorCapacity\) \(11\) must be <= the group's maxCapacity \(10\)/],
  [{ BUDGET_MODE: 'soft' }, /BUDGET_MODE must be one of hard, availability-first, got 'soft'/],
  [
    { WORKING_HOURS: '{"days":[9],"startMinute":480,"endMinute":60}' },
    /WORKING_HOURS \(workingHours.days\) must be WeekDay values 0 \(Sunday\) to 6 \(Saturday\), got \[9\]; environment variable WORKING_HOURS \(workingHours.endTime\) \(01:00\) must be after workingHours.startTime \(08:00\)/,
  ],
  [{ WORKING_HOURS: 'nope' }, /WORKING_HOURS is not valid JSON/],
  [
    {
      VERTICAL_SCALING:
        '{"instanceTypes":["m5.large"],"lowerUtilizationPercent":20,"upperUtilizationPercent":70,"evaluationWindowHours":72,"minIntervalHours":168}',
    },
    /VERTICAL_SCALING \(vertical.instanceTypes\) must list at least 2 instance types/,
  ],
  [
    {
      VERTICAL_SCALING:
        '{"instanceTypes":["m5.large","m5.xlarge"],"lowerUtilizationPercent":50,"upperUtilizationPercent":40,"evaluationWindowHours":1,"minIntervalHours":1}',
      LAUNCH_TEMPLATE_ID: 'lt-1',
    },
    /lowerUtilizationPercent\) \(50\) must be < vertical.upperUtilizationPercent \(40\)/,
  ],
  [{ COST_TAG_KEY: 'app', SPEND_SOURCE: 'cost-explorer' }, /COST_TAG_VALUE \(costAllocationTag.value\) must be 1-256 characters/],
  [{ BUDGET_NAME: 'web-monthly ' }, /BUDGET_NAME \(budget\.budgetName\) must not start or end with whitespace/],
])('rejects %p', (env, message) => {
  expect(() => loadConfig({ ...BASE, ...env })).toThrow(message);
});

test('budget periods are UTC calendar periods', () => {
  const t = Date.parse('2026-11-11T12:00:00Z');
  expect(budgetPeriod('MONTHLY', t)).toEqual({ start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-12-01T00:00:00Z') });
  expect(budgetPeriod('QUARTERLY', t)).toEqual({ start: Date.parse('2026-10-01T00:00:00Z'), end: Date.parse('2027-01-01T00:00:00Z') });
  expect(budgetPeriod('ANNUALLY', t)).toEqual({ start: Date.parse('2026-01-01T00:00:00Z'), end: Date.parse('2027-01-01T00:00:00Z') });
  expect(budgetPeriod('DAILY', t)).toEqual({ start: Date.parse('2026-11-11T00:00:00Z'), end: Date.parse('2026-11-12T00:00:00Z') });
});

test("the refresh's alarms: read from REFRESH_ALARM_NAMES (none when unset); more than 10 (AWS's limit) is an error naming rollbackAlarms", () => {
  expect(loadConfig(BASE).refreshAlarmNames).toEqual([]);
  expect(loadConfig({ ...BASE, REFRESH_ALARM_NAMES: '["web-cpu-high","web-5xx"]' }).refreshAlarmNames).toEqual(['web-cpu-high', 'web-5xx']);
  const eleven = JSON.stringify(Array.from({ length: 11 }, (_, i) => `alarm-${i}`));
  expect(() => loadConfig({ ...BASE, REFRESH_ALARM_NAMES: eleven })).toThrow(/rollbackAlarms.*at most 10 alarms.*got 11/);
  expect(() => loadConfig({ ...BASE, REFRESH_ALARM_NAMES: '[1]' })).toThrow(/REFRESH_ALARM_NAMES|rollbackAlarms/);
});
