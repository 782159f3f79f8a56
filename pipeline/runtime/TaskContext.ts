import { ConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { PayloadOf, TaskDefinition } from '../task/defineTask.js';
import type { ThreadedHandler } from '../threads/ThreadRunner.js';
import type { ThreadFunction, ThreadPoolSpec } from '../threads/ThreadPoolSpec.js';

/** What a handler gets beside its payload. */
export interface TaskContext {
  /** Stable across retries and redeliveries: the `ts-id` header, else `<topic>-<partition>-<offset>`. */
  readonly taskId: string;
  /** 1 on the first run. */
  readonly attempt: number;
  readonly key: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Aborts on the task's timeout and on shutdown or loss of the partition; pass it to fetch, streams, … */
  readonly signal: AbortSignal;
  /** With a task lock: grows with every grant of the lock key; pass it to stores that fence stale writers. */
  readonly fencingToken: number | undefined;
  /** Tells the runtime the handler is alive and making progress (shown in stats; group membership is kept by the runtime). */
  heartbeat(): void;
  /**
   * How far the task has got: `done` of `total` units (rows, files, bytes; leave `total` out when unknown).
   * Shown with the running task in `worker.runningTasks()`, the ops endpoint's /tasks and the
   * `taskstream_task_progress_*` metrics. Costs a field write; call it as often as is useful.
   */
  progress(done: number, total?: number): void;
  /**
   * The W3C trace context of the code that enqueued the task (the `traceparent` header), if it ran inside a
   * span or passed one. With an OpenTelemetry SDK registered, the handler also runs inside a consumer span
   * that is its child. It is on every line of `ctx.log`.
   */
  readonly traceparent: string | undefined;
  readonly log: Logger;
}

export type TaskHandler<T extends TaskDefinition> = (payload: PayloadOf<T>, ctx: TaskContext) => Promise<void> | void;

export interface HandlerBinding<T extends TaskDefinition = TaskDefinition> {
  readonly task: T;
  /** The handler; for a binding with threads, one that says it needs a Worker (which calls `threads.handler`). */
  readonly handler: TaskHandler<T>;
  /** Set by `handle(task, handler, { threads })`: the pool a Worker starts for this binding, and the handler it feeds. */
  readonly threads?: {
    readonly pool: ThreadPoolSpec;
    readonly handler: ThreadedHandler<T, ThreadFunction>;
  };
}

export interface HandlerOptions<F extends ThreadFunction> {
  /**
   * CPU-heavy work in a pool of worker threads (see `threadPool`): the Worker starts the pool with this
   * binding, closes it on shutdown, and hands the handler a runner on it as its third argument.
   */
  readonly threads: ThreadPoolSpec<F>;
}

/** Binds a handler to a task type; the payload's type follows from the declaration. */
export function handle<T extends TaskDefinition>(task: T, handler: TaskHandler<T>): HandlerBinding<T>;
/** Binds a handler that runs its CPU-heavy part in a pool of worker threads. */
export function handle<T extends TaskDefinition, F extends ThreadFunction>(
  task: T,
  handler: ThreadedHandler<T, F>,
  options: HandlerOptions<F>,
): HandlerBinding<T>;
export function handle<T extends TaskDefinition, F extends ThreadFunction>(
  task: T,
  handler: TaskHandler<T> | ThreadedHandler<T, F>,
  options?: HandlerOptions<F>,
): HandlerBinding<T> {
  if (!options?.threads) return { task, handler: handler as TaskHandler<T> };
  return {
    task,
    handler: () => {
      throw new ConfigError(
        `task "${task.name}": this handler runs its work in threads, whose pool a Worker starts; run it in a Worker`,
      );
    },
    // The runner's input and output types were checked against F where the binding was made; the Worker only
    // passes the pool's runner through.
    threads: { pool: options.threads, handler: handler as unknown as ThreadedHandler<T, ThreadFunction> },
  };
}
