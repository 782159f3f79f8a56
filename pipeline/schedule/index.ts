// The scheduler's public API, for pipeline/index.ts to re-export.
export { defineSchedule, tickTaskId, type ScheduleDefinition, type ScheduleOptions } from './defineSchedule.js';
export { nextTicks } from './cronTicks.js';
export { Scheduler } from './Scheduler.js';
export { triggerTick, manualTickTaskId } from './triggerTick.js';
export { isSchedulerGroup, type SchedulerOptions } from './SchedulerOptions.js';
export { leaseHolder } from './SchedulerLease.js';
export { readTickState } from './TickLedger.js';
export type { TickState } from './dueTick.js';
