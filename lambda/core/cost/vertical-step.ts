import { percentile, validSamples } from './capacity-planning';
import { fmt, type DecisionContext } from './decision-context';

/**
 * Vertical rightsizing: one step down the instance-type ladder when the CPU p95 over the window is
 * under the band, one step up when the median is over it (not under budget pressure), at most
 * once per interval and only with enough utilization data; an instance refresh the last change
 * still lacks comes first, and nothing happens while a refresh of the group runs.
 */
export function applyVerticalStep(ctx: DecisionContext): void {
  const { input, st, pressure, actions, notes } = ctx;
  const { now, group, policy } = input;
  const v = policy.vertical;
  if (!v) return;
  if (group.runningInstanceRefresh !== undefined) {
    // Its type is not the group's until it succeeds (a rollback keeps the old one); a pending
    // change is judged, and the next one decided, once it has ended.
    notes.push(`vertical: an instance refresh of the group is ${group.runningInstanceRefresh}: no change and no new refresh until it ends`);
    return;
  }
  if (
    st.pendingRefresh &&
    st.pendingInstanceType !== undefined &&
    group.instanceType !== undefined &&
    group.instanceType !== st.pendingInstanceType
  ) {
    // The run that decided the change wrote its intent and stopped before the group's launch
    // template (or the refresh's desired configuration) carried the new type: nothing to refresh.
    // The interval it started is void (a change is allowed only once the one before it is older
    // than the interval, so no earlier change is forgotten).
    notes.push(
      `vertical: the last change to ${st.pendingInstanceType} never reached the group (it launches ${group.instanceType}): the run that made it stopped first; decided again`,
    );
    delete st.pendingRefresh;
    delete st.pendingInstanceType;
    delete st.lastVerticalAt;
  }
  if (st.pendingRefresh) {
    actions.push({ kind: 'start-instance-refresh', reason: 'the last instance type change has no instance refresh yet' });
  } else if (group.instanceType === undefined) {
    notes.push('vertical: the group has no single launch template instance type (mixed instances policy?): not rightsized');
  } else {
    const idx = v.ladder.indexOf(group.instanceType);
    const wait = Math.max(v.minIntervalMs, v.windowMs);
    const windowSamples = validSamples(input.utilization).filter((s) => s.t >= now - v.windowMs && s.t <= now);
    const coverage = (windowSamples.length * input.utilizationPeriodSeconds * 1000) / v.windowMs;
    const minCoverage = policy.offHours ? 0.25 : 0.5;
    if (idx < 0) {
      notes.push(`vertical: instance type ${group.instanceType} is not on the ladder ${v.ladder.join(' < ')}`);
    } else if (st.lastVerticalAt !== undefined && now - st.lastVerticalAt < wait) {
      notes.push(`vertical: last change ${fmt((now - st.lastVerticalAt) / 3_600_000)} h ago, next allowed after ${fmt(wait / 3_600_000)} h`);
    } else if (coverage < minCoverage) {
      notes.push(`vertical: utilization data covers ${fmt(coverage * 100)}% of the window (< ${minCoverage * 100}%): no change`);
    } else {
      const cpu = windowSamples.map((s) => s.cpuPercent);
      const p95 = percentile(cpu, 95);
      const p50 = percentile(cpu, 50);
      const hours = fmt(v.windowMs / 3_600_000);
      if (p95 < v.lowerPercent && idx > 0) {
        actions.push({
          kind: 'change-instance-type',
          from: group.instanceType,
          to: v.ladder[idx - 1],
          direction: 'down',
          reason: `CPU p95 ${fmt(p95)}% < ${v.lowerPercent}% over ${hours} h: one step down ${group.instanceType} -> ${v.ladder[idx - 1]}`,
        });
      } else if (p50 > v.upperPercent && idx < v.ladder.length - 1) {
        if (pressure === 'over') {
          notes.push(`vertical: CPU median ${fmt(p50)}% > ${v.upperPercent}% but the budget forecast is over: no step up`);
        } else {
          actions.push({
            kind: 'change-instance-type',
            from: group.instanceType,
            to: v.ladder[idx + 1],
            direction: 'up',
            reason: `CPU median ${fmt(p50)}% > ${v.upperPercent}% over ${hours} h: one step up ${group.instanceType} -> ${v.ladder[idx + 1]}`,
          });
        }
      } else {
        notes.push(
          `vertical: CPU p95 ${fmt(p95)}% / median ${fmt(p50)}% over ${hours} h within the band [${v.lowerPercent}%, ${v.upperPercent}%] or at the ladder's end`,
        );
      }
      const change = actions.find((a) => a.kind === 'change-instance-type');
      if (change?.kind === 'change-instance-type') {
        st.lastVerticalAt = now;
        st.pendingRefresh = true;
        st.pendingInstanceType = change.to;
      }
    }
  }
}
