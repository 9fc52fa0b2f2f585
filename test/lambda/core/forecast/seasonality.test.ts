import { autocorrelation, detectSeasonality } from '../../../../lambda/core/forecast/seasonality';
import { DAY, daily, noise, series, weekly } from '../synthetic-load';

describe('detectSeasonality', () => {
  test('finds a daily shape', () => {
    const s = detectSeasonality(series(10, daily), 60);
    expect(s.kind).toBe('daily');
    expect(s.periodSteps).toBe(DAY);
    expect(s.dailyStrength).toBeGreaterThan(0.8);
  });

  test('finds a weekly shape (quiet weekends) once eight days are known', () => {
    const s = detectSeasonality(series(14, weekly), 60);
    expect(s.kind).toBe('weekly');
    expect(s.periodSteps).toBe(7 * DAY);
    expect(s.weeklyGain).toBeGreaterThan(0.15);
  });

  test('a weekly shape needs more than a week of data to be told from a daily one', () => {
    expect(detectSeasonality(series(6, weekly), 60).kind).not.toBe('weekly');
  });

  test('finds no shape in noise, nor in a trend or a level shift', () => {
    const rnd = noise(7);
    expect(
      detectSeasonality(
        series(10, () => 100, 0.3),
        60,
      ).kind,
    ).toBe('none');
    expect(
      detectSeasonality(
        series(10, (i) => 50 + i / 100),
        60,
      ).kind,
    ).toBe('none');
    expect(
      detectSeasonality(
        series(10, (i) => (i < 5 * DAY ? 100 : 300) + 10 * rnd()),
        60,
      ).kind,
    ).toBe('none');
  });

  test('copes with gaps and a day-long outage', () => {
    const values = series(12, daily);
    for (let i = 3 * DAY; i < 4 * DAY; i++) values[i] = 0.5;
    for (let i = 0; i < values.length; i += 7) values[i] = NaN;
    expect(detectSeasonality(values, 60).kind).toBe('daily');
  });

  test('works on five-minute data and says none for too little or unusable data', () => {
    const fiveMinute = series(10, daily).filter((_, i) => i % 5 === 0);
    expect(detectSeasonality(fiveMinute, 300)).toMatchObject({ kind: 'daily', periodSteps: 288 });
    expect(detectSeasonality(series(1, daily), 60).kind).toBe('none');
    expect(detectSeasonality([], 60).kind).toBe('none');
    expect(detectSeasonality(new Array(20_000).fill(NaN), 60).kind).toBe('none');
    expect(detectSeasonality(series(3, daily), 7200).kind).toBe('none');
  });
});

describe('autocorrelation', () => {
  test('is 1 at the period of a sine and about -1 at half of it', () => {
    const x = Array.from({ length: 480 }, (_, i) => Math.sin((2 * Math.PI * i) / 24));
    expect(autocorrelation(x, 24)).toBeCloseTo(1, 5);
    expect(autocorrelation(x, 12)).toBeCloseTo(-1, 5);
    expect(autocorrelation([1, 2], 1)).toBeNaN();
  });
});
