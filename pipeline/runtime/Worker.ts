import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { RegistryClient } from '../codec/RegistryClient.js';
import { ConfigError } from '../errors.js';
import { TaskCodec } from '../codec/TaskCodec.js';
import { createKafka, type KafkaClient } from '../kafka/KafkaConnection.js';
import { resolveKafka } from '../kafka/kafkaFromEnv.js';
import type { KafkaSecurity } from '../kafka/KafkaSecurity.js';
import { registryOptionsOf } from '../codec/RegistryEndpoint.js';
import { GroupConsumer } from '../kafka/GroupConsumer.js';
import { RecordProducer } from '../kafka/RecordProducer.js';
import { TopicAdmin } from '../kafka/TopicAdmin.js';
import { GroupAdmin } from '../kafka/GroupAdmin.js';
import { partitionLags } from '../kafka/partitionLags.js';
import { rootLogger, type Logger } from '../logging/logger.js';
import { TaskRateLimiter } from '../ratelimit/TaskRateLimiter.js';
import { DedupeBatcher } from '../dedupe/DedupeBatcher.js';
import { DedupeStore } from '../dedupe/DedupeStore.js';
import { CancelWatch } from '../cancel/CancelWatch.js';
import { TaskLocks } from '../locks/TaskLocks.js';
import { createRedis } from '../redis/redisConnection.js';
import { TaskCounters } from '../metrics/TaskCounters.js';
import { registerWorkerMetrics, type MetricsSource, type OwnedPartitionLag } from '../metrics/WorkerMetrics.js';
import { HandOffSender } from '../retry/HandOffSender.js';
import { delayTopics, retryTopics, taskTopics } from '../task/taskTopics.js';
import { ThreadPool } from '../threads/ThreadPool.js';
import { openTelemetryApi, openTelemetryLoaded, tracerProviderRegistered } from '../tracing/OpenTelemetry.js';
import { tracedHandler } from '../tracing/tracedHandler.js';
import { withThreads } from '../threads/ThreadRunner.js';
import { JobExecutor } from './JobExecutor.js';
import { ProcessBudget } from './ProcessBudget.js';
import type { HandlerBinding } from './TaskContext.js';
import type { RunningTask } from './RunningTask.js';
import { RunningBoard } from './RunningBoard.js';
import { pauseWatchFor } from './pauseWatchFor.js';
import { StuckWatch } from './StuckWatch.js';
import type { PauseWatch } from './PauseWatch.js';
import { TaskTypeRunner } from './TaskTypeRunner.js';
import { taskEvent, WorkerEventEmitter } from './WorkerEvents.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from './WorkerOptions.js';

export interface WorkerStats {
  readonly held: number;
  readonly peakHeld: number;
  readonly running: number;
  /**
   * Tasks taken and waiting for a rate-limit slot (counted in `held`, and in `running` as they hold a concurrency
   * slot; not listed by `runningTasks()`, since their handlers have not started).
   */
  readonly waitingForSlot: number;
  /**
   * Fetched records waiting for room (not tasks yet). A partition paused for room keeps what its last fetch
   * brought: at most half of maxHeldPerPartition plus one fetch (fetchBytesPerPartition) per partition.
   */
  readonly buffered: number;
  /** The keys and values of those records, in bytes. */
  readonly bufferedBytes: number;
  readonly byType: Readonly<Record<string, { readonly held: number; readonly running: number }>>;
}

/**
 * A worker process: one consumer group per task type it serves, one memory bound and one concurrency
 * limit across them. `start()` joins the groups; `close()` drains and leaves (idempotent).
 */
export class Worker extends WorkerEventEmitter implements MetricsSource {
  readonly id = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  private readonly options: ResolvedWorkerOptions;
  private readonly log: Logger;
  private readonly budget: ProcessBudget;
  private readonly brokers: string[];
  private readonly security: KafkaSecurity;
  private readonly kafka: KafkaClient;
  private readonly producer: RecordProducer;
  private readonly registry: RegistryClient;
  private readonly runners: TaskTypeRunner[] = [];
  private readonly limiters: TaskRateLimiter[] = [];
  private readonly pools: ThreadPool[] = [];
  private readonly cancelWatches: CancelWatch[] = [];
  private redis: Redis | undefined;
  private locks: TaskLocks | undefined;
  private started: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly countersByType = new Map<string, TaskCounters>();
  private running = false;
  /** Asks the brokers for lag when the metrics are scraped; connected on first use. */
  private lagAdmin: GroupAdmin | undefined;
  /** The lag read under way, awaited by close() so its admin client is not reconnected after being closed. */
  private lagInFlight: Promise<unknown> = Promise.resolve();
  /** Prometheus metrics of this worker (taskstream_*), read when scraped; serve them with any HTTP server. */
  readonly metrics: Registry;
  /** Its running tasks' progress, in Redis for `taskstream workers`. */
  private readonly board: RunningBoard;
  private pauses: PauseWatch | undefined;
  private readonly stuck: StuckWatch;

  constructor(options: WorkerOptions) {
    super();
    this.options = resolveWorkerOptions(options);
    this.log = (options.logger ?? rootLogger()).child({ component: 'worker', workerId: this.id });
    this.budget = new ProcessBudget(this.options.maxHeldTasks, this.options.concurrency);
    ({ brokers: this.brokers, security: this.security } = resolveKafka(options));
    this.kafka = this.kafkaClient(`taskstream-worker-${this.id}`);
    this.producer = new RecordProducer(this.kafka, this.brokers.join(','), { logger: this.log });
    this.registry = new RegistryClient(registryOptionsOf(options));
    for (const h of this.options.handlers) this.countersByType.set(h.task.name, new TaskCounters());
    this.metrics = options.metricsRegistry ?? new Registry();
    registerWorkerMetrics(this.metrics, this);
    const tasks = this.options.handlers.map((h) => h.task);
    this.stuck = new StuckWatch(
      tasks,
      () => this.runningTasks(),
      (t) => this.countersByType.get(t),
      this.log,
    );
    this.board = new RunningBoard(
      () => this.runningTasks(),
      (type) => `${this.options.groupPrefix}.${type}`,
      () => this.redisClient(),
      this.id,
      this.log,
      undefined,
      this.stuck.isStuck,
    );
  }

  private kafkaClient(clientId: string, retries?: number): KafkaClient {
    return createKafka({ brokers: this.brokers, security: this.security, logger: this.log, clientId, retries });
  }

  start(): Promise<void> {
    this.started ??= this.startOnce();
    return this.started;
  }

  private async startOnce(): Promise<void> {
    const admin = new TopicAdmin(this.kafka, this.brokers.join(','));
    try {
      const specs = this.options.handlers.flatMap((h) => taskTopics(h.task));
      if (this.options.createTopics) {
        await admin.ensureTopics(specs);
      } else {
        // Said once, naming every missing topic, rather than by whichever consumer happens to fail first.
        const missing = (await admin.missingTopics(specs)).map((t) => t.topic);
        if (missing.length > 0) {
          throw new ConfigError(
            `worker: topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found at ${this.brokers.join(',')}; create them with \`npx taskstream topics create\` or start the worker with createTopics: true`,
          );
        }
      }
    } finally {
      await admin.close();
    }
    await this.producer.connect();
    await openTelemetryLoaded();
    const handOffs = new HandOffSender(this.producer);
    for (const binding of this.options.handlers) {
      const executor = await this.executorFor(binding, handOffs);
      const group = `${this.options.groupPrefix}.${binding.task.name}`;
      this.runners.push(this.runnerFor(binding.task, executor, group, [binding.task.topic]));
      // Retry and delay tiers are a group of their own, so a tier waiting for its head never holds up the main
      // topic; one group for both, as both wait for their heads the same way (and it is one consumer less).
      const tiers = [...retryTopics(binding.task), ...delayTopics(binding.task)];
      if (tiers.length > 0) this.runners.push(this.runnerFor(binding.task, executor, `${group}.retry`, tiers));
    }
    this.pauses = pauseWatchFor(this.runners, this.options.groupPrefix, () => this.redisClient(), this.log, this);
    await this.pauses.start();
    await Promise.all(this.runners.map((r) => r.start()));
    this.running = !this.closing;
    if (this.running) this.board.start();
    if (this.running) this.stuck.start();
    this.log.info({ types: this.options.handlers.map((h) => h.task.name) }, 'worker started');
  }

  /** One per task type, shared by its main and retry runners (so a rate limit counts both). */
  private async executorFor(binding: HandlerBinding, handOffs: HandOffSender): Promise<JobExecutor> {
    const { task } = binding;
    const log = this.log.child({ type: task.name });
    let dedupe: DedupeBatcher | undefined;
    let cancels: CancelWatch | undefined;
    if (task.dedupeTtlMs !== undefined) {
      const group = `${this.options.groupPrefix}.${task.name}`;
      dedupe = new DedupeBatcher(new DedupeStore(this.redisClient(), group, task.dedupeTtlMs), log);
      // Cancelling goes with dedupe: both are Redis-backed, and the done marks say what a cancel came too late for.
      cancels = new CancelWatch(this.redisClient(), group, log);
      cancels.start();
      this.cancelWatches.push(cancels);
    }
    if (task.lock) this.locks ??= new TaskLocks(this.redisClient());
    let limiter: TaskRateLimiter | undefined;
    if (task.rateLimit) {
      const redis = task.rateLimit.shared ? this.redisClient().duplicate() : undefined;
      limiter = new TaskRateLimiter(task.name, task.rateLimit, redis);
      this.limiters.push(limiter);
    }
    const codec = new TaskCodec(task, this.registry);
    await codec.warm();
    let handler = binding.handler;
    if (binding.threads) {
      const pool = await ThreadPool.start(binding.threads.pool, log);
      this.pools.push(pool);
      handler = withThreads(binding.threads.handler, pool);
    }
    // Spans only when an SDK registered a tracer provider before start (see tracerProviderRegistered).
    const otel = openTelemetryApi();
    if (otel && tracerProviderRegistered()) handler = tracedHandler(otel, task, handler);
    return new JobExecutor(
      task,
      handler as never,
      codec,
      limiter,
      handOffs,
      this.id,
      log,
      {
        onStart: (job) => {
          if (this.listens('task:started')) this.emit('task:started', taskEvent(task, job));
        },
        onDeduplicated: (job) => {
          if (this.listens('task:deduplicated')) this.emit('task:deduplicated', taskEvent(task, job));
        },
        afterHandOff: this.options.testHooks?.afterHandOff,
      },
      { dedupe, locks: this.locks, cancels },
    );
  }

  private runnerFor(task: TaskDefinition, executor: JobExecutor, groupId: string, topics: string[]): TaskTypeRunner {
    const log = this.log.child({ type: task.name, groupId });
    const consumer = new GroupConsumer(
      this.kafka,
      this.brokers.join(','),
      {
        groupId,
        topics,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        // A retry tier's partitions pause until their head is due, which is waiting, not backpressure.
        pausedWaitTimeMs: topics.includes(task.topic) ? 10 : undefined,
        maxBytesPerPartition: this.options.fetchBytesPerPartition,
      },
      log,
    );
    return new TaskTypeRunner(
      task,
      topics,
      consumer,
      executor,
      this.budget,
      { maxHeldPerPartition: this.options.maxHeldPerPartition, commitIntervalMs: this.options.commitIntervalMs },
      this,
      log,
      this.countersOf(task),
    );
  }

  private countersOf(task: TaskDefinition): TaskCounters {
    return this.countersByType.get(task.name) as TaskCounters;
  }

  /** Outcome counts per task type since this worker was created (what the metrics read). */
  counters(): ReadonlyMap<string, TaskCounters> {
    return this.countersByType;
  }

  async lag(): Promise<OwnedPartitionLag[]> {
    if (!this.running) return [];
    // Its own client with few retries (a fresh connection may meet a coordinator still loading): with the brokers
    // away a scrape must still answer within its timeout, which WorkerMetrics bounds at 2 s.
    this.lagAdmin ??= new GroupAdmin(this.kafkaClient(`taskstream-lag-${this.id}`, 2), this.brokers.join(','));
    const admin = this.lagAdmin;
    const reading = Promise.all(
      this.runners
        .filter((r) => r.readsTaskTopic)
        .map(async (runner) => {
          const owned = new Set(runner.ownedPartitions());
          if (owned.size === 0) return [];
          const lags = await partitionLags(admin, `${this.options.groupPrefix}.${runner.task.name}`, [
            runner.task.topic,
          ]);
          return lags
            .filter((p) => owned.has(p.partition))
            .map((p) => ({ type: runner.task.name, partition: p.partition, lag: p.lag }));
        }),
    );
    this.lagInFlight = reading.catch(() => undefined);
    return (await reading).flat();
  }

  private redisClient(): Redis {
    this.redis ??= createRedis(this.options.redisUrl, this.log);
    return this.redis;
  }

  stats(): WorkerStats {
    const byType: Record<string, { held: number; running: number }> = {};
    let buffered = 0;
    let bufferedBytes = 0;
    let waitingForSlot = 0;
    for (const r of this.runners) {
      const load = r.load();
      buffered += load.buffered;
      waitingForSlot += load.waitingForSlot;
      bufferedBytes += load.bufferedBytes;
      const t = (byType[r.task.name] ??= { held: 0, running: 0 });
      t.held += load.held;
      t.running += load.running;
    }
    const { held, peakHeld, running } = this.budget;
    return { held, peakHeld, running, waitingForSlot, buffered, bufferedBytes, byType };
  }

  /** Started, not closing, and consuming every type: its groups are joined and it takes tasks (a readiness probe). */
  get ready(): boolean {
    return this.running && this.healthy;
  }

  /** False once a type's consumer crashed with no restart coming: a liveness probe should restart the process. */
  get healthy(): boolean {
    return this.runners.every((r) => !r.dead);
  }

  /** The partitions this worker owns now, per task type. */
  assignment(): Record<string, number[]> {
    return Object.fromEntries(
      this.runners.filter((r) => r.readsTaskTopic).map((r) => [r.task.name, r.ownedPartitions()]),
    );
  }

  /** The asynchronous tasks running now, with when they started and last called ctx.heartbeat(). */
  runningTasks(): RunningTask[] {
    return this.runners.flatMap((r) => r.runningTasks());
  }

  /** Drains and leaves the groups; every step runs even if one before it failed. Returns the same promise twice. */
  close(deadlineMs = this.options.shutdownDeadlineMs): Promise<void> {
    this.running = false;
    this.closing ??= (async () => {
      await this.started?.catch(() => undefined);
      this.pauses?.stop();
      this.stuck.stop();
      const results = await Promise.allSettled(this.runners.map((r) => r.stop(deadlineMs)));
      for (const c of this.cancelWatches) c.stop();
      // Before Redis quits: its last word deletes this worker's entries.
      await this.board.stop();
      const more = await Promise.allSettled([
        // After the runners: a handler draining within the deadline still has its threads.
        ...this.pools.map((p) => p.close()),
        ...this.limiters.map((l) => l.close()),
        this.producer.close(),
        this.lagInFlight.then(() => this.lagAdmin?.close()),
        this.redis ? this.redis.quit() : Promise.resolve(),
      ]);
      for (const r of [...results, ...more]) {
        if (r.status === 'rejected') this.log.error({ err: r.reason }, 'error while closing');
      }
      this.log.info('worker stopped');
    })();
    return this.closing;
  }
}
