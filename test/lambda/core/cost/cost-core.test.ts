import * as fc from 'fast-check';
import {
  type CostDecisionInput,
  type CostPolicy,
  type CostState,
  decideCost,
  decodeCostState,
  encodeCostState,
  expectedPeriodCost,
  type GroupSnapshot,
  inWorkingHours,
  type SetCapacityAction,
  type UtilizationSample,
  workingHoursProblems,
} from '../../../../lambda/core/cost';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Wednesday 2026-11-11 12:00 UTC, in the middle of a 30-day period.
const NOW = Date.parse('2026-11-11T12:00:00Z');
const PERIOD = { periodStart: Date.parse('2026-11-01T00:00:00Z'), periodEnd: Date.parse('2026-12-01T00:00:00Z') };

const policy: CostPolicy = {
  floorCapacity: 2,
  emergencyUtilizationPercent: 90,
  loadLookbackMs: DAY,
  tightenAbovePercent: 100,
  restoreBelowPercent: 90,
  capStepPercent: 10,
  targetUtilization: { maxPercent: 70, stepPercent: 5 },
};

const group: GroupSnapshot = { minSize: 2, maxSize: 20, desiredCapacity: 6, instanceType: 'm5.large', targetUtilization: 50 };

/** Hourly samples over `hours` ending at NOW with the given CPU and instances. */
function samples(hours: number, cpu: number | ((i: number) => number), instances = 6): UtilizationSample[] {
  return Array.from({ length: hours }, (_, i) => ({
    t: NOW - (hours - i) * HOUR,
    cpuPercent: typeof cpu === 'number' ? cpu : cpu(i),
    instances,
  }));
}

function input(over: Partial<CostDecisionInput> & { forecastPct?: number }): CostDecisionInput {
  const forecastPct = over.forecastPct ?? 80;
  return {
    now: NOW,
    budget: { limit: 1000, actualSpend: 400, forecastedSpend: forecastPct * 10, ...PERIOD },
    group,
    utilization: samples(24, 40),
    utilizationPeriodSeconds: 3600,
    policy,
    ...over,
  };
}

const capActions = (d: ReturnType<typeof decideCost>) => d.actions.filter((a): a is SetCapacityAction => a.kind === 'set-capacity');

describe('budget pressure', () => {
  test('forecast at 130% of the limit caps MaxSize one step, raises the target, with reasons', () => {
    const d = decideCost(input({ forecastPct: 130 }));
    expect(d.pressure).toBe('over');
    const cap = capActions(d);
    expect(cap).toHaveLength(1);
    expect(cap[0].maxSize).toBe(18); // 20 - ceil(10% of 20)
    expect(cap[0].reason).toMatch(/130% of the 1000 limit.*capping MaxSize 20 -> 18/);
    expect(d.actions).toContainEqual(expect.objectContaining({ kind: 'set-target-utilization', percent: 55 }));
    expect(d.state).toMatchObject({
      cap: 18,
      targetUtilization: 55,
      original: { minSize: 2, maxSize: 20, desiredCapacity: 6, targetUtilization: 50 },
    });
  });

  /** Runs the threshold steps 30 times at a forecast of 150% and returns the group and state they leave. */
  function tightenMonth(p: CostPolicy, util: UtilizationSample[]) {
    let state: CostState | undefined;
    let g = group;
    for (let run = 0; run < 30; run++) {
      const d = decideCost(input({ forecastPct: 150, utilization: util, group: g, state, policy: p }));
      state = d.state;
      for (const a of capActions(d)) g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: a.desiredCapacity ?? g.desiredCapacity };
      const t = d.actions.find((a) => a.kind === 'set-target-utilization');
      if (t && t.kind === 'set-target-utilization') g = { ...g, targetUtilization: t.percent };
    }
    return { g, state };
  }

  test('hard mode: the cap steps down to the floor whatever the load needs (the limit holds)', () => {
    // peak load: 80% of 6 instances = 4.8 busy instances -> needs 6 at the emergency utilization
    const util = samples(24, (i) => (i === 10 ? 80 : 30));
    const { g, state } = tightenMonth({ ...policy, budgetMode: 'hard' }, util);
    expect(g.maxSize).toBe(2);
    const d = decideCost(input({ forecastPct: 150, utilization: util, group: g, state }));
    expect(d.notes.join('\n')).toMatch(/already at the floor \(2, hard\)/);
    // saturated: no step back while the forecast is over, in hard mode
    const sat = decideCost(input({ forecastPct: 150, group: g, state, utilization: samples(24, (i) => (i === 23 ? 100 : 30)) }));
    expect(capActions(sat)).toEqual([]);
  });

  test('availability first: the cap never goes below what the peak load needs at the emergency utilization', () => {
    // peak load: 80% of 6 instances = 4.8 busy instances -> needs ceil(4.8 / 0.9) = 6
    const util = samples(24, (i) => (i === 10 ? 80 : 30));
    const soft: CostPolicy = { ...policy, budgetMode: 'availability-first' };
    let state: CostState | undefined;
    let g = group;
    for (let run = 0; run < 30; run++) {
      const d = decideCost(input({ forecastPct: 150, utilization: util, group: g, state, policy: soft }));
      state = d.state;
      for (const a of capActions(d)) g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: a.desiredCapacity ?? g.desiredCapacity };
      const t = d.actions.find((a) => a.kind === 'set-target-utilization');
      if (t && t.kind === 'set-target-utilization') g = { ...g, targetUtilization: t.percent };
    }
    expect(g.maxSize).toBe(6);
    expect(g.targetUtilization).toBe(70);
    expect(decideCost(input({ forecastPct: 150, utilization: util, group: g, state, policy: soft })).notes.join('\n')).toMatch(
      /already at the lowest the load allows \(6\)/,
    );
  });

  test('no utilization data: capacity is not lowered for the budget', () => {
    const d = decideCost(input({ forecastPct: 150, utilization: [] }));
    expect(capActions(d)).toEqual([]);
    expect(d.actions.find((a) => a.kind === 'set-target-utilization')).toBeUndefined();
    expect(d.notes.join('\n')).toMatch(/no utilization data/);
  });

  test('availability first: a saturated group is not capped further', () => {
    const d = decideCost(
      input({ forecastPct: 150, utilization: samples(24, (i) => (i === 23 ? 95 : 40)), policy: { ...policy, budgetMode: 'availability-first' } }),
    );
    expect(capActions(d)).toEqual([]);
    expect(d.notes.join('\n')).toMatch(/emergency utilization/);
  });

  test('availability first: a group saturated under the cap gets a whole cap step back at once, even under budget pressure', () => {
    const state: CostState = { original: { minSize: 2, maxSize: 20, desiredCapacity: 6, targetUtilization: 50 }, cap: 6 };
    const g = { ...group, maxSize: 6, desiredCapacity: 6 };
    const util = samples(24, (i) => (i === 23 ? 100 : 30));
    for (const pct of [150, 95]) {
      const d = decideCost(input({ forecastPct: pct, group: g, state, utilization: util, policy: { ...policy, budgetMode: 'availability-first' } }));
      expect(capActions(d)).toEqual([expect.objectContaining({ maxSize: 8 })]);
      expect(capActions(d)[0].reason).toMatch(/latest CPU 100% >= emergency utilization 90% under the cap: raising it 6 -> 8/);
    }
  });

  test('the forecast inside the hysteresis band holds; below it restores one step at a time to exactly the original', () => {
    let g = group;
    let state: CostState | undefined;
    const apply = (d: ReturnType<typeof decideCost>) => {
      for (const a of d.actions) {
        if (a.kind === 'set-capacity') g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: a.desiredCapacity ?? g.desiredCapacity };
        if (a.kind === 'set-target-utilization') g = { ...g, targetUtilization: a.percent };
      }
      state = d.state;
    };
    apply(decideCost(input({ forecastPct: 130, group: g, state })));
    apply(decideCost(input({ forecastPct: 130, group: g, state })));
    expect(g).toMatchObject({ maxSize: 16, targetUtilization: 60 });
    const held = decideCost(input({ forecastPct: 95, group: g, state }));
    expect(held.actions).toEqual([]);
    expect(held.pressure).toBe('hold');
    expect(held.notes.join('\n')).toMatch(/hysteresis band \[90%, 100%\]/);
    apply(decideCost(input({ forecastPct: 70, group: g, state })));
    expect(g).toMatchObject({ maxSize: 18, targetUtilization: 55 });
    apply(decideCost(input({ forecastPct: 70, group: g, state })));
    expect(g).toMatchObject({ maxSize: 20, targetUtilization: 50, minSize: 2 });
    expect(state).toEqual({});
    const after = decideCost(input({ forecastPct: 70, group: g, state }));
    expect(after.actions).toEqual([]);
  });

  test('budget steps wait for the step interval; load-protecting raises (availability first) do not', () => {
    const p: CostPolicy = { ...policy, budgetStepIntervalMs: 12 * HOUR, budgetMode: 'availability-first' };
    const d1 = decideCost(input({ forecastPct: 130, policy: p }));
    expect(d1.state.lastBudgetStepAt).toBe(NOW);
    const g1 = { ...group, maxSize: 18, targetUtilization: 55 };
    const d2 = decideCost(input({ now: NOW + 3 * HOUR, forecastPct: 130, policy: p, group: g1, state: d1.state }));
    expect(d2.actions).toEqual([]);
    expect(d2.notes.join('\n')).toMatch(/last budget step 3 h ago, the next one after 12 h/);
    const saturated = samples(24, (i) => (i === 23 ? 97 : 30)).map((s) => ({ ...s, t: s.t + 3 * HOUR }));
    const d3 = decideCost(input({ now: NOW + 3 * HOUR, forecastPct: 130, policy: p, group: g1, state: d1.state, utilization: saturated }));
    expect(capActions(d3)).toEqual([expect.objectContaining({ maxSize: 20 })]);
    const d4 = decideCost(input({ now: NOW + 12 * HOUR, forecastPct: 130, policy: p, group: g1, state: d1.state }));
    expect(capActions(d4)).toEqual([expect.objectContaining({ maxSize: 16 })]);
  });

  test('Spot shift on a mixed instances group, restored to the original share', () => {
    const mixed = { ...group, instanceType: undefined, onDemandPercent: 100 };
    const p = { ...policy, spot: { minOnDemandPercent: 20, stepPercent: 50 } };
    const d1 = decideCost(input({ forecastPct: 120, group: mixed, policy: p }));
    expect(d1.actions).toContainEqual(expect.objectContaining({ kind: 'set-on-demand-percent', percent: 50 }));
    const d2 = decideCost(
      input({ forecastPct: 120, group: { ...mixed, onDemandPercent: 50, targetUtilization: 55, maxSize: 18 }, policy: p, state: d1.state }),
    );
    expect(d2.actions).toContainEqual(expect.objectContaining({ kind: 'set-on-demand-percent', percent: 20 }));
    const d3 = decideCost(
      input({ forecastPct: 50, group: { ...mixed, onDemandPercent: 20, targetUtilization: 60, maxSize: 16 }, policy: p, state: d2.state }),
    );
    expect(d3.actions).toContainEqual(expect.objectContaining({ kind: 'set-on-demand-percent', percent: 70 }));
  });

  test('a change made outside the controller becomes the new original', () => {
    const d1 = decideCost(input({ forecastPct: 130 }));
    const d2 = decideCost(input({ forecastPct: 95, group: { ...group, maxSize: 30, targetUtilization: 55 }, state: d1.state }));
    expect(d2.notes.join('\n')).toMatch(/changed outside the controller/);
    expect(d2.state.cap).toBeUndefined();
    expect(d2.state.original).toMatchObject({ maxSize: 30 });
  });

  test('a MinSize raised under the cap by a scheduled action (the predictive scaler) keeps the cap and the originals', () => {
    const d1 = decideCost(input({ forecastPct: 130 }));
    expect(d1.state).toMatchObject({ cap: 18, original: { minSize: 2, maxSize: 20 } });
    // The predictive scaler's action raised MinSize 2 -> 7; MaxSize is still the cap.
    const d2 = decideCost(
      input({ forecastPct: 95, group: { ...group, minSize: 7, maxSize: 18, desiredCapacity: 7, targetUtilization: 55 }, state: d1.state }),
    );
    expect(d2.notes.join('\n')).not.toMatch(/changed outside the controller/);
    expect(d2.notes.join('\n')).toMatch(/MinSize is 7, not the 2 last applied.*kept/);
    expect(d2.state).toMatchObject({ cap: 18, original: { minSize: 2, maxSize: 20 } });
    // Restoring under budget goes back to the true original MaxSize, not to the cap; the floor
    // the predictive scaler holds is left to it (its own actions release it).
    const d3 = decideCost(
      input({ forecastPct: 50, group: { ...group, minSize: 7, maxSize: 18, desiredCapacity: 7, targetUtilization: 55 }, state: d2.state }),
    );
    expect(capActions(d3)).toEqual([expect.objectContaining({ minSize: 7, maxSize: 20 })]);
    expect(d3.state.original).toBeUndefined();
  });

  test('a budget step keeps a MinSize raised under the cap (the predictive scaler ahead of a ramp), within the new cap', () => {
    const d1 = decideCost(input({ forecastPct: 130 }));
    const raised = { ...group, minSize: 7, maxSize: 18, desiredCapacity: 7, targetUtilization: 55 };
    const d2 = decideCost(input({ forecastPct: 130, group: raised, state: d1.state }));
    expect(capActions(d2)).toEqual([expect.objectContaining({ minSize: 7, maxSize: 16 })]);
    expect(capActions(d2)[0].desiredCapacity).toBeUndefined();
    // A cap below the raised floor takes the floor down to the cap, never above it.
    const d3 = decideCost(input({ forecastPct: 130, group: { ...raised, minSize: 16, maxSize: 16, desiredCapacity: 16 }, state: d2.state }));
    for (const a of capActions(d3)) expect(a.minSize).toBe(a.maxSize);
  });

  test('a group reported with MinSize > MaxSize (the emulator allows it) is never recorded so: the state reads back', () => {
    const d = decideCost(input({ forecastPct: 130, group: { ...group, minSize: 25, maxSize: 20, desiredCapacity: 20 } }));
    expect(d.state.original!.minSize).toBeLessThanOrEqual(d.state.original!.maxSize);
    expect(decodeCostState(encodeCostState(d.state))).toEqual(d.state);
    for (const a of capActions(d)) expect(a.minSize).toBeLessThanOrEqual(a.maxSize);
    expect(() => encodeCostState({ original: { minSize: 5, maxSize: 3, desiredCapacity: 3 }, cap: 3 })).toThrow(
      /original MinSize 5 is above original MaxSize 3/,
    );
  });

  test('without a Budgets forecast the actual spend is extrapolated over the period', () => {
    const e = expectedPeriodCost({ limit: 1000, actualSpend: 500, forecastedSpend: 0, ...PERIOD }, PERIOD.periodStart + 10 * DAY);
    expect(e).toEqual({ cost: 1500, source: 'extrapolated' });
    expect(decideCost(input({ budget: undefined })).pressure).toBe('unknown');
  });

  test('capacity plan: expected month-end cost and the peak capacity needed', () => {
    const d = decideCost(input({ forecastPct: 110, utilization: samples(24, (i) => (i === 5 ? 75 : 20)) }));
    // peak 75% x 6 = 4.5 busy instances; at the 50% target -> 9; at 90% -> 5
    expect(d.plan).toMatchObject({
      expectedMonthEndCost: 1100,
      budgetLimit: 1000,
      forecastSource: 'budgets',
      peakCapacityNeeded: 9,
      minimumCapForLoad: 5,
    });
    expect(d.plan.forecastPercentOfLimit).toBeCloseTo(110);
  });
});

describe('off-hours', () => {
  const offPolicy: CostPolicy = {
    ...policy,
    floorCapacity: 0,
    offHours: { workingHours: { days: [1, 2, 3, 4, 5], startMinute: 8 * 60, endMinute: 19 * 60, timeZone: 'Europe/Berlin' }, restoreLeadMs: HOUR },
  };
  const night = Date.parse('2026-11-11T23:30:00Z'); // 00:30 Thursday in Berlin

  test('a dev environment at night goes to the floor, then is restored before working hours', () => {
    const d1 = decideCost(input({ now: night, policy: offPolicy }));
    expect(capActions(d1)).toEqual([expect.objectContaining({ minSize: 0, maxSize: 0, desiredCapacity: 0 })]);
    expect(capActions(d1)[0].reason).toMatch(/off-hours \(local time 00:30 day 4/);
    const g0 = { ...group, minSize: 0, maxSize: 0, desiredCapacity: 0 };
    const d2 = decideCost(input({ now: night + HOUR, policy: offPolicy, group: g0, state: d1.state }));
    expect(d2.actions).toEqual([]);
    // 06:10 UTC = 07:10 Berlin: within the hour of lead before 08:00
    const d3 = decideCost(input({ now: Date.parse('2026-11-12T06:10:00Z'), policy: offPolicy, group: g0, state: d2.state }));
    expect(capActions(d3)).toEqual([expect.objectContaining({ minSize: 2, maxSize: 20, desiredCapacity: 6 })]);
    expect(d3.state).toEqual({});
  });

  test('working hours in a fixed UTC offset and across the weekend', () => {
    const wh = { days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, utcOffsetMinutes: -300 };
    expect(inWorkingHours(Date.parse('2026-11-11T14:00:00Z'), wh)).toBe(true); // 09:00 Wednesday
    expect(inWorkingHours(Date.parse('2026-11-11T13:59:00Z'), wh)).toBe(false);
    expect(inWorkingHours(Date.parse('2026-11-14T15:00:00Z'), wh)).toBe(false); // Saturday
    expect(workingHoursProblems({ ...wh, endMinute: 60 })).toEqual([expect.stringMatching(/endMinute \(60\) must be after startMinute \(540\)/)]);
    expect(workingHoursProblems({ ...wh, timeZone: 'Mars/Olympus' })).toEqual([expect.stringMatching(/Mars\/Olympus/)]);
  });
});

describe('vertical rightsizing', () => {
  const vPolicy: CostPolicy = {
    ...policy,
    vertical: { ladder: ['m5.large', 'm5.xlarge', 'm5.2xlarge'], lowerPercent: 20, upperPercent: 70, windowMs: 3 * DAY, minIntervalMs: 7 * DAY },
  };
  const g = { ...group, instanceType: 'm5.xlarge' };

  test('low CPU over the window moves one step down the ladder, then waits the interval', () => {
    const d = decideCost(input({ policy: vPolicy, group: g, utilization: samples(72, 12) }));
    expect(d.actions).toContainEqual(expect.objectContaining({ kind: 'change-instance-type', from: 'm5.xlarge', to: 'm5.large', direction: 'down' }));
    expect(d.state).toMatchObject({ lastVerticalAt: NOW, pendingRefresh: true });
    const again = decideCost(
      input({
        now: NOW + DAY,
        policy: vPolicy,
        group: { ...g, instanceType: 'm5.large' },
        utilization: samples(72, 5),
        state: { ...d.state, pendingRefresh: false },
      }),
    );
    expect(again.actions.find((a) => a.kind === 'change-instance-type')).toBeUndefined();
    expect(again.notes.join('\n')).toMatch(/next allowed after 168 h/);
  });

  test('high CPU steps up, but not while the budget forecast is over', () => {
    const up = decideCost(input({ policy: vPolicy, group: g, utilization: samples(72, 80) }));
    expect(up.actions).toContainEqual(expect.objectContaining({ kind: 'change-instance-type', to: 'm5.2xlarge', direction: 'up' }));
    const over = decideCost(input({ forecastPct: 130, policy: vPolicy, group: g, utilization: samples(72, 80) }));
    expect(over.actions.find((a) => a.kind === 'change-instance-type')).toBeUndefined();
  });

  test('a short spike keeps the group from stepping down; sparse data changes nothing', () => {
    const spiky = decideCost(input({ policy: vPolicy, group: g, utilization: samples(72, (i) => (i % 10 === 0 ? 60 : 10)) }));
    expect(spiky.actions.find((a) => a.kind === 'change-instance-type')).toBeUndefined();
    const sparse = decideCost(input({ policy: vPolicy, group: g, utilization: samples(20, 5) }));
    expect(sparse.notes.join('\n')).toMatch(/covers 27.8% of the window/);
  });

  test('a pending instance refresh is retried before any new change', () => {
    const d = decideCost(
      input({ policy: vPolicy, group: g, utilization: samples(72, 5), state: { lastVerticalAt: NOW - 10 * DAY, pendingRefresh: true } }),
    );
    expect(d.actions).toContainEqual(expect.objectContaining({ kind: 'start-instance-refresh' }));
    expect(d.actions.find((a) => a.kind === 'change-instance-type')).toBeUndefined();
  });
});

describe('state codec', () => {
  test('round trip within the 256-character tag limit', () => {
    const s: CostState = {
      original: { minSize: 2, maxSize: 200, desiredCapacity: 17, targetUtilization: 50, onDemandPercent: 100 },
      cap: 150,
      targetUtilization: 65,
      onDemandPercent: 25,
      offHoursCapacity: 0,
      lastVerticalAt: NOW,
      pendingRefresh: true,
    };
    const text = encodeCostState(s);
    expect(text.length).toBeLessThanOrEqual(256);
    expect(decodeCostState(text)).toEqual(s);
  });
  test.each([
    ['not json', /not JSON/],
    ['[]', /not a JSON object/],
    ['{"v":2}', /version 2/],
    ['{"v":1,"c":3}', /no original settings/],
    ['{"v":1,"o":{"mn":5,"mx":2,"d":1},"c":1}', /o\.mx/],
    ['{"v":1,"o":{"mn":1,"mx":2,"d":1},"tu":140}', /field tu/],
  ])('rejects %s', (text, message) => {
    expect(() => decodeCostState(text)).toThrow(message);
  });
});

describe('properties', () => {
  const arbPolicy = fc.record({
    floorCapacity: fc.integer({ min: 0, max: 10 }),
    emergencyUtilizationPercent: fc.integer({ min: 50, max: 100 }),
    loadLookbackMs: fc.constant(DAY),
    tightenAbovePercent: fc.integer({ min: 95, max: 120 }),
    restoreBelowPercent: fc.integer({ min: 60, max: 94 }),
    capStepPercent: fc.integer({ min: 1, max: 50 }),
    budgetStepIntervalMs: fc.constantFrom(0, 3 * HOUR, 12 * HOUR),
    targetUtilization: fc.option(fc.record({ maxPercent: fc.integer({ min: 50, max: 90 }), stepPercent: fc.integer({ min: 1, max: 20 }) }), {
      nil: undefined,
    }),
    spot: fc.option(fc.record({ minOnDemandPercent: fc.integer({ min: 0, max: 50 }), stepPercent: fc.integer({ min: 5, max: 50 }) }), {
      nil: undefined,
    }),
    offHours: fc.option(fc.constant({ workingHours: { days: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1140 }, restoreLeadMs: HOUR }), {
      nil: undefined,
    }),
  });
  const arbGroup = fc
    .record({
      minSize: fc.integer({ min: 0, max: 10 }),
      extra: fc.integer({ min: 0, max: 40 }),
      desiredOffset: fc.integer({ min: 0, max: 40 }),
      targetUtilization: fc.option(fc.integer({ min: 30, max: 60 }), { nil: undefined }),
      onDemandPercent: fc.option(fc.integer({ min: 50, max: 100 }), { nil: undefined }),
    })
    .map((g) => ({
      minSize: g.minSize,
      maxSize: g.minSize + g.extra,
      desiredCapacity: g.minSize + Math.min(g.extra, g.desiredOffset),
      targetUtilization: g.targetUtilization,
      onDemandPercent: g.onDemandPercent,
    }));
  // A run of hourly decisions with each decision applied to the group, spend and load varying.
  const arbRun = fc.record({
    policy: arbPolicy,
    group: arbGroup,
    steps: fc.array(
      fc.record({
        pct: fc.integer({ min: 0, max: 200 }),
        cpu: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 0, maxLength: 24 }),
        hours: fc.integer({ min: 1, max: 12 }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
  });

  test('never below the floor, never above the configured maximum, bounds consistent, restore never overshoots', () => {
    fc.assert(
      fc.property(arbRun, ({ policy: p, group: g0, steps }) => {
        const orig = g0;
        const ceiling = orig.maxSize;
        const floor = Math.min(p.floorCapacity, ceiling);
        let g: GroupSnapshot = g0;
        let state: CostState | undefined;
        let now = NOW;
        for (const s of steps) {
          now += s.hours * HOUR;
          const util = s.cpu.map((c, i) => ({ t: now - (s.cpu.length - i) * HOUR, cpuPercent: c, instances: g.desiredCapacity }));
          const d = decideCost({
            now,
            budget: { limit: 1000, actualSpend: 300, forecastedSpend: s.pct * 10, ...PERIOD },
            group: g,
            utilization: util,
            utilizationPeriodSeconds: 3600,
            policy: p,
            state,
          });
          for (const a of d.actions) {
            if (a.kind === 'set-capacity') {
              expect(a.maxSize).toBeGreaterThanOrEqual(floor);
              expect(a.maxSize).toBeLessThanOrEqual(ceiling);
              expect(a.minSize).toBeLessThanOrEqual(a.maxSize);
              expect(a.minSize).toBeLessThanOrEqual(Math.max(orig.minSize, floor));
              const desired = a.desiredCapacity ?? g.desiredCapacity;
              expect(desired).toBeGreaterThanOrEqual(a.minSize);
              expect(desired).toBeLessThanOrEqual(a.maxSize);
              if (util.length === 0 && d.state.offHoursCapacity === undefined) expect(a.maxSize).toBeGreaterThanOrEqual(g.maxSize);
              g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: desired };
            }
            if (a.kind === 'set-target-utilization') {
              expect(a.percent).toBeGreaterThanOrEqual(orig.targetUtilization!);
              expect(a.percent).toBeLessThanOrEqual(Math.max(orig.targetUtilization!, p.targetUtilization!.maxPercent));
              g = { ...g, targetUtilization: a.percent };
            }
            if (a.kind === 'set-on-demand-percent') {
              expect(a.percent).toBeLessThanOrEqual(orig.onDemandPercent!);
              expect(a.percent).toBeGreaterThanOrEqual(Math.min(orig.onDemandPercent!, p.spot!.minOnDemandPercent));
              g = { ...g, onDemandPercent: a.percent };
            }
          }
          // The state survives its own encoding.
          state = decodeCostState(encodeCostState(d.state));
          if (state.original) expect(state.original).toMatchObject({ minSize: orig.minSize, maxSize: orig.maxSize });
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a predictive scaler moving MinSize within MaxSize between runs never changes the originals nor the bounds checks', () => {
    let moved = 0;
    fc.assert(
      fc.property(arbRun, fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 40 }), ({ policy: p, group: g0, steps }, raises) => {
        const floor = Math.min(p.floorCapacity, g0.maxSize);
        let g: GroupSnapshot = g0;
        let state: CostState | undefined;
        let now = NOW;
        steps.forEach((s, k) => {
          now += s.hours * HOUR;
          // A scheduled action raised MinSize (and desired with it) to at most the live MaxSize.
          const min = Math.min(g.maxSize, g.minSize + raises[k]);
          if (min !== g.minSize) moved++;
          g = { ...g, minSize: min, desiredCapacity: Math.max(g.desiredCapacity, min) };
          const util = s.cpu.map((c, i) => ({ t: now - (s.cpu.length - i) * HOUR, cpuPercent: c, instances: g.desiredCapacity }));
          const d = decideCost({
            now,
            budget: { limit: 1000, actualSpend: 300, forecastedSpend: s.pct * 10, ...PERIOD },
            group: g,
            utilization: util,
            utilizationPeriodSeconds: 3600,
            policy: p,
            state,
          });
          expect(d.notes.join('\n')).not.toMatch(/changed outside the controller/);
          for (const a of d.actions) {
            if (a.kind !== 'set-capacity') continue;
            expect(a.maxSize).toBeGreaterThanOrEqual(floor);
            expect(a.maxSize).toBeLessThanOrEqual(g0.maxSize);
            expect(a.minSize).toBeLessThanOrEqual(a.maxSize);
            g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: a.desiredCapacity ?? g.desiredCapacity };
          }
          state = decodeCostState(encodeCostState(d.state));
          // The originals are the group's settings before any override: a raised floor is never adopted.
          if (state.original) expect(state.original.maxSize).toBe(g0.maxSize);
        });
      }),
      { numRuns: 200 },
    );
    expect(moved).toBeGreaterThan(100);
  });

  test('restoring with the budget back under returns exactly to the original settings, never past them', () => {
    fc.assert(
      fc.property(arbPolicy, arbGroup, fc.integer({ min: 1, max: 30 }), (p0, g0, tightenRuns) => {
        const p = { ...p0, offHours: undefined };
        let g: GroupSnapshot = g0;
        let state: CostState | undefined;
        let now = NOW;
        const run = (pct: number) => {
          now += 13 * HOUR;
          const util = samples(24, 10, Math.max(1, g0.desiredCapacity)).map((s) => ({ ...s, t: s.t + (now - NOW) }));
          const d = decideCost({
            now,
            budget: { limit: 1000, actualSpend: 300, forecastedSpend: pct * 10, ...PERIOD },
            group: g,
            utilization: util,
            utilizationPeriodSeconds: 3600,
            policy: p,
            state,
          });
          for (const a of d.actions) {
            if (a.kind === 'set-capacity')
              g = { ...g, minSize: a.minSize, maxSize: a.maxSize, desiredCapacity: a.desiredCapacity ?? g.desiredCapacity };
            if (a.kind === 'set-target-utilization') g = { ...g, targetUtilization: a.percent };
            if (a.kind === 'set-on-demand-percent') g = { ...g, onDemandPercent: a.percent };
          }
          state = d.state;
          expect(g.maxSize).toBeLessThanOrEqual(g0.maxSize);
          expect(g.minSize).toBeLessThanOrEqual(g0.minSize);
          if (g.targetUtilization !== undefined) expect(g.targetUtilization).toBeGreaterThanOrEqual(g0.targetUtilization!);
          if (g.onDemandPercent !== undefined) expect(g.onDemandPercent).toBeLessThanOrEqual(g0.onDemandPercent!);
        };
        for (let i = 0; i < tightenRuns; i++) run(150);
        for (let i = 0; i < 200 && state?.original; i++) run(40);
        expect(state?.original).toBeUndefined();
        expect(Object.keys(state ?? {}).filter((k) => k !== 'lastBudgetStepAt')).toEqual([]);
        expect({ minSize: g.minSize, targetUtilization: g.targetUtilization, onDemandPercent: g.onDemandPercent }).toEqual({
          minSize: g0.minSize,
          targetUtilization: g0.targetUtilization,
          onDemandPercent: g0.onDemandPercent,
        });
        expect(g.maxSize).toBe(g0.maxSize);
      }),
      { numRuns: 300 },
    );
  });
});
