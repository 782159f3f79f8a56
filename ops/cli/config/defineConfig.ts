import type { HandlerBinding, TaskDefinition } from '../../../pipeline/index.js';
import type { ScheduleDefinition } from '../../../pipeline/schedule/index.js';

/** The options of `taskstream worker` a config may set; the rest keep the Worker's defaults. */
export interface WorkerConfig {
  /** Consumer groups are `<groupPrefix>.<task name>` (default `taskstream`). */
  readonly groupPrefix?: string;
  /** Handlers running at once in the process, across task types (default 100). */
  readonly concurrency?: number;
  /** On SIGTERM, how long running handlers may finish before their signal aborts (default 30 s). */
  readonly shutdownDeadlineMs?: number;
}

/** What a `taskstream.config.ts` (or `.js`) default-exports: the project's task types. */
export interface TaskstreamConfig {
  /** Task definitions made with `defineTask`; the CLI's topics, enqueue, lag and workers commands use them. */
  readonly tasks: readonly TaskDefinition[];
  /** Schedules made with `defineSchedule`, for `taskstream schedule list|run`; each one's task must be in `tasks`. */
  readonly schedules?: readonly ScheduleDefinition[];
  /** Handlers made with `handle`, for `taskstream worker`; each one's task must be in `tasks`. */
  readonly handlers?: readonly HandlerBinding[];
  /** Options of `taskstream worker`. */
  readonly worker?: WorkerConfig;
}

/**
 * Typed identity helper for config modules:
 *
 * ```ts
 * export default defineConfig({
 *   tasks: [sendEmail, generateReport],
 *   schedules: [dailyReport],
 *   handlers: [handle(sendEmail, async (email, ctx) => …)],
 *   worker: { concurrency: 50 },
 * });
 * ```
 */
export function defineConfig<const C extends TaskstreamConfig>(config: C): C {
  return config;
}
