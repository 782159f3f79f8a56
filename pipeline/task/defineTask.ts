import avro from 'avsc';
import type { Compatibility } from '../codec/RegistryClient.js';
import { MAX_DELAY_MS } from '../delay/DelayLadder.js';
import { ConfigError } from '../errors.js';
import { retryPolicy, type LockOnBusy, type RetryOptions, type RetryPolicy } from '../retry/RetryPolicy.js';
import type { AvroRecordSchema, AvroValue } from './AvroPayload.js';

export interface RateLimitOptions<P = never> {
  /** At most `max` task starts per window of `perMs` milliseconds (fixed windows, aligned on the clock). */
  readonly max: number;
  readonly perMs: number;
  /** At most this many running at once under this limit (default: no extra bound). */
  readonly maxConcurrent?: number;
  /**
   * Hold the limit across every worker instance through Redis (permits taken in batches). With `maxConcurrent`
   * too, concurrency across instances costs two Redis round trips per start (bottleneck's ioredis datastore).
   */
  readonly shared?: boolean;
  /** One limit per key (e.g. `(p) => p.tenant`) instead of one for the whole task type. */
  readonly perKey?: (payload: P) => string;
}

export interface LockOptions<P> {
  /** The lock key of a task, e.g. `report:${p.customerId}`: tasks with one lock key never run at once. */
  readonly key: (payload: P) => string;
  /** Lease, extended while the handler runs (default 30 s). */
  readonly leaseMs?: number;
  /**
   * When the lock is busy, no attempt is used either way. 'wait' (default): the task retries in place after
   * backoff and later tasks of its ordering key wait behind it. 'reschedule': it is handed off to a retry
   * tier, so its partition and key move on (later tasks of its key may overtake it). Not with retry.ordered.
   */
  readonly onBusy?: LockOnBusy;
}

export interface TaskOptions<S extends AvroRecordSchema> {
  /** The task type's name: letters, digits, '.', '_' and '-'. */
  readonly name: string;
  /** The Avro record schema, declared `as const` (see schemas/). */
  readonly schema: S;
  /** Default `tasks.<name>`. */
  readonly topic?: string;
  /** Tasks with one key run one at a time, in order. Without a key function, tasks have no order. */
  readonly key?: (payload: AvroValue<S, 'input'>) => string | undefined;
  /** Partitions when taskstream creates the topic (default 6). */
  readonly partitions?: number;
  /** Replicas of each topic taskstream creates (default: the cluster's own default.replication.factor). */
  readonly replicationFactor?: number;
  /**
   * How long the dead-letter topic keeps letters, in ms (default -1: until replayed or purged, so a failure on
   * Friday night is still there on Monday). Set one when letters may hold data you must not keep.
   */
  readonly deadLetterRetentionMs?: number;
  /** The compatibility level set on the registry subject when taskstream creates it (default BACKWARD); a subject that exists keeps its own. */
  readonly compatibility?: Compatibility;
  /** Handlers of this type running at once in one worker process (default 10). */
  readonly concurrency?: number;
  readonly rateLimit?: RateLimitOptions<AvroValue<S, 'output'>>;
  /**
   * The handler's signal aborts after this long, and the attempt counts as failed (default 60 s). It counts from
   * the handler's start: a wait for a rate-limit slot is not the handler's time.
   */
  readonly timeoutMs?: number;
  /** Attempts, backoff, and whether retries keep key order (see RetryOptions.ordered). */
  readonly retry?: RetryOptions;
  /**
   * Skip a task whose id already completed (a redelivery). On by default; costs a Redis round trip per task,
   * so turn it off for idempotent high-volume work. `ttlMs` must outlast the longest retry path (default 7 days).
   */
  readonly dedupe?: boolean | { readonly ttlMs: number };
  /** Hold a distributed lock (Redlock, with a fencing token in ctx.fencingToken) while the handler runs. */
  readonly lock?: LockOptions<AvroValue<S, 'output'>>;
  /**
   * The largest task, in encoded bytes (default 1,000,000, under Kafka's default message.max.bytes). Enqueue
   * refuses a larger payload before sending; a worker dead-letters a larger record at once, without decoding it.
   */
  readonly maxBytes?: number;
  /**
   * How long a task of this type should run at most, in ms. One running longer is stuck: logged once, counted in
   * taskstream_tasks_stuck_total, and listed by `taskstream workers` and the dashboard (default: none).
   */
  readonly expectedMs?: number;
  /**
   * Accept delayed tasks (enqueue with delayMs or runAt) waiting up to this long, in ms (at most 30 days). Off by
   * default: a task type that accepts delays has one topic per delay tier it needs (see pipeline/delay).
   */
  readonly maxDelayMs?: number;
}

export interface TaskDefinition<S extends AvroRecordSchema = AvroRecordSchema> {
  readonly name: string;
  readonly topic: string;
  readonly schema: S;
  readonly subject: string;
  readonly avroType: avro.Type;
  readonly key: ((payload: AvroValue<S, 'input'>) => string | undefined) | undefined;
  readonly partitions: number;
  /** undefined: the cluster's default.replication.factor. */
  readonly replicationFactor: number | undefined;
  /** retention.ms of the dead-letter topic; -1 keeps letters until they are replayed or purged. */
  readonly deadLetterRetentionMs: number;
  readonly compatibility: Compatibility;
  readonly concurrency: number;
  readonly rateLimit: RateLimitOptions | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** The largest encoded task accepted, in bytes. */
  readonly maxBytes: number;
  /** A task running longer than this is stuck (undefined: never). */
  readonly expectedMs: number | undefined;
  /** Dedupe mark lifetime, or undefined when dedupe is off. */
  readonly dedupeTtlMs: number | undefined;
  readonly lock:
    { readonly key: (payload: never) => string; readonly leaseMs: number; readonly onBusy: LockOnBusy } | undefined;
  /** The longest delay enqueue accepts; undefined: no delayed tasks. */
  readonly maxDelayMs: number | undefined;
}

export type PayloadOf<T> = T extends TaskDefinition<infer S> ? AvroValue<S, 'output'> : never;
export type InputOf<T> = T extends TaskDefinition<infer S> ? AvroValue<S, 'input'> : never;

const NAME = /^[A-Za-z0-9._-]+$/;

function positiveInt(name: string, field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new ConfigError(`task "${name}": ${field} must be a positive integer, got ${v}`);
  return v;
}

function maxDelay(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DELAY_MS) {
    throw new ConfigError(
      `task "${name}": maxDelayMs must be an integer from 1 to ${MAX_DELAY_MS} (30 days), got ${value}`,
    );
  }
  return value;
}

const ON_BUSY: readonly LockOnBusy[] = ['wait', 'reschedule'];

function lockOnBusy(name: string, value: unknown, retry: RetryPolicy): LockOnBusy {
  const onBusy = value ?? 'wait';
  if (!ON_BUSY.includes(onBusy as LockOnBusy)) {
    throw new ConfigError(`task "${name}": lock.onBusy must be 'wait' or 'reschedule', got ${JSON.stringify(value)}`);
  }
  // Ordered task types have no retry tiers to reschedule to, and a hand-off would break the order they ask for.
  if (onBusy === 'reschedule' && retry.ordered) {
    throw new ConfigError(
      `task "${name}": lock.onBusy 'reschedule' lets later tasks of a key overtake, which retry.ordered forbids; use onBusy 'wait'`,
    );
  }
  return onBusy as LockOnBusy;
}

/** Declares a task type once; producers and workers take the declaration. Options are checked here. */
export function defineTask<const S extends AvroRecordSchema>(options: TaskOptions<S>): TaskDefinition<S> {
  const { name } = options;
  if (!NAME.test(name)) throw new ConfigError(`task name "${name}" may hold only letters, digits, '.', '_' and '-'`);
  const topic = options.topic ?? `tasks.${name}`;
  // Kafka's own rules: legal characters, at most 249 of them, and not "." or "..".
  if (!NAME.test(topic) || topic.length > 249 || topic === '.' || topic === '..') {
    throw new ConfigError(
      `task "${name}": topic "${topic}" is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249; not "." or "..")`,
    );
  }
  let avroType: avro.Type;
  try {
    avroType = avro.Type.forSchema(options.schema as unknown as avro.Schema);
  } catch (err) {
    throw new ConfigError(`task "${name}": its Avro schema does not parse: ${(err as Error).message}`);
  }
  const rateLimit = options.rateLimit;
  if (rateLimit) {
    positiveInt(name, 'rateLimit.max', rateLimit.max, 1);
    positiveInt(name, 'rateLimit.perMs', rateLimit.perMs, 1);
    if (rateLimit.maxConcurrent !== undefined) positiveInt(name, 'rateLimit.maxConcurrent', rateLimit.maxConcurrent, 1);
  }
  const retry = retryPolicy(options.retry, `task "${name}": retry`);
  return {
    name,
    topic,
    schema: options.schema,
    subject: `${topic}-value`,
    avroType,
    key: options.key,
    partitions: positiveInt(name, 'partitions', options.partitions, 6),
    replicationFactor:
      options.replicationFactor === undefined
        ? undefined
        : positiveInt(name, 'replicationFactor', options.replicationFactor, 1),
    deadLetterRetentionMs:
      options.deadLetterRetentionMs === -1 || options.deadLetterRetentionMs === undefined
        ? -1
        : positiveInt(name, 'deadLetterRetentionMs (or -1)', options.deadLetterRetentionMs, -1),
    compatibility: options.compatibility ?? 'BACKWARD',
    concurrency: positiveInt(name, 'concurrency', options.concurrency, 10),
    rateLimit,
    timeoutMs: positiveInt(name, 'timeoutMs', options.timeoutMs, 60_000),
    retry,
    dedupeTtlMs:
      options.dedupe === false
        ? undefined
        : positiveInt(
            name,
            'dedupe.ttlMs',
            typeof options.dedupe === 'object' ? options.dedupe.ttlMs : undefined,
            7 * 86_400_000,
          ),
    maxBytes: positiveInt(name, 'maxBytes', options.maxBytes, 1_000_000),
    expectedMs: options.expectedMs === undefined ? undefined : positiveInt(name, 'expectedMs', options.expectedMs, 1),
    maxDelayMs: maxDelay(name, options.maxDelayMs),
    lock: options.lock
      ? {
          key: options.lock.key as (payload: never) => string,
          leaseMs: positiveInt(name, 'lock.leaseMs', options.lock.leaseMs, 30_000),
          onBusy: lockOnBusy(name, options.lock.onBusy, retry),
        }
      : undefined,
  };
}
