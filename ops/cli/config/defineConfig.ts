import type { HandlerBinding, TaskDefinition } from '../../../pipeline/index.js';
import type { RegistryOptions } from '../../../pipeline/codec/RegistryEndpoint.js';
import type { KafkaOptions } from '../../../pipeline/kafka/kafkaFromEnv.js';
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
  /**
   * How every command reaches Kafka: `brokers`, `ssl` (true, or { ca, cert, key } as PEM text) and `sasl`
   * ({ mechanism, username, password }). Each field left out comes from its environment variable (KAFKA_BROKERS,
   * KAFKA_SSL*, KAFKA_SASL*); read a password from the environment rather than writing it here.
   */
  readonly kafka?: KafkaOptions;
  /** How every command reaches the schema registry: `url`, `auth` ({ username, password } or { token }), `ca`. */
  readonly registry?: RegistryOptions;
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
 *   kafka: { ssl: true, sasl: { mechanism: 'SCRAM-SHA-512', username: 'svc', password: process.env.KAFKA_PASSWORD ?? '' } },
 * });
 * ```
 */
export function defineConfig<const C extends TaskstreamConfig>(config: C): C {
  return config;
}
