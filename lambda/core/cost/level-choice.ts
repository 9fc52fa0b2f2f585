/**
 * How the spend plan splits the money the CPU target leaves: between headroom in proportion to the
 * load (a lower target) and a capacity floor (the troughs filled up to a level), judged on the
 * group's own recent samples.
 *
 * Target tracking follows the load with a lag (alarms over a few minutes, then the launch), so a
 * burst above the capacity in place is lost until it catches up. The capacity in place at a sample
 * is max(floor, headroom x the load of the samples 10 to 20 minutes before / target): a burst
 * larger than the target's headroom over the level before it needs a floor, one that grows with
 * the level is served as well by the target. The loss of a split is the load above that capacity,
 * summed over the samples (a saturated sample shows at most the capacity it had: the real loss is
 * larger, for every split alike).
 *
 * Pure: no AWS, no clock.
 */
import { validSamples } from './capacity-planning';
import type { UtilizationSample } from './types';

/** Samples back (at the sampling period) that target tracking's capacity follows: from LAG_FROM to LAG_TO periods of 5 minutes. */
const LAG_FROM_MS = 10 * 60_000;
const LAG_TO_MS = 20 * 60_000;

/** The load each sample carried (busy instances), in time order, from utilization samples with instance counts. */
export function sampleLoads(samples: readonly UtilizationSample[]): Array<{ t: number; load: number }> {
  return validSamples(samples)
    .filter((s) => s.instances !== undefined && Number.isFinite(s.instances) && s.instances > 0)
    .map((s) => ({ t: s.t, load: (s.cpuPercent / 100) * s.instances! }))
    .sort((a, b) => a.t - b.t);
}

/**
 * Load lost over `loads` (busy-instance samples in time order) at a CPU target (percent) over a
 * floor (instances), with target tracking's `headroom`; in busy-instance samples.
 */
export function lossAt(loads: ReadonlyArray<{ t: number; load: number }>, headroom: number, targetPercent: number, floor: number): number {
  const u = Math.max(1, targetPercent) / 100;
  let lost = 0;
  let j = 0;
  for (let i = 0; i < loads.length; i++) {
    const { t, load } = loads[i];
    while (j < i && loads[j].t < t - LAG_TO_MS) j++;
    let before = -1;
    for (let k = j; k < i && loads[k].t <= t - LAG_FROM_MS; k++) before = Math.max(before, loads[k].load);
    if (before < 0) continue; // no sample the capacity could have followed
    const capacity = Math.max(floor, (headroom * before) / u);
    lost += Math.max(0, load - capacity);
  }
  return lost;
}
