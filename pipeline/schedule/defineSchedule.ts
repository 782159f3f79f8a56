import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../errors.js';
import type { InputOf, TaskDefinition } from '../task/defineTask.js';

export interface ScheduleOptions<T extends TaskDefinition> {
  /** Names the schedule in task ids, Redis keys and logs: letters, digits, '.', '_' and '-' (at most 100). */
  readonly name: string;
  /** The task type enqueued at each tick. */
  readonly task: T;
  /** Five fields (minute first) or six (second first), or an alias such as `@daily`. */
  readonly cron: string;
  /** IANA zone the expression is read in, e.g. `Europe/Berlin` (default `UTC`). */
  readonly timezone?: string;
  /** The task's payload for a tick; the tick is the scheduled time, not the moment it was sent. */
  // NoInfer around the whole function: T comes from `task` alone, so a wrong payload is reported against the
  // task's type, and the function is checked only once T is known. With NoInfer on the return type alone it was
  // checked while T was open, and an Avro enum symbol returned here ('DAY') widened to string.
  readonly payload: NoInfer<(tick: Date) => InputOf<T>>;
  /** The record key for a tick (default: the task type's key function applied to the payload). */
  readonly key?: (tick: Date) => string;
  /**
   * A missed tick fires only while it is at most this late (default: however late, once). Set it when a late
   * run is worse than none, e.g. `3_600_000` for a morning report; a tick past it is logged and skipped. At
   * least 1,000; keep it above the lease time, or a takeover after a crash skips the tick it was late for.
   */
  readonly maxLateMs?: number;
}

export interface ScheduleDefinition<T extends TaskDefinition = TaskDefinition> {
  readonly name: string;
  readonly task: T;
  readonly cron: string;
  readonly timezone: string;
  readonly payload: (tick: Date) => InputOf<T>;
  readonly key: ((tick: Date) => string) | undefined;
  readonly maxLateMs: number | undefined;
}

// No ':' (the Redis key separator) and no '@' (the separator in a tick's task id), so both stay parseable.
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const ALIAS = /^@[a-z]+$/;

/** Declares a periodic task; every option is checked here, so a bad schedule fails at start-up, not at 3 a.m. */
export function defineSchedule<T extends TaskDefinition>(options: ScheduleOptions<T>): ScheduleDefinition<T> {
  const { name } = options;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(
      `schedule name ${JSON.stringify(name)} must be 1 to 100 letters, digits, '.', '_' or '-' (it names Redis keys and task ids)`,
    );
  }
  const task = options.task as Partial<TaskDefinition> | undefined;
  if (typeof task?.name !== 'string' || typeof task.topic !== 'string') {
    throw new ConfigError(`schedule "${name}": task must be a task definition made with defineTask`);
  }
  const timezone = options.timezone ?? 'UTC';
  checkTimezone(name, timezone);
  checkCron(name, options.cron, timezone);
  if (typeof options.payload !== 'function') {
    throw new ConfigError(`schedule "${name}": payload must be a function from the tick (a Date) to the task's input`);
  }
  if (options.key !== undefined && typeof options.key !== 'function') {
    throw new ConfigError(`schedule "${name}": key must be a function from the tick (a Date) to a string`);
  }
  const { maxLateMs } = options;
  if (maxLateMs !== undefined && !(Number.isInteger(maxLateMs) && maxLateMs >= 1000)) {
    throw new ConfigError(
      `schedule "${name}": maxLateMs must be a whole number of milliseconds, at least 1000, got ${String(maxLateMs)}`,
    );
  }
  return {
    name,
    task: options.task,
    cron: options.cron,
    timezone,
    payload: options.payload,
    key: options.key,
    maxLateMs,
  };
}

function checkTimezone(name: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ConfigError(
      `schedule "${name}": timezone ${JSON.stringify(timezone)} is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`,
    );
  }
}

function checkCron(name: string, cron: unknown, timezone: string): void {
  const shown = JSON.stringify(cron);
  if (typeof cron !== 'string') throw new ConfigError(`schedule "${name}": cron must be a string, got ${shown}`);
  const fields = cron.trim().split(/\s+/).filter(Boolean).length;
  // cron-parser fills missing fields with '*', so "0 9" would silently mean "every day at 9, every minute".
  if (!ALIAS.test(cron.trim()) && fields !== 5 && fields !== 6) {
    throw new ConfigError(
      `schedule "${name}": cron expression ${shown} is invalid: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), got ${fields}`,
    );
  }
  try {
    const expression = CronExpressionParser.parse(cron, { tz: timezone });
    // An expression such as "0 0 30 2 *" (30 February) parses but never fires; say so now.
    expression.next();
  } catch (err) {
    throw new ConfigError(
      `schedule "${name}": cron expression ${shown} is invalid: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The task id of a schedule's tick: the same for every send of that tick, so a repeat is recognisable. */
export function tickTaskId(schedule: { readonly name: string }, tick: Date): string {
  return `${schedule.name}@${tick.toISOString()}`;
}

/** A tick's payload and key. The schedule's own functions throwing is a bug in the schedule: retrying cannot fix it. */
export function tickInput(schedule: ScheduleDefinition, tick: Date): { payload: never; key: string | undefined } {
  try {
    // `never`: a heterogeneous list of schedules has lost each one's payload type; defineSchedule checked it.
    return { payload: schedule.payload(tick) as never, key: schedule.key?.(tick) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `schedule "${schedule.name}": its payload or key function threw for tick ${tick.toISOString()}: ${reason}`,
    );
  }
}
