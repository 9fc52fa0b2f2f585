/**
 * A small evaluator for the 5-field cron recurrences of Auto Scaling scheduled actions
 * (`minute hour day-of-month month day-of-week`, Unix cron as AWS documents it for
 * `Recurrence`), in an IANA time zone through `Intl` (UTC when none). Pure: no Node built-ins.
 *
 * Supported: `*`, numbers, ranges `a-b`, steps `* /n` and `a-b/n` and `a/n`, lists `a,b`, month
 * names JAN-DEC and day names SUN-SAT; day of week 0-7 (0 and 7 are Sunday). As in Unix cron,
 * when both day of month and day of week are restricted a day matches either.
 */

/** A parsed recurrence. */
export interface Cron {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

/** A recurrence that cannot be read. */
export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(
  text: string,
  lo: number,
  hi: number,
  names: readonly string[] | undefined,
  nameBase: number,
  what: string,
): { values: number[]; restricted: boolean } {
  const out = new Set<number>();
  const num = (s: string): number => {
    const i = names ? names.indexOf(s.toUpperCase()) : -1;
    if (i >= 0) return i + nameBase;
    if (!/^\d+$/.test(s)) throw new CronError(`${what} '${s}' is not a number${names ? ' or name' : ''}`);
    const n = Number(s);
    if (n < lo || n > hi) throw new CronError(`${what} ${n} is outside ${lo}-${hi}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`${what} step '${stepText}' must be a positive integer`);
    let a: number;
    let b: number;
    if (range === '*' || range === '?') {
      a = lo;
      b = hi;
    } else if (range.includes('-')) {
      const [x, y] = range.split('-');
      a = num(x);
      b = num(y);
      if (a > b) throw new CronError(`${what} range ${range} is reversed`);
    } else {
      a = num(range);
      b = stepText === undefined ? a : hi;
    }
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return { values: [...out].sort((x, y) => x - y), restricted: text !== '*' && text !== '?' };
}

/**
 * Whether `name` is an IANA time zone this runtime knows (a canonical name such as
 * 'Europe/Berlin' or an alias such as 'UTC', 'Etc/GMT+9' or 'US/Eastern'), written as the
 * database writes it: 'Berlin', 'europe/berlin', 'Mars/Olympus' and offsets such as '+01:00'
 * are not. `Intl.supportedValuesOf('timeZone')` lists only canonical names (no 'UTC', no 'Etc/*'),
 * so the check asks `Intl.DateTimeFormat`, which also knows the aliases.
 */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) return false;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Intl matches case-insensitively: a name that resolves to itself in another case is misspelt.
    return resolved === name || resolved.toLowerCase() !== name.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Why a recurrence and time zone cannot be read by {@link parseCron} and the time zone
 * arithmetic, or undefined when both can: the one check of a schedule, shared by the constructs
 * (at synthesis) and the handlers.
 */
export function scheduleProblem(recurrence: string, timeZone?: string): string | undefined {
  try {
    parseCron(recurrence);
  } catch (e) {
    return (e as Error).message;
  }
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    return `time zone '${timeZone}' is not an IANA time zone name (e.g. 'Europe/Berlin', 'America/New_York', 'UTC')`;
  }
  return undefined;
}

/** Parses a 5-field recurrence; throws {@link CronError} naming the field. */
export function parseCron(expression: string): Cron {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`recurrence '${expression}' must have 5 fields (minute hour day-of-month month day-of-week)`);
  const [mi, h, dom, mo, dow] = parts;
  const days = field(dow, 0, 7, DAYS, 0, 'day of week');
  return {
    minutes: field(mi, 0, 59, undefined, 0, 'minute').values,
    hours: field(h, 0, 23, undefined, 0, 'hour').values,
    daysOfMonth: new Set(field(dom, 1, 31, undefined, 0, 'day of month').values),
    months: new Set(field(mo, 1, 12, MONTHS, 1, 'month').values),
    daysOfWeek: new Set(days.values.map((d) => d % 7)),
    domRestricted: dom !== '*' && dom !== '?',
    dowRestricted: days.restricted,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset (ms) of the time zone from UTC at instant `t`. */
function offsetAt(t: number, timeZone: string | undefined): number {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of a local wall-clock time (a time skipped by a DST change maps to the instant after the gap). */
function localToUtc(wall: number, timeZone: string | undefined): number {
  const o1 = offsetAt(wall, timeZone);
  const t1 = wall - o1;
  const o2 = offsetAt(t1, timeZone);
  return o2 === o1 ? t1 : wall - o2;
}

const DAY_MS = 86_400_000;

function dayMatches(c: Cron, wallDay: number): boolean {
  const d = new Date(wallDay);
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const dom = c.daysOfMonth.has(d.getUTCDate());
  const dow = c.daysOfWeek.has(d.getUTCDay());
  if (c.domRestricted && c.dowRestricted) return dom || dow;
  if (c.domRestricted) return dom;
  if (c.dowRestricted) return dow;
  return true;
}

/** The instants of the day's occurrences (wall day = local midnight as if UTC), ascending. */
function dayOccurrences(c: Cron, wallDay: number, timeZone: string | undefined): number[] {
  const out: number[] = [];
  for (const h of c.hours) for (const m of c.minutes) out.push(localToUtc(wallDay + h * 3_600_000 + m * 60_000, timeZone));
  return out;
}

/**
 * The latest occurrence at or before `t`, searching back at most `maxDays` days (undefined when
 * none: a recurrence that has not fired in that time is not in force).
 */
export function lastOccurrence(c: Cron, t: number, timeZone?: string, maxDays = 400): number | undefined {
  const wallNow = t + offsetAt(t, timeZone);
  let day = Math.floor(wallNow / DAY_MS) * DAY_MS;
  for (let i = 0; i <= maxDays; i++, day -= DAY_MS) {
    if (!dayMatches(c, day)) continue;
    const occ = dayOccurrences(c, day, timeZone).filter((x) => x <= t);
    if (occ.length > 0) return occ[occ.length - 1];
  }
  return undefined;
}

/** The occurrences in (from, to], ascending. */
export function occurrencesBetween(c: Cron, from: number, to: number, timeZone?: string): number[] {
  const out: number[] = [];
  if (!(to > from)) return out;
  let day = Math.floor((from + offsetAt(from, timeZone)) / DAY_MS) * DAY_MS - DAY_MS;
  const lastDay = Math.floor((to + offsetAt(to, timeZone)) / DAY_MS) * DAY_MS + DAY_MS;
  for (; day <= lastDay; day += DAY_MS) {
    if (!dayMatches(c, day)) continue;
    for (const x of dayOccurrences(c, day, timeZone)) if (x > from && x <= to) out.push(x);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The first occurrence after `t`, searching ahead at most `maxDays` days (undefined when none). */
export function nextOccurrence(c: Cron, t: number, timeZone?: string, maxDays = 400): number | undefined {
  let day = Math.floor((t + offsetAt(t, timeZone)) / DAY_MS) * DAY_MS - DAY_MS;
  for (let i = 0; i <= maxDays + 1; i++, day += DAY_MS) {
    if (!dayMatches(c, day)) continue;
    const occ = dayOccurrences(c, day, timeZone).filter((x) => x > t);
    if (occ.length > 0) return Math.min(...occ);
  }
  return undefined;
}
