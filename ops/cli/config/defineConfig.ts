import type { TaskDefinition } from '../../../pipeline/index.js';

/** What a `taskstream.config.ts` (or `.js`) default-exports: the project's task types. */
export interface TaskstreamConfig {
  /** Task definitions made with `defineTask`; the CLI's topics, enqueue, lag and workers commands use them. */
  readonly tasks: readonly TaskDefinition[];
}

/**
 * Typed identity helper for config modules:
 *
 * ```ts
 * export default defineConfig({ tasks: [sendEmail, generateReport] });
 * ```
 */
export function defineConfig<const C extends TaskstreamConfig>(config: C): C {
  return config;
}
