import { simulateGroup } from '../../../../lambda/core/backtest/simulate-group';

const config = { capacityPerInstance: 10, targetUtilization: 0.5, minCapacity: 2, maxCapacity: 20, launchLeadSeconds: 120 };
const wave = Array.from({ length: 600 }, (_, i) => 40 + 30 * Math.sin(i / 40) + (i % 97 === 0 ? 60 : 0));

describe('simulateGroup: the control hook (a controller changing the group between steps)', () => {
  test('a controller that changes nothing leaves the simulation as it was', () => {
    const a = simulateGroup(wave, 0, 60, config);
    const b = simulateGroup(wave, 0, 60, config, undefined, 0, () => undefined);
    expect(Array.from(b.capacity)).toEqual(Array.from(a.capacity));
    expect(b.unservedLoad).toBe(a.unservedLoad);
    expect(b.instanceSteps).toBe(a.instanceSteps);
  });

  test('paid counts serving and launching instances each step and sums to instanceSteps', () => {
    const r = simulateGroup(wave, 0, 60, config);
    expect(Array.from(r.paid).reduce((x, y) => x + y, 0)).toBe(r.instanceSteps);
    for (let t = 0; t < wave.length; t++) expect(r.paid[t]).toBeGreaterThanOrEqual(r.capacity[t]);
  });

  test('a higher target from step 200 uses fewer instances after it, at the price of more unserved load', () => {
    const base = simulateGroup(wave, 0, 60, config);
    const seen: number[] = [];
    const raised = simulateGroup(wave, 0, 60, config, undefined, 0, (v) => {
      seen.push(v.targetUtilization);
      return v.step === 200 ? { targetUtilization: 0.9 } : undefined;
    });
    const after = (r: typeof base) =>
      Array.from(r.paid)
        .slice(260)
        .reduce((x, y) => x + y, 0);
    expect(after(raised)).toBeLessThan(after(base) * 0.7);
    expect(raised.unservedLoad).toBeGreaterThanOrEqual(base.unservedLoad);
    expect(seen[199]).toBe(0.5);
    expect(seen[201]).toBe(0.9);
  });

  test('a MaxSize cap terminates at once and holds; lifting it lets target tracking scale out again', () => {
    const r = simulateGroup(wave, 0, 60, config, undefined, 0, (v) =>
      v.step === 100 ? { maxSize: 3 } : v.step === 300 ? { maxSize: 20 } : undefined,
    );
    for (let t = 102; t <= 300; t++) expect(r.paid[t]).toBeLessThanOrEqual(3);
    expect(Math.max(...Array.from(r.capacity).slice(320))).toBeGreaterThan(3);
  });

  test('MinSize and a desired capacity set directly are kept within the bounds', () => {
    const r = simulateGroup(Array(100).fill(1), 0, 60, config, undefined, 0, (v) => (v.step === 10 ? { minSize: 30, desired: 50 } : undefined));
    expect(Math.max(...Array.from(r.paid))).toBe(20);
    expect(r.capacity[99]).toBe(20);
  });
});
