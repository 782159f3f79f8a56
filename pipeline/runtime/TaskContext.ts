import type { Logger } from '../logging/logger.js';
import type { PayloadOf, TaskDefinition } from '../task/defineTask.js';

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
  readonly log: Logger;
}

export type TaskHandler<T extends TaskDefinition> = (payload: PayloadOf<T>, ctx: TaskContext) => Promise<void> | void;

export interface HandlerBinding<T extends TaskDefinition = TaskDefinition> {
  readonly task: T;
  readonly handler: TaskHandler<T>;
}

/** Binds a handler to a task type; the payload's type follows from the declaration. */
export function handle<T extends TaskDefinition>(task: T, handler: TaskHandler<T>): HandlerBinding<T> {
  return { task, handler };
}
