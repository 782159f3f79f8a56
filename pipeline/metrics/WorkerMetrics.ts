import { Counter, Gauge, type Registry } from 'prom-client';
import { PrecountedHistogram } from './PrecountedHistogram.js';
import type { TaskCounters } from './TaskCounters.js';
import type { RunningTask } from '../runtime/RunningTask.js';

/** What the metrics read from a worker when scraped. */
export interface MetricsSource {
  /** Outcome counts per task type. */
  counters(): ReadonlyMap<string, TaskCounters>;
  /** Tasks held and running per task type, and fetched records waiting for room (the worker's stats). */
  stats(): {
    readonly buffered: number;
    readonly byType: Readonly<Record<string, { readonly held: number; readonly running: number }>>;
  };
  /** The asynchronous tasks running now, with their last reported progress. */
  runningTasks(): readonly RunningTask[];
  /** The task topic's partitions owned now, per task type. */
  assignment(): Record<string, number[]>;
  /** Lag of the task topic's partitions this worker owns, from the brokers (so each partition has one reporter). */
  lag(): Promise<readonly OwnedPartitionLag[]>;
}

export interface OwnedPartitionLag {
  readonly type: string;
  readonly partition: number;
  /** End offset minus the group's committed offset: tasks written and not yet completed and committed. */
  readonly lag: number;
}

/**
 * Registers a worker's metrics in a prom-client registry. Every value is read when scraped, so the worker's
 * hot path only adds to plain numbers: nothing here runs per task.
 */
export function registerWorkerMetrics(registry: Registry, source: MetricsSource, prefix = 'taskstream_'): void {
  const registers = [registry];
  // Each metric is reset and refilled from the source at every scrape.
  const counter = <L extends string>(name: string, help: string, labelNames: L[], fill: (c: Counter<L>) => void) =>
    new Counter<L>({ name: `${prefix}${name}`, help, labelNames, registers, collect: refill(fill) });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>) => void) =>
    new Gauge<L>({ name: `${prefix}${name}`, help, labelNames, registers, collect: refill(fill) });
  const types = (): [string, TaskCounters][] => [...source.counters()];

  counter('tasks_completed_total', 'Tasks done at their offset (deduplicated ones included).', ['type'], (m) => {
    for (const [type, c] of types()) m.inc({ type }, c.completed);
  });
  counter('tasks_deduplicated_total', 'Redelivered tasks acknowledged without running the handler.', ['type'], (m) => {
    for (const [type, c] of types()) m.inc({ type }, c.deduplicated);
  });
  counter('tasks_cancelled_total', 'Tasks reached after `cancel` named them, acknowledged unrun.', ['type'], (m) => {
    for (const [type, c] of types()) m.inc({ type }, c.cancelled);
  });
  counter('delay_hops_total', 'Delayed tasks moved on to the next delay tier, one per hop.', ['type'], (m) => {
    for (const [type, c] of types()) m.inc({ type }, c.delayHops);
  });
  counter(
    'tasks_retried_total',
    'Failed attempts that will run again: in place (ordered retries, or a cause that is not the task) or through a retry topic.',
    ['type', 'via'],
    (m) => {
      for (const [type, c] of types()) {
        m.inc({ type, via: 'in_place' }, c.retriedInPlace);
        m.inc({ type, via: 'retry_topic' }, c.retriedViaTopic);
      }
    },
  );
  counter(
    'tasks_dead_lettered_total',
    "Tasks copied to the dead-letter topic, by failureCode: the error's code when it has one and a retriable flag, else HANDLER_ERROR.",
    ['type', 'code'],
    (m) => {
      for (const [type, c] of types()) for (const [code, n] of c.deadLettered) m.inc({ type, code }, n);
    },
  );
  counter('tasks_stuck_total', "Tasks that ran longer than their type's expectedMs.", ['type'], (m) => {
    for (const [type, c] of types()) m.inc({ type }, c.stuck);
  });
  registry.registerMetric(
    new PrecountedHistogram(
      `${prefix}task_duration_seconds`,
      'Run time of completed tasks, from the attempt start (waits for a rate limit or lock included) to its end; a handler that returns no promise counts as 0.',
      () => source.counters(),
    ),
  );
  gauge(
    'tasks_held',
    'Tasks in memory (in key queues or running), per type; bounded by maxHeldTasks.',
    ['type'],
    (g) => {
      for (const [type, t] of Object.entries(source.stats().byType)) g.set({ type }, t.held);
    },
  );
  gauge('tasks_running', 'Handlers running now, per type.', ['type'], (g) => {
    for (const [type, t] of Object.entries(source.stats().byType)) g.set({ type }, t.running);
  });
  gauge('records_buffered', 'Fetched records waiting for room, across types.', [], (g) =>
    g.set(source.stats().buffered),
  );
  new Gauge({
    name: `${prefix}partition_lag`,
    help: "Tasks written and not yet committed, per partition of each type's task topic that this worker owns (asked of the brokers when scraped; sum over instances for a type's lag).",
    labelNames: ['type', 'partition'],
    registers,
    async collect() {
      // The brokers not answering (or not within 2 s) leaves the series out rather than failing the scrape.
      const lags = await withinMs(2000, source.lag()).catch((): readonly OwnedPartitionLag[] => []);
      // Reset and refill with no await between: two overlapping scrapes must not mix their series.
      this.reset();
      for (const { type, partition, lag } of lags) this.set({ type, partition }, lag);
    },
  });
  // One series per running task that reports progress: as many as such tasks run at once, gone at the next
  // scrape after the task ends (the gauges are refilled at every scrape).
  const progressing = () => source.runningTasks().filter((t) => t.progress !== undefined);
  gauge(
    'task_progress_done',
    'Units done (rows, files…) of each running task that reports progress with ctx.progress(done, total).',
    ['type', 'task_id'],
    (g) => {
      for (const t of progressing()) g.set({ type: t.type, task_id: t.taskId }, t.progress?.done ?? 0);
    },
  );
  gauge(
    'task_progress_total',
    'Units in all of each running task that reports progress with a total (done/total is how far it is).',
    ['type', 'task_id'],
    (g) => {
      for (const t of progressing()) {
        if (t.progress?.total !== undefined) g.set({ type: t.type, task_id: t.taskId }, t.progress.total);
      }
    },
  );
  gauge('partitions_assigned', "Partitions of each type's task topic this worker owns.", ['type'], (g) => {
    for (const [type, partitions] of Object.entries(source.assignment())) g.set({ type }, partitions.length);
  });
}

/** The promise's value, or a rejection once `ms` pass. */
function withinMs<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A collect function: prom-client calls it with the metric as `this` before reading its values. */
function refill<M extends { reset(): void }>(fill: (metric: M) => void): (this: M) => void {
  return function (this: M) {
    this.reset();
    fill(this);
  };
}
