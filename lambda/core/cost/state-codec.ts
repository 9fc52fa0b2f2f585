import type { CostState, OriginalSettings } from './types';

/**
 * The state as one compact string (it is kept in a tag value on the group: at most 256
 * characters, of which the handler's signature takes 29). Short keys; a version field so that a
 * future format can read an older one.
 */
const VERSION = 1;
export const MAX_ENCODED_STATE_LENGTH = 256 - 29;

interface Wire {
  v: number;
  /** Original settings; mn/mx/d are left out when the bounds are derivable (the construct's baseline). */
  o?: { mn?: number; mx?: number; d?: number; tu?: number; od?: number };
  c?: number;
  fl?: number;
  tu?: number;
  od?: number;
  off?: number;
  vt?: number;
  bt?: number;
  pr?: 1;
  pt?: string;
  pm?: [number, number, number];
  tm?: [number, number];
  wm?: number[];
  /** Budget changes today: [UTC day since the epoch, count]. */
  dc?: [number, number];
  /** The CPU target and on-demand share a change written ahead sets, until its call is confirmed. */
  ptu?: number;
  pod?: number;
}

/** The state could not be read: it is left as it is and the run changes nothing. */
export class CostStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostStateError';
  }
}

/** How a state is encoded. */
export interface EncodeOptions {
  /**
   * The original MinSize/MaxSize/desired capacity are derivable (from the construct's baseline and
   * the group's own schedules): they are not kept, only what cannot be derived is.
   */
  readonly boundsDerivable?: boolean;
}

export function encodeCostState(s: CostState, opts: EncodeOptions = {}): string {
  const w: Wire = { v: VERSION };
  if (s.original) {
    const o = s.original;
    const wo: NonNullable<Wire['o']> = {};
    if (!opts.boundsDerivable) {
      // What is written must read back: an unreadable tag stops the controller until deleted.
      if (!(o.minSize <= o.maxSize)) throw new CostStateError(`original MinSize ${o.minSize} is above original MaxSize ${o.maxSize}`);
      Object.assign(wo, { mn: o.minSize, mx: o.maxSize, d: o.desiredCapacity });
    }
    if (o.targetUtilization !== undefined) wo.tu = o.targetUtilization;
    if (o.onDemandPercent !== undefined) wo.od = o.onDemandPercent;
    if (Object.keys(wo).length > 0) w.o = wo;
  }
  if (s.cap !== undefined) w.c = s.cap;
  if (s.floor !== undefined) w.fl = s.floor;
  if (s.targetUtilization !== undefined) w.tu = s.targetUtilization;
  if (s.onDemandPercent !== undefined) w.od = s.onDemandPercent;
  if (s.offHoursCapacity !== undefined) w.off = s.offHoursCapacity;
  // Seconds are enough for the interval checks and keep the tag short.
  if (s.lastVerticalAt !== undefined) w.vt = Math.floor(s.lastVerticalAt / 1000);
  if (s.lastBudgetStepAt !== undefined) w.bt = Math.floor(s.lastBudgetStepAt / 1000);
  if (s.pendingRefresh) w.pr = 1;
  if (s.pendingRefresh && s.pendingInstanceType !== undefined) w.pt = s.pendingInstanceType;
  if (s.priceMark)
    w.pm = [Math.floor(s.priceMark.t / 1000), Math.round(s.priceMark.spend * 100) / 100, Math.round(s.priceMark.instanceHours * 10) / 10];
  if (s.targetMean) w.tm = [Math.round(s.targetMean.percent * 100) / 100, Math.floor(s.targetMean.t / 1000)];
  if (s.writtenMaxSizes && s.writtenMaxSizes.length > 0) w.wm = [...new Set(s.writtenMaxSizes)].slice(-2);
  if (s.changesToday && s.changesToday.count > 0) w.dc = [s.changesToday.day, s.changesToday.count];
  if (s.pendingTargetUtilization !== undefined) w.ptu = s.pendingTargetUtilization;
  if (s.pendingOnDemandPercent !== undefined) w.pod = s.pendingOnDemandPercent;
  const text = JSON.stringify(w);
  if (text.length > MAX_ENCODED_STATE_LENGTH)
    throw new CostStateError(`encoded state is ${text.length} characters, more than ${MAX_ENCODED_STATE_LENGTH}`);
  return text;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isPercent = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 100;

/**
 * Parses an encoded state; throws CostStateError naming what is wrong. `derived`: the original
 * bounds when they are derivable (a state written with `boundsDerivable` does not carry them; one
 * that does is read with them replaced).
 */
export function decodeCostState(text: string, derived?: { minSize: number; maxSize: number; desiredCapacity: number }): CostState {
  let w: Wire;
  try {
    w = JSON.parse(text) as Wire;
  } catch (e) {
    throw new CostStateError(`state is not JSON: ${(e as Error).message}`);
  }
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new CostStateError('state is not a JSON object');
  if (w.v !== VERSION) throw new CostStateError(`state version ${String(w.v)} is not supported (expected ${VERSION})`);
  const bad = (what: string, v: unknown) => new CostStateError(`state field ${what} is invalid: ${JSON.stringify(v)}`);
  let original: OriginalSettings | undefined;
  if (w.o !== undefined) {
    const o = w.o;
    if (typeof o !== 'object' || o === null) throw bad('o', o);
    const carried = o.mn !== undefined || o.mx !== undefined || o.d !== undefined;
    if (carried || !derived) {
      if (!isCount(o.mn)) throw bad('o.mn', o.mn);
      if (!isCount(o.mx) || o.mx < o.mn) throw bad('o.mx', o.mx);
      if (!isCount(o.d)) throw bad('o.d', o.d);
    }
    if (o.tu !== undefined && !isPercent(o.tu)) throw bad('o.tu', o.tu);
    if (o.od !== undefined && !isPercent(o.od)) throw bad('o.od', o.od);
    const bounds = derived ?? { minSize: o.mn!, maxSize: o.mx!, desiredCapacity: o.d! };
    original = {
      minSize: bounds.minSize,
      maxSize: bounds.maxSize,
      desiredCapacity: bounds.desiredCapacity,
      ...(o.tu !== undefined ? { targetUtilization: o.tu } : {}),
      ...(o.od !== undefined ? { onDemandPercent: o.od } : {}),
    };
  }
  if (w.c !== undefined && !isCount(w.c)) throw bad('c', w.c);
  if (w.fl !== undefined && !isCount(w.fl)) throw bad('fl', w.fl);
  if (w.off !== undefined && !isCount(w.off)) throw bad('off', w.off);
  if (w.tu !== undefined && !isPercent(w.tu)) throw bad('tu', w.tu);
  if (w.od !== undefined && !isPercent(w.od)) throw bad('od', w.od);
  if (w.vt !== undefined && !isCount(w.vt)) throw bad('vt', w.vt);
  if (w.bt !== undefined && !isCount(w.bt)) throw bad('bt', w.bt);
  if (w.pt !== undefined && !(typeof w.pt === 'string' && /^[a-z0-9-]+\.[a-z0-9-]+$/.test(w.pt))) throw bad('pt', w.pt);
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (w.pm !== undefined && !(Array.isArray(w.pm) && w.pm.length === 3 && isCount(w.pm[0]) && finite(w.pm[1]) && finite(w.pm[2])))
    throw bad('pm', w.pm);
  if (w.tm !== undefined && !(Array.isArray(w.tm) && w.tm.length === 2 && isPercent(w.tm[0]) && isCount(w.tm[1]))) throw bad('tm', w.tm);
  if (w.wm !== undefined && !(Array.isArray(w.wm) && w.wm.length <= 2 && w.wm.every(isCount))) throw bad('wm', w.wm);
  if (w.dc !== undefined && !(Array.isArray(w.dc) && w.dc.length === 2 && isCount(w.dc[0]) && isCount(w.dc[1]))) throw bad('dc', w.dc);
  if (w.ptu !== undefined && !isPercent(w.ptu)) throw bad('ptu', w.ptu);
  if (w.pod !== undefined && !isPercent(w.pod)) throw bad('pod', w.pod);
  // A pending change keeps the original settings as an override does: they are what it restores to.
  const overrides = [w.c, w.fl, w.tu, w.od, w.off, w.ptu, w.pod].some((x) => x !== undefined);
  if (overrides && !original && derived) original = { ...derived };
  if (overrides && !original) throw new CostStateError('state has overrides but no original settings to restore');
  return {
    ...(original && overrides ? { original } : {}),
    ...(w.c !== undefined ? { cap: w.c } : {}),
    ...(w.fl !== undefined ? { floor: w.fl } : {}),
    ...(w.tu !== undefined ? { targetUtilization: w.tu } : {}),
    ...(w.od !== undefined ? { onDemandPercent: w.od } : {}),
    ...(w.off !== undefined ? { offHoursCapacity: w.off } : {}),
    ...(w.vt !== undefined ? { lastVerticalAt: w.vt * 1000 } : {}),
    ...(w.bt !== undefined ? { lastBudgetStepAt: w.bt * 1000 } : {}),
    ...(w.pr === 1 ? { pendingRefresh: true } : {}),
    ...(w.pr === 1 && w.pt !== undefined ? { pendingInstanceType: w.pt } : {}),
    ...(w.tm !== undefined ? { targetMean: { percent: w.tm[0], t: w.tm[1] * 1000 } } : {}),
    ...(w.wm !== undefined && w.wm.length > 0 ? { writtenMaxSizes: w.wm } : {}),
    ...(w.dc !== undefined ? { changesToday: { day: w.dc[0], count: w.dc[1] } } : {}),
    ...(w.pm !== undefined ? { priceMark: { t: w.pm[0] * 1000, spend: w.pm[1], instanceHours: w.pm[2] } } : {}),
    ...(w.ptu !== undefined ? { pendingTargetUtilization: w.ptu } : {}),
    ...(w.pod !== undefined ? { pendingOnDemandPercent: w.pod } : {}),
  };
}
