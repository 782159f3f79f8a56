import type { TaskDefinition } from '../../../pipeline/index.js';
import type { ScheduleDefinition } from '../../../pipeline/schedule/index.js';

/** What a `taskstream.config.ts` (or `.js`) default-exports: the project's task types. */
export interface TaskstreamConfig {
  /** Task definitions made with `defineTask`; the CLI's topics, enqueue, lag and workers commands use them. */
  readonly tasks: readonly TaskDefinition[];
  /** Schedules made with `defineSchedule`, for `taskstream schedule list|run`; each one's task must be in `tasks`. */
  readonly schedules?: readonly ScheduleDefinition[];
}

/**
 * Typed identity helper for config modules:
 *
 * ```ts
 * export default defineConfig({ tasks: [sendEmail, generateReport], schedules: [dailyReport] });
 * ```
 */
export function defineConfig<const C extends TaskstreamConfig>(config: C): C {
  return config;
}
