/**
 * The cost optimizer's contract: plain data in, actions with reasons out. No AWS types.
 * Capacities are instance counts; percentages are 0..100; instants are epoch milliseconds.
 */

/** The month's budget as AWS Budgets (or Cost Explorer) reports it. */
export interface BudgetSnapshot {
  /** The month's budget limit (e.g. USD). */
  readonly limit: number;
  /** Spend from the start of the period up to now. */
  readonly actualSpend: number;
  /**
   * Forecasted spend at the end of the period (AWS Budgets' ForecastedSpend). Leave undefined
   * (or 0, which AWS Budgets reports while it has too little history) to extrapolate the
   * actual spend linearly over the period.
   */
  readonly forecastedSpend?: number;
  /** Start of the budget period. */
  readonly periodStart: number;
  /** End of the budget period (exclusive). */
  readonly periodEnd: number;
}

/** The group's current settings, as read from the service. */
export interface GroupSnapshot {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** Instance type of the launch template version the group uses (undefined for mixed instances groups). */
  readonly instanceType?: string;
  /** OnDemandPercentageAboveBaseCapacity when the group has a mixed instances policy. */
  readonly onDemandPercent?: number;
  /** Target value (percent) of the managed target tracking policy, when one is managed. */
  readonly targetUtilization?: number;
  /**
   * Status of the group's instance refresh while one runs ('Pending', 'InProgress', 'Baking',
   * 'Cancelling', 'RollbackInProgress'): AWS refuses another meanwhile, and the instance type it
   * rolls out is not yet the group's.
   */
  readonly runningInstanceRefresh?: string;
}

/** One utilization datapoint of the group. */
export interface UtilizationSample {
  /** Start of the datapoint's period. */
  readonly t: number;
  /** Average CPU utilization of the group's instances in the period, percent. */
  readonly cpuPercent: number;
  /** Instances in service in the period, when known (GroupInServiceInstances). */
  readonly instances?: number;
}

/** Working hours of an environment; outside them a non-production environment runs at its floor. */
export interface WorkingHoursInMinutes {
  /** Days with working hours, 0 = Sunday .. 6 = Saturday. */
  readonly days: readonly number[];
  /** Minutes after local midnight when working hours start (e.g. 8 * 60). */
  readonly startMinute: number;
  /** Minutes after local midnight when working hours end (exclusive; > startMinute). */
  readonly endMinute: number;
  /** IANA time zone (e.g. 'Europe/Berlin'); takes precedence over utcOffsetMinutes. */
  readonly timeZone?: string;
  /** Fixed offset from UTC in minutes (e.g. -300 for UTC-5) when no time zone is given. @default 0 */
  readonly utcOffsetMinutes?: number;
}

/**
 * @deprecated Use {@link WorkingHoursInMinutes} (the core's form, minutes of the day); the
 * construct prop is `WorkingHoursOptions` ('HH:MM'). Removed in 0.3.0.
 */
export type WorkingHours = WorkingHoursInMinutes;

/**
 * What a budget is: `hard`, a limit (month-end spend <= the limit; capacity gives way down to the
 * floor), or `availability-first`, a warning (capacity is never capped below what the load needs
 * at the emergency utilization; a forecast overrun is reported in the decision).
 */
export type BudgetModeValue = 'hard' | 'availability-first';

/** How the controller may act. */
export interface CostPolicy {
  /**
   * Hard budget or availability first (see {@link BudgetModeValue}).
   * @default 'hard'
   */
  readonly budgetMode?: BudgetModeValue;
  /**
   * Share of the remaining budget (percent) the spend plan holds back against forecast error.
   * @default 2
   */
  readonly planMarginPercent?: number;
  /**
   * The level's split (spend plan): the least share (percent) of the load the recent samples lost
   * that a split with more capacity floor must save over one with less to be chosen. Chosen
   * leave-one-trace-out by `npm run bench:cost`.
   * @default 10
   */
  readonly floorGainPercent?: number;
  /**
   * No churn: the least change of the remaining month's spend (percent of the money left) worth a
   * change of the CPU target or the cap. The settings in force hold while they spend within that
   * band below the money left; a change lands in the middle of the band. A change the hard limit
   * needs (the settings in force overrun the money left) is never held.
   * @default 4
   */
  readonly minChangePercent?: number;
  /**
   * No churn: at most this many budget changes (CPU target, cap, on-demand share) per UTC day; more
   * wait for the next day, except a change the hard limit needs and a raise the load needs
   * (availability first). @default 6
   */
  readonly maxChangesPerDay?: number;
  /**
   * The SLO floor: capacity that must always remain. The controller never sets MaxSize below it
   * (nor above the group's own MaxSize, the configured maximum, which it only restores).
   */
  readonly floorCapacity: number;
  /** Load is never capped below what it needs at this utilization (percent). */
  readonly emergencyUtilizationPercent: number;
  /** How far back the peak load is taken for capping and capacity planning (ms). */
  readonly loadLookbackMs: number;
  /** Forecast above this percentage of the limit: tighten. */
  readonly tightenAbovePercent: number;
  /** Forecast below this percentage of the limit: restore one step (hysteresis band in between). */
  readonly restoreBelowPercent: number;
  /** One cap step as a percentage of the original MaxSize (at least one instance). */
  readonly capStepPercent: number;
  /**
   * The least time between two budget steps (tighten or restore), so that the spend forecast,
   * which AWS Budgets refreshes a few times a day, reflects one step before the next is taken.
   * Raises that protect the load are never delayed. @default 0 (a step every run)
   */
  readonly budgetStepIntervalMs?: number;
  /** Raising the managed target tracking policy's target under budget pressure. */
  readonly targetUtilization?: {
    /** Highest target the controller may set (percent). */
    readonly maxPercent: number;
    /** Points per step. */
    readonly stepPercent: number;
  };
  /** Shifting a mixed instances group's on-demand share toward Spot under budget pressure. */
  readonly spot?: {
    /** Lowest OnDemandPercentageAboveBaseCapacity the controller may set. */
    readonly minOnDemandPercent: number;
    /** Points per step. */
    readonly stepPercent: number;
  };
  /** Non-production off-hours: the group runs at the floor outside working hours. */
  readonly offHours?: {
    readonly workingHours: WorkingHoursInMinutes;
    /** Capacity is restored this long before working hours start (ms). */
    readonly restoreLeadMs: number;
  };
  /** Vertical rightsizing along an instance-type ladder. */
  readonly vertical?: {
    /** Instance types, smallest first. */
    readonly ladder: readonly string[];
    /** Utilization persistently below this (the window's 95th percentile) moves one step down. */
    readonly lowerPercent: number;
    /** Utilization persistently above this (the window's median) moves one step up. */
    readonly upperPercent: number;
    /** The window the utilization is judged over (ms). */
    readonly windowMs: number;
    /** At most one vertical change per this period (ms). */
    readonly minIntervalMs: number;
  };
  /**
   * Utilization (percent) capacity planning assumes when the group has no managed target.
   * @default 70
   */
  readonly planningUtilizationPercent?: number;
}

/** The settings the controller found before it changed anything, so that it can restore them. */
export interface OriginalSettings {
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly targetUtilization?: number;
  readonly onDemandPercent?: number;
}

/** What the controller remembers between runs (kept on the group, see the handler). */
export interface CostState {
  /** The settings before the controller's overrides; present while any override is. */
  readonly original?: OriginalSettings;
  /** MaxSize cap set under budget pressure. */
  readonly cap?: number;
  /** MinSize the spend plan's level set (the troughs filled up to it with money the CPU target leaves); present while it is in force. */
  readonly floor?: number;
  /** Target utilization set under budget pressure. */
  readonly targetUtilization?: number;
  /** On-demand percentage set under budget pressure. */
  readonly onDemandPercent?: number;
  /** The capacity the group is held at outside working hours; present while it is. */
  readonly offHoursCapacity?: number;
  /** When the last budget step (tighten or restore) was taken. */
  readonly lastBudgetStepAt?: number;
  /** When the last vertical change was made. */
  readonly lastVerticalAt?: number;
  /** An instance refresh is still to be started for the last vertical change. */
  readonly pendingRefresh?: boolean;
  /**
   * The instance type the last vertical change moves the group to, while its refresh is pending:
   * a run that finds the group's launch template on another type knows the change never reached
   * the group (the run that decided it stopped first) and decides again.
   */
  readonly pendingInstanceType?: string;
  /** The period's spend and instance-hours at an earlier run: the marginal price per instance-hour. */
  readonly priceMark?: { readonly t: number; readonly spend: number; readonly instanceHours: number };
  /** Budget changes made on one UTC day (days since the epoch), for the daily limit. */
  readonly changesToday?: { readonly day: number; readonly count: number };
  /**
   * The CPU target in force over the last hours, as an exponential mean (12 h), while it differs
   * from the current target: the forecast's conversion from load to instances is learned against it.
   */
  readonly targetMean?: { readonly percent: number; readonly t: number };
  /**
   * The MaxSize values the controller's last write may have left the group at (the one found
   * before it and the one written): a MaxSize among them is the controller's, not an operator's.
   */
  readonly writtenMaxSizes?: readonly number[];
  /**
   * The CPU target a change written ahead of its call sets, until the call is confirmed (not made
   * yet, failed, or its run stopped first): the group has either this target or the one the state
   * keeps (`targetUtilization`, or the original's), and the next run takes whichever it finds as
   * the controller's, not as an outside change. The original settings are kept while it is set.
   */
  readonly pendingTargetUtilization?: number;
  /** The on-demand share a change written ahead of its call sets, until the call is confirmed (as `pendingTargetUtilization`). */
  readonly pendingOnDemandPercent?: number;
}

/** Everything one decision is made from. */
export interface CostDecisionInput {
  readonly now: number;
  /** Undefined when no spend data is available: budget levers then hold. */
  readonly budget?: BudgetSnapshot;
  readonly group: GroupSnapshot;
  /** Utilization datapoints, oldest first (NaN values are ignored). */
  readonly utilization: readonly UtilizationSample[];
  /** Seconds per utilization datapoint. */
  readonly utilizationPeriodSeconds: number;
  /**
   * The group's usage history for the period-end forecast: hourly CPU utilization and instances in
   * service (GroupInServiceInstances) from `usageHistoryStart(now)` (the start of the UTC year, or
   * 35 days back when that is earlier): the model reads the last 35 days, the price the period's.
   * Without a day of it the controller falls back to threshold steps on the Budgets forecast.
   */
  readonly usageHistory?: readonly UtilizationSample[];
  readonly policy: CostPolicy;
  /** The previous run's state; undefined on the first run. */
  readonly state?: CostState;
  /**
   * The user's bounds in force now (the configured baseline as the group's own schedules leave
   * it, from the capacity model): what is restored. When given, MinSize/MaxSize/desired are never
   * taken from the live group nor from the state, and a live MaxSize that differs from what the
   * controller intends is not adopted as an outside change (the handler converges it).
   */
  readonly baseline?: { readonly minSize: number; readonly maxSize: number; readonly desiredCapacity?: number };
}

/** Sets MinSize, MaxSize and DesiredCapacity together (one UpdateAutoScalingGroup). */
export interface SetCapacityAction {
  readonly kind: 'set-capacity';
  readonly minSize: number;
  readonly maxSize: number;
  /** Set only when the current desired capacity is outside the new bounds, or to restore it. */
  readonly desiredCapacity?: number;
  readonly reason: string;
}

/** Sets the managed target tracking policy's target value. */
export interface SetTargetUtilizationAction {
  readonly kind: 'set-target-utilization';
  readonly percent: number;
  readonly reason: string;
}

/** Sets a mixed instances group's OnDemandPercentageAboveBaseCapacity. */
export interface SetOnDemandPercentAction {
  readonly kind: 'set-on-demand-percent';
  readonly percent: number;
  readonly reason: string;
}

/** Moves the group one step along the instance-type ladder (new launch template version + instance refresh). */
export interface ChangeInstanceTypeAction {
  readonly kind: 'change-instance-type';
  readonly from: string;
  readonly to: string;
  readonly direction: 'down' | 'up';
  readonly reason: string;
}

/** Starts the instance refresh a previous vertical change could not start. */
export interface StartInstanceRefreshAction {
  readonly kind: 'start-instance-refresh';
  readonly reason: string;
}

export type CostAction =
  SetCapacityAction | SetTargetUtilizationAction | SetOnDemandPercentAction | ChangeInstanceTypeAction | StartInstanceRefreshAction;

/** The budget's standing. */
export type BudgetPressure = 'over' | 'hold' | 'under' | 'unknown';

/** Capacity planning output, published as metrics. */
export interface CostCapacityPlan {
  /** Expected spend at the end of the period; undefined without spend data. */
  readonly expectedMonthEndCost?: number;
  /** Where the expectation comes from. */
  readonly forecastSource?: 'budgets' | 'extrapolated' | 'usage-history';
  /** The budget mode the decision was made in. */
  readonly budgetMode?: 'hard' | 'availability-first';
  /** Month-end spend with the spend plan (usage-history forecast only). */
  readonly plannedMonthEndCost?: number;
  /**
   * How far the planned month-end spend exceeds the limit, percent of the limit (0 when within);
   * an alarm metric: in availability-first mode the load's need, in hard mode the floor, can
   * make it positive.
   */
  readonly forecastOverrunPercent?: number;
  /** The CPU target the plan uses now (percent). */
  readonly plannedTargetPercent?: number;
  /** The MaxSize cap the plan uses now (undefined: the configured MaxSize). */
  readonly plannedCap?: number;
  /** Instances the plan allows for each of the next 24 hours. */
  readonly plannedInstancesNext24h?: number[];
  /** Price per instance-hour the forecast uses. */
  readonly pricePerInstanceHour?: number;
  /** The forecast's trend, change of the load per day as a fraction of its level. */
  readonly trendPerDay?: number;
  /** Why the plan is what it is. */
  readonly planReason?: string;
  readonly budgetLimit?: number;
  /** expectedMonthEndCost / budgetLimit * 100. */
  readonly forecastPercentOfLimit?: number;
  /** Peak load of the lookback window in busy instances (CPU% x instances / 100). */
  readonly peakLoadInstances?: number;
  /** Instances the peak load needs at the planning utilization (never below the floor). */
  readonly peakCapacityNeeded?: number;
  /** Instances the peak load needs at the emergency utilization: the lowest cap allowed. */
  readonly minimumCapForLoad?: number;
}

/** The controller's decision. */
export interface CostDecision {
  readonly actions: CostAction[];
  /** The state to keep for the next run. */
  readonly state: CostState;
  readonly pressure: BudgetPressure;
  readonly plan: CostCapacityPlan;
  /** Why levers held (no action), one line each. */
  readonly notes: string[];
  /**
   * The forecast overrun (percent of the limit, 0 within) if MaxSize stays at `maxSize` for the
   * rest of the period at the planned CPU target: what the month costs when a bound the decision
   * does not set (a scheduled MinSize, a pending floor, an operator) holds MaxSize above the plan's
   * cap. Present when the spend plan decided (usage history).
   */
  readonly overrunAtMaxSize?: (maxSize: number) => number;
}
