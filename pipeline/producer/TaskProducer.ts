import type { Logger } from '../logging/logger.js';
import { rootLogger } from '../logging/logger.js';
import { RegistryClient } from '../codec/RegistryClient.js';
import { registryOptionsOf, type RegistryAccess } from '../codec/RegistryEndpoint.js';
import { TaskCodec } from '../codec/TaskCodec.js';
import { ConfigError, RecordTooLargeError, SendFailedError, toError } from '../errors.js';
import { createKafka } from '../kafka/KafkaConnection.js';
import { resolveKafka, type KafkaOptions } from '../kafka/kafkaFromEnv.js';
import { RecordProducer } from '../kafka/RecordProducer.js';
import type { OutgoingRecord, RecordPosition } from '../kafka/records.js';
import type { SendOutcome } from '../kafka/RecordProducer.js';
import { TopicAdmin } from '../kafka/TopicAdmin.js';
import type { InputOf, TaskDefinition } from '../task/defineTask.js';
import { defaultTaskId, HEADER } from '../task/headers.js';
import { taskTopics } from '../task/taskTopics.js';
import { Registry } from 'prom-client';
import { ProducerMetrics } from '../metrics/ProducerMetrics.js';
import { activeTraceparent, openTelemetryLoaded } from '../tracing/OpenTelemetry.js';
import { delayedRecord, delayTiers, runAtOf } from '../delay/DelayLadder.js';
import { taskTime, type DelayOptions } from '../delay/taskTime.js';
import { TaskCancels } from '../cancel/TaskCancels.js';
import type { CancelOutcome } from '../cancel/cancelTask.js';
import { EnqueueManyError, type EnqueueResult } from './EnqueueManyError.js';
import { LingerBatcher } from './LingerBatcher.js';

/** Kafka's brokers, TLS and SASL (KafkaOptions) and the registry's address and login (RegistryAccess), then: */
export interface ProducerOptions extends KafkaOptions, RegistryAccess {
  readonly logger?: Logger;
  /** How long a single enqueue waits for others to share its request (default 2 ms). */
  readonly lingerMs?: number;
  /** Most tasks in one request (default 1,000). */
  readonly maxBatch?: number;
  /** Create a task type's topics on first use when missing (default true). */
  readonly createTopics?: boolean;
  /** Where to register the producer's metrics (default: a registry of its own, `producer.metrics`). */
  readonly metricsRegistry?: Registry;
  /** Redis, for cancel (default REDIS_URL, else redis://127.0.0.1:6379). */
  readonly redisUrl?: string;
  /** The workers' groupPrefix, for cancel: its cancelled ids and done marks are per group (default `taskstream`). */
  readonly groupPrefix?: string;
}

export interface EnqueueOptions extends DelayOptions {
  /** A stable id (for dedupe across resubmits); default: `<topic>-<partition>-<offset>`. */
  readonly id?: string;
  /** Overrides the task type's key function. */
  readonly key?: string;
  /** W3C trace context of the caller; default: the active OpenTelemetry span's, when an SDK is registered. */
  readonly traceparent?: string;
}

export interface EnqueueManyOptions extends EnqueueOptions {
  /** Per task, in the order of the payloads: its own delayMs or runAt (instead of the shared one). */
  readonly delays?: readonly (DelayOptions | undefined)[];
}

export interface Enqueued {
  readonly taskId: string;
  /** Where it is stored: the task's topic, or for a delayed task the delay tier it waits in first. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** A delayed task's time (epoch ms). */
  readonly runAt?: number;
}

/** Validates, encodes and sends tasks; concurrent single enqueues share requests. */
export class TaskProducer {
  private readonly records: RecordProducer;
  private readonly admin: TopicAdmin;
  private readonly registry: RegistryClient;
  // Keyed by the declaration itself: two declarations of one name (say, two schema versions) stay apart.
  private readonly codecs = new Map<TaskDefinition, TaskCodec>();
  private readonly ready = new Map<TaskDefinition, Promise<TaskCodec>>();
  private readonly batcher: LingerBatcher<OutgoingRecord, SendOutcome>;
  private readonly createTopics: boolean;
  private readonly maxBatch: number;
  /**
   * Prometheus metrics of what this producer sent: `taskstream_tasks_enqueued_total` and
   * `taskstream_enqueue_failures_total`, per task type (the `metricsRegistry` option, else a registry of its own).
   */
  readonly metrics: Registry;
  private readonly counts: ProducerMetrics;
  private closing: Promise<void> | undefined;
  private readonly cancels: TaskCancels;

  constructor(options: ProducerOptions = {}) {
    const lingerMs = options.lingerMs ?? 2;
    const maxBatch = options.maxBatch ?? 1000;
    if (!(lingerMs >= 0)) throw new ConfigError(`lingerMs must be 0 or more, got ${lingerMs}`);
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new ConfigError(`maxBatch must be a positive integer, got ${maxBatch}`);
    const { brokers, security } = resolveKafka(options);
    const logger = (options.logger ?? rootLogger()).child({ component: 'producer' });
    const kafka = createKafka({ brokers, security, logger });
    this.records = new RecordProducer(kafka, brokers.join(','), { logger });
    this.admin = new TopicAdmin(kafka, brokers.join(','));
    this.registry = new RegistryClient(registryOptionsOf(options));
    this.createTopics = options.createTopics ?? true;
    this.maxBatch = maxBatch;
    this.metrics = options.metricsRegistry ?? new Registry();
    this.counts = new ProducerMetrics(this.metrics);
    this.batcher = new LingerBatcher({ lingerMs, maxBatch }, (batch) => this.records.sendSettled(batch));
    this.cancels = new TaskCancels(kafka, brokers.join(','), options.redisUrl, options.groupPrefix, logger);
  }

  /**
   * Cancels a task not yet started: the worker that reaches it acknowledges it unrun. Says 'finished' when its
   * done mark shows it completed, 'unknown' when its id is a position no task of this type holds. Needs dedupe
   * (the default) on the task type: see pipeline/cancel.
   */
  cancel(task: TaskDefinition, taskId: string): Promise<CancelOutcome> {
    return this.cancels.cancel(task, taskId);
  }

  /**
   * Registers the task type's schema and creates its topics now rather than on the first enqueue, so an
   * application fails fast at start-up (and keeps enqueueing if the registry is briefly down later).
   */
  async prepare(task: TaskDefinition): Promise<void> {
    await this.codecFor(task);
  }

  /** Registers the schema and creates the topics of a task type, once. */
  private codecFor(task: TaskDefinition): Promise<TaskCodec> {
    let p = this.ready.get(task);
    if (!p) {
      const codec = new TaskCodec(task, this.registry);
      p = (async () => {
        await openTelemetryLoaded();
        if (this.createTopics) await this.admin.ensureTopics(taskTopics(task));
        await codec.prepare();
        this.codecs.set(task, codec);
        return codec;
      })();
      this.ready.set(task, p);
      p.catch(() => this.ready.delete(task));
    }
    return p;
  }

  private async codec(task: TaskDefinition): Promise<TaskCodec> {
    return this.codecs.get(task) ?? (await this.codecFor(task));
  }

  private record<T extends TaskDefinition>(
    codec: TaskCodec,
    task: T,
    payload: InputOf<T>,
    options: EnqueueOptions,
    runAt: number | undefined,
    now: number,
  ): OutgoingRecord {
    const value = codec.encode(payload);
    const key = options.key ?? task.key?.(payload as never) ?? null;
    // A first attempt needs no headers: the id defaults to topic-partition-offset, the attempt to 1.
    if (options.id === undefined && options.traceparent === undefined && runAt === undefined)
      return { topic: task.topic, key, value };
    const headers: Record<string, string> = {};
    if (options.id !== undefined) headers[HEADER.id] = options.id;
    if (options.traceparent !== undefined) headers[HEADER.traceparent] = options.traceparent;
    const record = { topic: task.topic, key, value, headers };
    return runAt === undefined ? record : delayedRecord(record, task.topic, delayTiers(task.maxDelayMs), runAt, now);
  }

  /**
   * Resolves once Kafka acknowledged the task (stored by all in-sync replicas); rejects with the reason when it
   * was not, and then nothing else sent with it is affected (a task too large for its topic is refused alone).
   */
  async enqueue<T extends TaskDefinition>(
    task: T,
    payload: InputOf<T>,
    options: EnqueueOptions = {},
  ): Promise<Enqueued> {
    const now = Date.now();
    const runAt = taskTime(task, options, now);
    const codec = await this.codec(task);
    const record = this.counted(task, () => this.record(codec, task, payload, withCallerTrace(options), runAt, now));
    const outcome = await this.batcher.add(record);
    this.count(task, outcome);
    if (!outcome.ok) throw outcome.error;
    return toEnqueued(record, outcome.position, options.id);
  }

  /**
   * Validates every payload before sending any; sends in requests of maxBatch, one after the other. Resolves when
   * every task was acknowledged; otherwise rejects with an EnqueueManyError that says, per task, which were.
   */
  async enqueueMany<T extends TaskDefinition>(
    task: T,
    payloads: readonly InputOf<T>[],
    options: EnqueueManyOptions = {},
  ): Promise<Enqueued[]> {
    const { delays } = options;
    if (delays !== undefined && delays.length !== payloads.length) {
      throw new ConfigError(`enqueueMany: delays has ${delays.length} entries for ${payloads.length} payloads`);
    }
    const now = Date.now();
    const times = payloads.map((_, i) => taskTime(task, delays?.[i] ?? options, now));
    const codec = await this.codec(task);
    const traced = withCallerTrace(options);
    const records = this.counted(task, () =>
      payloads.map((p, i) => this.record(codec, task, p, traced, times[i], now)),
    );
    // Already a batch: no promise per task. One request at a time keeps a key's tasks in the order given; after
    // a request with a failure, nothing later is sent (it could store a key's later task before its earlier one).
    const enqueued: Enqueued[] = [];
    // Per task, what became of it: built only once a task fails (one object a task fewer when none does).
    let results: EnqueueResult[] | undefined;
    let failed = false;
    for (let i = 0; i < records.length; i += this.maxBatch) {
      const chunk = records.slice(i, i + this.maxBatch);
      const outcomes = failed ? chunk.map(notSent) : await this.records.sendSettled(chunk);
      let sent = 0;
      outcomes.forEach((o, j) => {
        if (o.ok) {
          const e = toEnqueued(chunk[j] as OutgoingRecord, o.position, options.id);
          enqueued.push(e);
          results?.push({ ok: true, enqueued: e });
          sent++;
          return;
        }
        this.counts.refused(task.name, o.error);
        results ??= enqueued.map((e) => ({ ok: true, enqueued: e }));
        results.push(o);
        if (!(o.error instanceof RecordTooLargeError)) failed = true;
      });
      this.counts.sent(task.name, sent);
    }
    if (results !== undefined) throw new EnqueueManyError(task.name, results);
    return enqueued;
  }

  /** A payload the schema or the size limit refuses is a failed enqueue too, though nothing was sent. */
  private counted<R>(task: TaskDefinition, encode: () => R): R {
    try {
      return encode();
    } catch (err) {
      this.counts.refused(task.name, toError(err));
      throw err;
    }
  }

  private count(task: TaskDefinition, outcome: SendOutcome): void {
    if (outcome.ok) this.counts.sent(task.name);
    else this.counts.refused(task.name, outcome.error);
  }

  /** Sends what is queued, then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.batcher.drain();
      await this.records.close();
      await this.admin.close();
      await this.cancels.close();
    })();
    return this.closing;
  }
}

function notSent(record: OutgoingRecord): SendOutcome {
  const reason = 'not sent: an earlier request of the same enqueueMany failed';
  return { ok: false, error: new SendFailedError(record.topic, false, reason, { retriable: true }) };
}

/** The caller's active span becomes the task's traceparent, unless one was given (see OpenTelemetry.ts). */
function withCallerTrace(options: EnqueueOptions): EnqueueOptions {
  if (options.traceparent !== undefined) return options;
  const traceparent = activeTraceparent();
  return traceparent === undefined ? options : { ...options, traceparent };
}

function toEnqueued(record: OutgoingRecord, pos: RecordPosition, id: string | undefined): Enqueued {
  const { topic, partition, offset } = pos;
  const taskId = id ?? defaultTaskId(record.topic, partition, offset);
  // Built field by field, not spread: one object a task, for every task of an enqueueMany.
  const runAt = record.headers === undefined ? undefined : runAtOf(record.headers);
  return runAt === undefined ? { taskId, topic, partition, offset } : { taskId, topic, partition, offset, runAt };
}
