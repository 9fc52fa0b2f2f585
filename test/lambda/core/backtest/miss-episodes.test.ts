import * as fc from 'fast-check';
import { MISS_ORIGINS, missEpisodes, summarizeMisses } from '../../../../lambda/core/backtest/miss-episodes';

const DAY = 1440;

/** A flat load of 10 against 2 instances of 10 for `days` days; `set` writes loads at minutes. */
function group(days: number, set: Record<number, number> = {}): { load: Float64Array; capacity: Float64Array } {
  const load = new Float64Array(days * DAY).fill(10);
  for (const [m, v] of Object.entries(set)) load[Number(m)] = v;
  return { load, capacity: new Float64Array(load.length).fill(2) };
}

const options = { capacityPerInstance: 10, stepSeconds: 60 };

describe('missEpisodes: the episodes of load above the capacity in service', () => {
  test('no load above the capacity: no episode, and a summary of zeros', () => {
    const { load, capacity } = group(2);
    const episodes = missEpisodes(load, capacity, options);
    expect(episodes).toEqual([]);
    const s = summarizeMisses(episodes, 1000);
    expect(s.unservedShare).toBe(0);
    expect(s.largest).toBeUndefined();
    for (const k of MISS_ORIGINS) expect(s.byOrigin[k]).toEqual({ episodes: 0, unservedShare: 0 });
  });

  test('misses up to 5 minutes apart are one episode, 6 minutes apart two; the unserved load is the load above the capacity', () => {
    const at = DAY + 600;
    const { load, capacity } = group(2, { [at]: 25, [at + 5]: 30, [at + 11]: 22 });
    const episodes = missEpisodes(load, capacity, options);
    expect(episodes).toHaveLength(2);
    const [first, second] = episodes;
    expect(first).toMatchObject({ start: at, end: at + 5, overloadedSteps: 2, unserved: 15, peakLoad: 30, minInService: 2 });
    expect(second).toMatchObject({ start: at + 11, end: at + 11, overloadedSteps: 1, unserved: 2, peakLoad: 22 });
    // largest first
    expect(first.unserved).toBeGreaterThan(second.unserved);
  });

  test('gaps on either side are skipped, `from` leaves out what comes before it, and an empty group misses its whole load', () => {
    const at = DAY + 100;
    const { load, capacity } = group(2, { 50: 40, [at]: 30, [at + 1]: NaN, [at + 2]: 35, [at + 3]: 30 });
    capacity[at + 3] = NaN;
    capacity[at + 200] = 0;
    const episodes = missEpisodes(load, capacity, { ...options, from: DAY });
    expect(episodes.map((e) => [e.start, e.end, e.overloadedSteps, e.unserved])).toEqual([
      [at, at + 2, 2, 25],
      [at + 200, at + 200, 1, 10],
    ]);
  });

  test('the origin: the last two hours, the same time of day on the days before, the record, else new (within 1.5x)', () => {
    const at = 3 * DAY + 720;
    const cases: Array<[string, Record<number, number>]> = [
      // 60 an hour before: 90 is within 1.5x of the recent past
      ['recent', { [at - 60]: 60, [at]: 90 }],
      // quiet for two hours, but 70 at 12:20 two days before
      ['time-of-day', { [at - 2 * DAY + 20]: 70, [at]: 90 }],
      // seen at another hour (3:00 the day before), not at this time of day nor recently
      ['record', { [at - DAY - 9 * 60]: 80, [at]: 90 }],
      // 50 at that hour the day before: 90 is more than 1.5x of it
      ['new', { [at - DAY]: 50, [at]: 90 }],
    ];
    for (const [origin, set] of cases) {
      const { load, capacity } = group(4, set);
      const [e] = missEpisodes(load, capacity, { ...options, from: 3 * DAY });
      expect({ origin: e.origin, start: e.start }).toEqual({ origin, start: at });
    }
    // the peaks behind it, for the last case
    const { load, capacity } = group(4, { [at - DAY]: 50, [at]: 90 });
    expect(missEpisodes(load, capacity, options)[0]).toMatchObject({ recentPeak: 10, timeOfDayPeak: 50, recordPeak: 50 });
  });

  test('exactly 1.5x is still shown; reachFactor, days, windows and history are options', () => {
    const at = 3 * DAY + 720;
    const { load, capacity } = group(4, { [at - DAY + 40]: 60, [at]: 90 });
    expect(missEpisodes(load, capacity, options)[0].origin).toBe('record');
    // a wider time-of-day window reaches the 60 of 40 minutes later the day before
    expect(missEpisodes(load, capacity, { ...options, timeOfDaySeconds: 3600 })[0].origin).toBe('time-of-day');
    // 75 is exactly 1.5x of 50
    const exact = group(4, { [at - 30]: 50, [at]: 75 });
    expect(missEpisodes(exact.load, exact.capacity, options)[0].origin).toBe('recent');
    expect(missEpisodes(exact.load, exact.capacity, { ...options, reachFactor: 1.4 })[0].origin).toBe('new');
    // a record older than the history does not count
    const old = group(4, { [at - 2 * DAY - 300]: 80, [at]: 90 });
    expect(missEpisodes(old.load, old.capacity, options)[0].origin).toBe('record');
    expect(missEpisodes(old.load, old.capacity, { ...options, historySeconds: 86_400 })[0].origin).toBe('new');
    expect(missEpisodes(old.load, old.capacity, { ...options, days: 0, historySeconds: 0 })[0]).toMatchObject({
      timeOfDayPeak: 0,
      recordPeak: 0,
      origin: 'new',
    });
  });

  test('an episode under way at `from` keeps its start: its own load before `from` is not what the metric had shown', () => {
    const at = 3 * DAY;
    const set: Record<number, number> = {};
    for (let k = -10; k < 10; k++) set[at + k] = 90;
    const { load, capacity } = group(4, set);
    const [e] = missEpisodes(load, capacity, { ...options, from: at });
    expect(e).toMatchObject({ start: at - 10, end: at + 9, overloadedSteps: 10, unserved: 700, recentPeak: 10, origin: 'new' });
  });

  test('infinite loads are no datapoint, a negative count in service is none, and steps join only within joinSeconds', () => {
    const { load, capacity } = group(1, { 0: Infinity, 100: 500, 200: 30 });
    capacity[200] = -1;
    const episodes = missEpisodes(load, capacity, options);
    expect(episodes.map((e) => [e.start, e.recordPeak, e.origin, e.minInService, e.unserved])).toEqual([
      [100, 10, 'new', 2, 480],
      [200, 500, 'recent', 0, 30],
    ]);
    // 90 seconds joins steps a minute apart, not two minutes apart; 0 still joins consecutive steps
    const gapped = group(1, { 3: 30, 4: 30, 6: 30, 9: 30 });
    const spans = (joinSeconds: number) => missEpisodes(gapped.load, gapped.capacity, { ...options, joinSeconds }).map((e) => [e.start, e.end]);
    expect(spans(90).sort((a, b) => a[0] - b[0])).toEqual([
      [3, 4],
      [6, 6],
      [9, 9],
    ]);
    expect(spans(0).sort((a, b) => a[0] - b[0])).toEqual([
      [3, 4],
      [6, 6],
      [9, 9],
    ]);
    expect(spans(120).sort((a, b) => a[0] - b[0])).toEqual([
      [3, 6],
      [9, 9],
    ]);
  });

  test('summarizeMisses: the shares by origin add up to the unserved share, and the largest episode', () => {
    const at = 3 * DAY + 720;
    const { load, capacity } = group(4, { [at - 60]: 60, [at]: 90, [at + 300]: 300 });
    capacity[at - 60] = 6; // carried
    const episodes = missEpisodes(load, capacity, { ...options, from: 3 * DAY });
    const s = summarizeMisses(episodes, 10_000);
    expect(s.byOrigin.recent).toEqual({ episodes: 1, unservedShare: 70 / 10_000 });
    expect(s.byOrigin.new).toEqual({ episodes: 1, unservedShare: 280 / 10_000 });
    expect(s.unservedShare).toBeCloseTo(350 / 10_000, 12);
    expect(s.largest?.start).toBe(at + 300);
  });

  test('invalid options are rejected, naming the option and the value', () => {
    const { load, capacity } = group(1);
    expect(() => missEpisodes(load, capacity, { ...options, capacityPerInstance: 0 })).toThrow(
      /capacityPerInstance must be a finite number > 0 \(got 0\)/,
    );
    expect(() => missEpisodes(load, capacity, { ...options, stepSeconds: NaN })).toThrow(/stepSeconds .*\(got NaN\)/);
    expect(() => missEpisodes(load, capacity, { ...options, reachFactor: 0.5 })).toThrow(/reachFactor must be a finite number >= 1 \(got 0.5\)/);
    expect(() => missEpisodes(load, capacity, { ...options, days: 1.5 })).toThrow(/days must be a whole number \(got 1.5\)/);
    expect(() => missEpisodes(load, capacity, { ...options, joinSeconds: -1 })).toThrow(/joinSeconds must be a finite number >= 0 \(got -1\)/);
  });

  test('property: the episodes cover every miss once, apart from each other, largest first', () => {
    const point = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(NaN));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(point, fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(NaN))), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 10 }),
        (rows, from, joinMinutes) => {
          const load = Float64Array.from(rows.map((r) => r[0]));
          const capacity = Float64Array.from(rows.map((r) => r[1]));
          const episodes = missEpisodes(load, capacity, { capacityPerInstance: 10, stepSeconds: 60, from, joinSeconds: 60 * joinMinutes });
          let expected = 0;
          let steps = 0;
          for (let t = from; t < load.length; t++) {
            if (!Number.isFinite(load[t]) || !Number.isFinite(capacity[t])) continue;
            const miss = load[t] - 10 * capacity[t];
            if (miss > 0) {
              expected += miss;
              steps++;
            }
          }
          const total = episodes.reduce((a, e) => a + e.unserved, 0);
          expect(total).toBeCloseTo(expected, 6);
          expect(episodes.reduce((a, e) => a + e.overloadedSteps, 0)).toBe(steps);
          const byStart = [...episodes].sort((a, b) => a.start - b.start);
          for (let i = 1; i < byStart.length; i++) expect(byStart[i].start - byStart[i - 1].end).toBeGreaterThan(Math.max(1, joinMinutes));
          for (let i = 1; i < episodes.length; i++) expect(episodes[i].unserved).toBeLessThanOrEqual(episodes[i - 1].unserved);
          for (const e of episodes) {
            expect(e.end).toBeGreaterThanOrEqual(from);
            expect(MISS_ORIGINS).toContain(e.origin);
          }
        },
      ),
    );
  });
});
