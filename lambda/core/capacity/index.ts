// The capacity model shared by both scaler handlers: the group's own schedules and the one precedence rule.
export { CronError, isTimeZone, lastOccurrence, nextOccurrence, occurrencesBetween, parseCron, scheduleProblem } from './cron';
export type { Cron } from './cron';
export * from './effective-bounds';
export * from './operator-hold';
export * from './group-schedules';
export { recurrenceOfSchedule } from './schedule-expression';
