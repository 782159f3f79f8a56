import { ConfigError } from '../errors.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { DelayTooLongError } from './DelayTooLongError.js';

/** When a task may start: a wait from now, or a time. Neither, or a time not after now: at once. */
export interface DelayOptions {
  /** Start no earlier than this many ms from now. */
  readonly delayMs?: number;
  /** Start no earlier than this time. */
  readonly runAt?: Date;
}

/**
 * The task's time in epoch ms, or undefined when it may start at once (no delay, or a time already past). Refuses
 * a wait longer than the task type accepts before anything is sent.
 */
export function taskTime(task: TaskDefinition, options: DelayOptions, now: number): number | undefined {
  const { delayMs, runAt } = options;
  if (delayMs !== undefined && runAt !== undefined) throw new ConfigError('give delayMs or runAt, not both');
  let at: number;
  if (delayMs !== undefined) {
    if (!Number.isFinite(delayMs)) throw new ConfigError(`delayMs must be a finite number, got ${delayMs}`);
    at = now + Math.ceil(delayMs);
  } else if (runAt !== undefined) {
    at = runAt.getTime();
    if (!Number.isFinite(at)) throw new ConfigError('runAt is not a valid Date');
  } else {
    return undefined;
  }
  if (at <= now) return undefined;
  if (task.maxDelayMs === undefined || at - now > task.maxDelayMs) {
    throw new DelayTooLongError(task.name, at - now, task.maxDelayMs);
  }
  return at;
}
