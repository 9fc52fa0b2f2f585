import { percentile, planCostCapacity, validSamples } from './capacity-planning';
import type {
  BudgetPressure,
  CostCapacityPlan,
  CostAction,
  CostDecision,
  CostDecisionInput,
  CostPolicy,
  CostState,
  GroupSnapshot,
  OriginalSettings,
} from './types';
import { forecastSpend } from './spend-forecast';
import { planSpend, type SpendPlan } from './spend-plan';
import { workingCapacityNeeded, localTime } from './working-hours';

type MutableState = { -readonly [K in keyof CostState]: CostState[K] };
type MutableOriginal = { -readonly [K in keyof OriginalSettings]: OriginalSettings[K] };

function snapshot(group: GroupSnapshot): MutableOriginal {
  return {
    // AWS never reports MinSize > MaxSize, an emulator may: the state never records it (it would
    // be an unreadable tag, and a restore AWS refuses).
    minSize: Math.min(group.minSize, group.maxSize),
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    ...(group.targetUtilization !== undefined ? { targetUtilization: group.targetUtilization } : {}),
    ...(group.onDemandPercent !== undefined ? { onDemandPercent: group.onDemandPercent } : {}),
  };
}

function hasOverrides(s: CostState): boolean {
  return s.cap !== undefined || s.targetUtilization !== undefined || s.onDemandPercent !== undefined || s.offHoursCapacity !== undefined;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Brings the remembered state in line with the group as found. A setting that is not what the
 * controller last applied was changed by someone else (a deployment, an operator): that value
 * becomes the new original and the controller's override of it is dropped.
 */
function reconcile(prev: CostState | undefined, group: GroupSnapshot, notes: string[], fromBaseline: boolean): MutableState {
  const st: MutableState = { ...(prev ?? {}) };
  if (!st.original || !hasOverrides(st)) {
    delete st.original;
    delete st.cap;
    delete st.targetUtilization;
    delete st.onDemandPercent;
    delete st.offHoursCapacity;
    return st;
  }
  const orig: MutableOriginal = { ...st.original };
  const expMax = st.offHoursCapacity ?? st.cap ?? orig.maxSize;
  const expMin = st.offHoursCapacity ?? Math.min(orig.minSize, expMax);
  if (fromBaseline) {
    // The originals come from the construct's baseline: the bounds the controller intends are
    // its state, and the handler converges the group to them (a run that died between its
    // writes is completed, not adopted).
  } else if (group.maxSize !== expMax) {
    notes.push(
      `MinSize/MaxSize are ${group.minSize}/${group.maxSize}, not the ${expMin}/${expMax} last applied: changed outside the controller, adopted as the original settings`,
    );
    orig.minSize = Math.min(group.minSize, group.maxSize);
    orig.maxSize = group.maxSize;
    orig.desiredCapacity = group.desiredCapacity;
    delete st.cap;
    delete st.offHoursCapacity;
  } else if (group.minSize !== expMin) {
    // MinSize moves under the cap by design: scheduled actions (the predictive scaler's raised
    // floors) set it. Taking that as an outside change would drop the cap and adopt the capped
    // MaxSize and a raised floor as the originals (a ratchet): the overrides and originals stay.
    notes.push(
      `MinSize is ${group.minSize}, not the ${expMin} last applied, under the MaxSize ${expMax} last applied: a scheduled action (e.g. the predictive scaler) or an operator moved the floor; overrides and original settings kept`,
    );
  }
  const expTarget = st.targetUtilization ?? orig.targetUtilization;
  if (group.targetUtilization !== expTarget) {
    if (st.targetUtilization !== undefined || group.targetUtilization !== undefined) {
      notes.push(
        `target utilization is ${group.targetUtilization ?? 'unset'}, not the ${expTarget ?? 'unset'} last applied: adopted as the original`,
      );
    }
    if (group.targetUtilization === undefined) delete orig.targetUtilization;
    else orig.targetUtilization = group.targetUtilization;
    delete st.targetUtilization;
  }
  const expOnDemand = st.onDemandPercent ?? orig.onDemandPercent;
  if (group.onDemandPercent !== expOnDemand) {
    if (st.onDemandPercent !== undefined || group.onDemandPercent !== undefined) {
      notes.push(
        `on-demand percentage is ${group.onDemandPercent ?? 'unset'}, not the ${expOnDemand ?? 'unset'} last applied: adopted as the original`,
      );
    }
    if (group.onDemandPercent === undefined) delete orig.onDemandPercent;
    else orig.onDemandPercent = group.onDemandPercent;
    delete st.onDemandPercent;
  }
  st.original = orig;
  return st;
}

function pressureOf(plan: CostCapacityPlan, policy: CostPolicy): BudgetPressure {
  const pct = plan.forecastPercentOfLimit;
  if (pct === undefined || !Number.isFinite(pct)) return 'unknown';
  if (pct > policy.tightenAbovePercent) return 'over';
  if (pct < policy.restoreBelowPercent) return 'under';
  return 'hold';
}

const DEFAULT_PLANNING_UTILIZATION = 70;
const PRICE_MARK_REFRESH_MS = 48 * 3_600_000;
const TARGET_MEAN_TAU_MS = 12 * 3_600_000;

/**
 * The exponential mean (12 h) of the CPU target in force, kept while it differs from the current
 * target by 0.1 point or more: the target read now has been in force since the last run.
 */
function updateTargetMean(st: MutableState, now: number, current: number | undefined): void {
  if (current === undefined) {
    delete st.targetMean;
    return;
  }
  const prev = st.targetMean;
  if (!prev) return;
  const a = 1 - Math.exp(-Math.max(0, now - prev.t) / TARGET_MEAN_TAU_MS);
  const percent = Math.round((prev.percent + a * (current - prev.percent)) * 100) / 100;
  if (Math.abs(percent - current) < 0.1) delete st.targetMean;
  else st.targetMean = { percent, t: now };
}
/** Most points the spend plan lowers the CPU target in one run. */
const MAX_TARGET_MOVE = 5;

/**
 * The spend plan from the usage history, when there is a day of it with load and a price can be
 * learned (spend and instance-hours of the period); undefined otherwise (the threshold steps on
 * the Budgets forecast then decide). Updates the price mark in the state.
 */
function planFromUsage(
  input: CostDecisionInput,
  orig: OriginalSettings,
  base: CostCapacityPlan,
  st: MutableState,
): { plan: SpendPlan; capacityPlan: CostCapacityPlan; baseTarget: number } | undefined {
  const { budget, policy, group, now } = input;
  if (!budget || !input.usageHistory || input.usageHistory.length === 0 || !(budget.limit > 0)) return undefined;
  const baseTarget = orig.targetUtilization ?? group.targetUtilization ?? policy.planningUtilizationPercent ?? DEFAULT_PLANNING_UTILIZATION;
  const currentTarget = group.targetUtilization ?? baseTarget;
  const mark = st.priceMark && st.priceMark.t >= budget.periodStart && st.priceMark.t < now ? st.priceMark : undefined;
  const f = forecastSpend({
    now,
    periodStart: budget.periodStart,
    periodEnd: budget.periodEnd,
    actualSpend: budget.actualSpend,
    budgetsForecast: budget.forecastedSpend,
    history: input.usageHistory,
    currentTargetPercent: currentTarget,
    minimumInstances: Math.min(orig.minSize, orig.maxSize),
    priceMark: mark,
    ...(st.targetMean ? { historyTargetPercent: st.targetMean.percent } : {}),
  });
  if (f.historyDays < 1 || !(f.pricePerInstanceHour > 0) || f.hours.length === 0) return undefined;
  if (!mark || now - mark.t >= PRICE_MARK_REFRESH_MS) st.priceMark = { t: now, spend: budget.actualSpend, instanceHours: f.instanceHoursToDate };
  const mode = policy.budgetMode ?? 'hard';
  const emergency = policy.emergencyUtilizationPercent / 100;
  const next24 = f.load.slice(0, 24);
  const forecastNeed = next24.length ? Math.ceil(Math.max(...next24) / emergency - 1e-9) : 0;
  const loadNeedCap = Math.max(base.minimumCapForLoad ?? 0, forecastNeed);
  const maxTarget =
    policy.targetUtilization && group.targetUtilization !== undefined ? Math.max(baseTarget, policy.targetUtilization.maxPercent) : baseTarget;
  const plan = planSpend({
    forecast: f,
    limit: budget.limit,
    actualSpend: budget.actualSpend,
    mode,
    baseTargetPercent: baseTarget,
    maxTargetPercent: maxTarget,
    maxSize: orig.maxSize,
    floor: Math.min(policy.floorCapacity, orig.maxSize),
    loadNeedCap,
    margin: (policy.planMarginPercent ?? 2) / 100,
    currentInstances: group.desiredCapacity,
  });
  const capacityPlan: CostCapacityPlan = {
    ...base,
    expectedMonthEndCost: plan.uncontrolledMonthEnd,
    forecastSource: 'usage-history',
    forecastPercentOfLimit: (plan.uncontrolledMonthEnd / budget.limit) * 100,
    budgetMode: mode,
    plannedMonthEndCost: plan.plannedMonthEnd,
    forecastOverrunPercent: plan.overrunPercent,
    plannedTargetPercent: plan.targetPercent,
    ...(plan.cap !== undefined ? { plannedCap: plan.cap } : {}),
    plannedInstancesNext24h: plan.hourlyInstances.slice(0, 24).map((n) => Math.round(n * 10) / 10),
    pricePerInstanceHour: f.pricePerInstanceHour,
    trendPerDay: f.trendPerDay,
    planReason: plan.reason,
  };
  return { plan, capacityPlan, baseTarget };
}

/**
 * Decides the cost optimizer's actions for one run. Pure and deterministic.
 *
 * Guarantees (checked by property tests): MaxSize is never set below the SLO floor (or the
 * original MaxSize when that is lower) nor above the configured maximum (or the original
 * MaxSize); MinSize <= MaxSize and the desired capacity within them; restoring never goes past
 * the original settings; capacity is never lowered for the budget without utilization data.
 */
export function decideCost(input: CostDecisionInput): CostDecision {
  const { now, group, policy } = input;
  const notes: string[] = [];
  const actions: CostAction[] = [];
  const st = reconcile(input.state, group, notes, input.baseline !== undefined);
  // The mean target in force matters only to the usage-history forecast.
  const tracksTarget = (input.usageHistory?.length ?? 0) > 0;
  updateTargetMean(st, now, tracksTarget ? group.targetUtilization : undefined);
  const orig: MutableOriginal = st.original ? { ...st.original } : snapshot(group);
  if (input.baseline) {
    const b = input.baseline;
    orig.minSize = Math.min(b.minSize, b.maxSize);
    orig.maxSize = b.maxSize;
    orig.desiredCapacity = Math.min(b.maxSize, Math.max(orig.minSize, b.desiredCapacity ?? group.desiredCapacity));
  }
  const basePlan = planCostCapacity(now, input.budget, group, input.utilization, policy);
  const spendPlan = planFromUsage(input, orig, basePlan, st);
  const plan: CostCapacityPlan = spendPlan ? spendPlan.capacityPlan : basePlan;
  const pressure = pressureOf(plan, policy);

  // The most the controller ever sets, and the least.
  const restoreMax = orig.maxSize;
  const floor = Math.min(policy.floorCapacity, restoreMax);
  const capStep = Math.max(1, Math.ceil((orig.maxSize * policy.capStepPercent) / 100));

  const finish = (): CostDecision => {
    if (hasOverrides(st)) st.original = orig;
    else delete st.original;
    // A target change starts the mean of the target in force from the one being left.
    if (!st.targetMean && tracksTarget && group.targetUtilization !== undefined && actions.some((a) => a.kind === 'set-target-utilization')) {
      st.targetMean = { percent: group.targetUtilization, t: now };
    }
    return { actions, state: st, pressure, plan, notes };
  };

  // Off-hours for non-production environments.
  if (policy.offHours) {
    const wh = policy.offHours.workingHours;
    const needed = workingCapacityNeeded(now, wh, policy.offHours.restoreLeadMs);
    const local = localTime(now, wh);
    const where = `local time ${hhmm(local.minute)} day ${local.day}, working hours ${hhmm(wh.startMinute)}-${hhmm(wh.endMinute)} on days ${wh.days.join(',')}`;
    if (!needed) {
      if (st.offHoursCapacity === undefined) {
        st.offHoursCapacity = floor;
        actions.push({
          kind: 'set-capacity',
          minSize: floor,
          maxSize: floor,
          desiredCapacity: floor,
          reason: `off-hours (${where}): holding the floor of ${floor} instance(s) until working hours`,
        });
      } else {
        notes.push(`off-hours (${where}): group held at ${st.offHoursCapacity}`);
      }
      notes.push('budget and vertical levers wait for working hours');
      return finish();
    }
    if (st.offHoursCapacity !== undefined) {
      delete st.offHoursCapacity;
      const maxSize = Math.max(floor, Math.min(st.cap ?? restoreMax, restoreMax));
      const minSize = Math.min(orig.minSize, maxSize);
      actions.push({
        kind: 'set-capacity',
        minSize,
        maxSize,
        desiredCapacity: clamp(orig.desiredCapacity, minSize, maxSize),
        reason: `working hours begin within ${Math.round(policy.offHours.restoreLeadMs / 60000)} min (${where}): restoring ${minSize}/${maxSize} (min/max)${st.cap !== undefined ? ' under the budget cap' : ''}`,
      });
      notes.push('budget and vertical levers wait for the next run after restoring from off-hours');
      return finish();
    }
  }

  // Budget levers.
  const pctText =
    plan.forecastPercentOfLimit !== undefined
      ? `expected month-end cost ${fmt(plan.expectedMonthEndCost!)} is ${fmt(plan.forecastPercentOfLimit)}% of the ${fmt(plan.budgetLimit!)} limit (${plan.forecastSource})`
      : 'no spend data';
  const curMax = st.cap ?? restoreMax;
  const latest = validSamples(input.utilization)
    .filter((s) => s.t <= now)
    .pop();
  const saturated = latest !== undefined && latest.cpuPercent >= policy.emergencyUtilizationPercent;
  const loadFloor = plan.minimumCapForLoad === undefined ? undefined : Math.min(restoreMax, Math.max(floor, plan.minimumCapForLoad));

  const setCap = (maxSize: number, reason: string) => {
    // MinSize is not a budget lever: a floor raised under the cap (the predictive scaler's
    // scheduled MinSize ahead of a ramp) is kept, the original restored, both within the new cap.
    const minSize = Math.min(Math.max(group.minSize, orig.minSize), maxSize);
    const desired = group.desiredCapacity > maxSize ? maxSize : group.desiredCapacity < minSize ? minSize : undefined;
    actions.push({ kind: 'set-capacity', minSize, maxSize, ...(desired !== undefined ? { desiredCapacity: desired } : {}), reason });
    if (maxSize >= orig.maxSize) delete st.cap;
    else st.cap = maxSize;
  };

  // A group saturated under the cap hides how much load there really is (CPU cannot show more
  // than 100%): the cap goes up a whole step at once, and at least to what the load is seen to need.
  const raiseSaturated = (why: string) => {
    const next = Math.min(restoreMax, Math.max(loadFloor ?? 0, st.cap! + capStep));
    setCap(
      next,
      `latest CPU ${fmt(latest!.cpuPercent)}% >= emergency utilization ${policy.emergencyUtilizationPercent}% under the cap: raising it ${st.cap} -> ${next} ${why}`,
    );
  };

  const stepInterval = policy.budgetStepIntervalMs ?? 0;
  const sinceStep = st.lastBudgetStepAt === undefined ? Infinity : now - st.lastBudgetStepAt;
  const settling = (pressure === 'over' || (pressure === 'under' && hasOverrides(st))) && sinceStep < stepInterval;
  const budgetActionsBefore = actions.length;

  if (spendPlan) {
    // The spend plan: the target and the cap the rest of the period may use, every run.
    const sp = spendPlan.plan;
    const mode = policy.budgetMode ?? 'hard';
    const cuts = sp.targetPercent > spendPlan.baseTarget + 1e-9 || sp.cap !== undefined;
    if (policy.spot && group.onDemandPercent !== undefined) {
      const cur = st.onDemandPercent ?? group.onDemandPercent;
      if (cuts && sinceStep >= stepInterval) {
        const next = Math.max(policy.spot.minOnDemandPercent, cur - policy.spot.stepPercent);
        if (next < cur) {
          actions.push({
            kind: 'set-on-demand-percent',
            percent: next,
            reason: `${sp.reason}: shifting on-demand share ${cur}% -> ${next}% toward Spot`,
          });
          st.onDemandPercent = next;
        }
      } else if (!cuts && st.onDemandPercent !== undefined && orig.onDemandPercent !== undefined && sinceStep >= stepInterval) {
        const next = Math.min(orig.onDemandPercent, st.onDemandPercent + policy.spot.stepPercent);
        actions.push({
          kind: 'set-on-demand-percent',
          percent: next,
          reason: `${sp.reason}: restoring on-demand share ${st.onDemandPercent}% -> ${next}% (original ${orig.onDemandPercent}%)`,
        });
        if (next >= orig.onDemandPercent) delete st.onDemandPercent;
        else st.onDemandPercent = next;
      }
    }
    if (policy.targetUtilization && group.targetUtilization !== undefined) {
      const cur = group.targetUtilization;
      // Up at once (spending less is always safe for the budget), down at most MAX_TARGET_MOVE points
      // per run: one low forecast must not swing the group back and forth.
      const planned = Math.min(Math.max(spendPlan.baseTarget, policy.targetUtilization.maxPercent), Math.max(spendPlan.baseTarget, sp.targetPercent));
      const next = Math.round(Math.max(cur - MAX_TARGET_MOVE, planned) * 10) / 10;
      if (Math.abs(next - cur) >= 0.5 || (next !== cur && next === spendPlan.baseTarget)) {
        actions.push({
          kind: 'set-target-utilization',
          percent: next,
          reason: `${sp.reason}: CPU target ${cur}% -> ${next}%${next === spendPlan.baseTarget ? ' (original)' : ''}`,
        });
        if (next > spendPlan.baseTarget) st.targetUtilization = next;
        else delete st.targetUtilization;
      }
    }
    let wantCap = Math.max(floor, Math.min(restoreMax, sp.cap ?? restoreMax));
    if (mode === 'availability-first' && loadFloor !== undefined) wantCap = Math.max(wantCap, loadFloor);
    if (mode === 'availability-first' && st.cap !== undefined && saturated && wantCap <= st.cap) {
      raiseSaturated('(availability first)');
    } else if (wantCap < curMax && loadFloor === undefined) {
      notes.push(`${sp.reason}, but no utilization data: capacity is not lowered without it`);
    } else if (wantCap !== curMax) {
      const why =
        wantCap < curMax
          ? `capping MaxSize ${curMax} -> ${wantCap} (${mode}; floor ${floor}${loadFloor !== undefined ? `, the load needs ${loadFloor} at ${policy.emergencyUtilizationPercent}% utilization` : ''})`
          : `raising MaxSize ${curMax} -> ${wantCap}${wantCap >= restoreMax ? ' (original)' : ''}`;
      setCap(wantCap, `${sp.reason}: ${why}`);
    } else {
      notes.push(`${sp.reason}; plan holds${st.cap !== undefined ? ` MaxSize ${st.cap}` : ''}`);
    }
    if (sp.overrunPercent > 0) notes.push(`forecast overrun ${fmt(sp.overrunPercent)}% of the limit (${mode})`);
    if (cuts && actions.length > budgetActionsBefore) st.lastBudgetStepAt = now;
  } else if (settling) {
    notes.push(
      `${pctText}: last budget step ${fmt(sinceStep / 3_600_000)} h ago, the next one after ${fmt(stepInterval / 3_600_000)} h (the forecast must reflect it first)`,
    );
    if (st.cap !== undefined && saturated) raiseSaturated('while the last budget step settles');
    else if (st.cap !== undefined && loadFloor !== undefined && loadFloor > st.cap) {
      setCap(
        loadFloor,
        `peak load needs ${loadFloor} instance(s) at ${policy.emergencyUtilizationPercent}% utilization: raising the cap ${st.cap} -> ${loadFloor}`,
      );
    }
  } else if (pressure === 'over') {
    if (policy.spot && group.onDemandPercent !== undefined) {
      const cur = st.onDemandPercent ?? group.onDemandPercent;
      const next = Math.max(policy.spot.minOnDemandPercent, cur - policy.spot.stepPercent);
      if (next < cur) {
        actions.push({
          kind: 'set-on-demand-percent',
          percent: next,
          reason: `${pctText}: shifting on-demand share ${cur}% -> ${next}% toward Spot`,
        });
        st.onDemandPercent = next;
      } else notes.push(`on-demand share already at its lowest allowed (${cur}%)`);
    }
    if (loadFloor === undefined) {
      notes.push(`${pctText}, but no utilization data: capacity is not lowered without it`);
    } else {
      if (policy.targetUtilization && group.targetUtilization !== undefined) {
        const cur = group.targetUtilization;
        const next = Math.min(policy.targetUtilization.maxPercent, cur + policy.targetUtilization.stepPercent);
        if (next > cur) {
          actions.push({ kind: 'set-target-utilization', percent: next, reason: `${pctText}: raising target utilization ${cur}% -> ${next}%` });
          st.targetUtilization = next;
        } else notes.push(`target utilization already at its highest allowed (${cur}%)`);
      }
      if (saturated && st.cap !== undefined) {
        raiseSaturated('despite budget pressure');
      } else if (loadFloor > curMax) {
        setCap(
          loadFloor,
          `peak load needs ${loadFloor} instance(s) at ${policy.emergencyUtilizationPercent}% utilization: raising the cap ${curMax} -> ${loadFloor} despite budget pressure`,
        );
      } else if (saturated) {
        notes.push(`latest CPU ${fmt(latest.cpuPercent)}% >= emergency utilization ${policy.emergencyUtilizationPercent}%: cap not lowered`);
      } else {
        const next = Math.max(loadFloor, curMax - capStep);
        if (next < curMax) {
          setCap(
            next,
            `${pctText}: capping MaxSize ${curMax} -> ${next} (floor ${floor}, peak load needs ${plan.minimumCapForLoad} at ${policy.emergencyUtilizationPercent}% utilization)`,
          );
        } else notes.push(`MaxSize ${curMax} already at the lowest the load allows (${loadFloor})`);
      }
    }
  } else if (pressure === 'under') {
    if (st.cap !== undefined) {
      const next = Math.min(restoreMax, Math.max(st.cap + capStep, loadFloor ?? 0, saturated ? st.cap + capStep : 0));
      setCap(
        next,
        `${pctText}, below the ${policy.restoreBelowPercent}% restore threshold: restoring MaxSize ${st.cap} -> ${next} (original ${orig.maxSize})`,
      );
    }
    if (st.targetUtilization !== undefined && orig.targetUtilization !== undefined && policy.targetUtilization) {
      const next = Math.max(orig.targetUtilization, st.targetUtilization - policy.targetUtilization.stepPercent);
      actions.push({
        kind: 'set-target-utilization',
        percent: next,
        reason: `${pctText}: restoring target utilization ${st.targetUtilization}% -> ${next}% (original ${orig.targetUtilization}%)`,
      });
      if (next <= orig.targetUtilization) delete st.targetUtilization;
      else st.targetUtilization = next;
    }
    if (st.onDemandPercent !== undefined && orig.onDemandPercent !== undefined && policy.spot) {
      const next = Math.min(orig.onDemandPercent, st.onDemandPercent + policy.spot.stepPercent);
      actions.push({
        kind: 'set-on-demand-percent',
        percent: next,
        reason: `${pctText}: restoring on-demand share ${st.onDemandPercent}% -> ${next}% (original ${orig.onDemandPercent}%)`,
      });
      if (next >= orig.onDemandPercent) delete st.onDemandPercent;
      else st.onDemandPercent = next;
    }
    if (!hasOverrides(st) && actions.length === 0) notes.push(`${pctText}: within budget, nothing to restore`);
  } else {
    if (pressure === 'hold') {
      notes.push(`${pctText}: inside the hysteresis band [${policy.restoreBelowPercent}%, ${policy.tightenAbovePercent}%], holding`);
    } else {
      notes.push('no spend data: budget levers hold');
    }
    // Whatever the budget says, the cap never stays below what the load needs.
    if (st.cap !== undefined && saturated) {
      raiseSaturated('while holding');
    } else if (st.cap !== undefined && loadFloor !== undefined && loadFloor > st.cap) {
      setCap(
        loadFloor,
        `peak load needs ${loadFloor} instance(s) at ${policy.emergencyUtilizationPercent}% utilization: raising the cap ${st.cap} -> ${loadFloor}`,
      );
    }
  }

  if (!spendPlan && stepInterval > 0 && (pressure === 'over' || pressure === 'under') && !settling && actions.length > budgetActionsBefore)
    st.lastBudgetStepAt = now;

  // Vertical rightsizing.
  const v = policy.vertical;
  if (v) {
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
        if (actions.some((a) => a.kind === 'change-instance-type')) {
          st.lastVerticalAt = now;
          st.pendingRefresh = true;
        }
      }
    }
  }
  return finish();
}
