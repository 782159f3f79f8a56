import { ConfigError } from '../errors.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import type { HandlerBinding } from './TaskContext.js';
import type { RegistryAccess } from '../codec/RegistryEndpoint.js';
import type { KafkaOptions } from '../kafka/kafkaFromEnv.js';

/** Kafka's brokers, TLS and SASL (KafkaOptions) and the registry's address and login (RegistryAccess), then: */
export interface WorkerOptions extends KafkaOptions, RegistryAccess {
  /** The task types this worker serves, each with its handler (see `handle`). */
  readonly handlers: readonly HandlerBinding[];
  /** Consumer groups are `<groupPrefix>.<task name>` (default `taskstream`). */
  readonly groupPrefix?: string;
  /** Handlers running at once in this process, across task types (default 100). */
  readonly concurrency?: number;
  /** Tasks held in memory (buffered + running) by this process; past it partitions pause (default 10,000). */
  readonly maxHeldTasks?: number;
  /** Tasks held per partition (default 1,000). */
  readonly maxHeldPerPartition?: number;
  /**
   * The most bytes fetched per partition in one request (default 1 MiB). It also bounds memory beyond the held
   * tasks: a partition paused for room keeps the rest of the fetch that filled it, and no more. The size starts
   * small and grows while fetches are kept whole. Kafka returns a record batch larger than this whole, so large
   * tasks are never stuck.
   */
  readonly fetchBytesPerPartition?: number;
  /** On close, how long in-flight handlers may run before their signal aborts (default 30 s). */
  readonly shutdownDeadlineMs?: number;
  /** How often completed offsets are committed (default 500 ms). */
  readonly commitIntervalMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Needed only for shared rate limits; default REDIS_URL, else redis://127.0.0.1:6379. */
  readonly redisUrl?: string;
  readonly logger?: Logger;
  /**
   * Where the worker registers its Prometheus metrics (default: a registry of its own, `worker.metrics`). Give
   * your application's registry to serve them with its own; one worker per registry.
   */
  readonly metricsRegistry?: Registry;
  /** Create missing topics of the task types on start (default true). */
  readonly createTopics?: boolean;
}

/**
 * WorkerOptions plus hooks for fault tests. Not exported from the package, so users never see them; the Worker
 * takes WorkerOptions and reads these from whatever object it is given.
 */
export interface InternalWorkerOptions extends WorkerOptions {
  /** Called after a hand-off copy is durable and before its source offset commits. */
  readonly testHooks?: { readonly afterHandOff?: (taskId: string, topic: string) => Promise<void> };
}

type OptionalKeys = keyof KafkaOptions | keyof RegistryAccess | 'redisUrl' | 'logger' | 'testHooks' | 'metricsRegistry';
export type ResolvedWorkerOptions = Required<Omit<InternalWorkerOptions, OptionalKeys>> &
  Pick<InternalWorkerOptions, OptionalKeys>;

function positiveInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`worker: ${field} must be a positive integer, got ${value}`);
  return value;
}

/** Defaults in one place, checked once at construction. */
export function resolveWorkerOptions(options: InternalWorkerOptions): ResolvedWorkerOptions {
  if (!options.handlers || options.handlers.length === 0) {
    throw new ConfigError(
      'worker: give at least one handler, e.g. handlers: [handle(sendEmail, async (email, ctx) => …)]',
    );
  }
  const names = new Set<string>();
  for (const h of options.handlers) {
    if (names.has(h.task.name)) throw new ConfigError(`worker: task "${h.task.name}" has two handlers; give one`);
    names.add(h.task.name);
  }
  const resolved = {
    ...options,
    groupPrefix: options.groupPrefix ?? 'taskstream',
    concurrency: positiveInt('concurrency', options.concurrency ?? 100),
    maxHeldTasks: positiveInt('maxHeldTasks', options.maxHeldTasks ?? 10_000),
    maxHeldPerPartition: positiveInt('maxHeldPerPartition', options.maxHeldPerPartition ?? 1_000),
    fetchBytesPerPartition: positiveInt('fetchBytesPerPartition', options.fetchBytesPerPartition ?? 1024 * 1024),
    shutdownDeadlineMs: positiveInt('shutdownDeadlineMs', options.shutdownDeadlineMs ?? 30_000),
    commitIntervalMs: positiveInt('commitIntervalMs', options.commitIntervalMs ?? 500),
    sessionTimeoutMs: positiveInt('sessionTimeoutMs', options.sessionTimeoutMs ?? 30_000),
    heartbeatIntervalMs: positiveInt('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 3_000),
    createTopics: options.createTopics ?? true,
  };
  if (resolved.maxHeldPerPartition > resolved.maxHeldTasks) {
    throw new ConfigError(
      `worker: maxHeldPerPartition (${resolved.maxHeldPerPartition}) cannot exceed maxHeldTasks (${resolved.maxHeldTasks})`,
    );
  }
  if (resolved.heartbeatIntervalMs * 3 > resolved.sessionTimeoutMs) {
    throw new ConfigError(
      `worker: heartbeatIntervalMs (${resolved.heartbeatIntervalMs}) should be at most a third of sessionTimeoutMs (${resolved.sessionTimeoutMs})`,
    );
  }
  return resolved;
}
