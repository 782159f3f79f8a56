import { EventEmitter } from 'node:events';
import type { PartitionRef } from '../kafka/GroupConsumer.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { Job } from './Job.js';

export interface TaskEventBase {
  readonly type: string;
  readonly taskId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly key: string | null;
}

/**
 * Typed lifecycle events, separate from logs: what tests, metrics and dashboards listen to. Attach listeners
 * before `start()`: a worker may run its first tasks before `start()` resolves (one task type's group can be
 * fetching while another's still joins), and an event with no listener is not kept.
 */
export interface WorkerEvents {
  'task:started': TaskEventBase;
  'task:completed': TaskEventBase & { readonly durationMs: number };
  'task:retrying': TaskEventBase & { readonly error: Error; readonly delayMs: number };
  'task:dead-lettered': TaskEventBase & { readonly error: Error };
  /** Its id had completed before (a redelivery): acknowledged without running the handler. */
  'task:deduplicated': TaskEventBase;
  /** `cancel` named it before it started: acknowledged without running the handler. */
  'task:cancelled': TaskEventBase;
  /** `partitions` of `topics` (the task's topic, or its retry tiers). */
  'partitions:assigned': {
    readonly type: string;
    readonly topics: readonly string[];
    readonly partitions: readonly number[];
  };
  'partitions:revoked': {
    readonly type: string;
    readonly topics: readonly string[];
    readonly partitions: readonly number[];
  };
  /** An operator paused the task type (`taskstream pause`, the dashboard): this worker starts none of its tasks. */
  'type:paused': { readonly type: string };
  /** The pause was lifted: this worker starts its tasks again. */
  'type:resumed': { readonly type: string };
  /** An infrastructure error; `restarting` says whether the runtime recovers by itself. */
  error: { readonly error: Error; readonly restarting: boolean };
}

export class WorkerEventEmitter {
  private readonly emitter = new EventEmitter();

  on<E extends keyof WorkerEvents>(event: E, listener: (payload: WorkerEvents[E]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<E extends keyof WorkerEvents>(event: E, listener: (payload: WorkerEvents[E]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  emit<E extends keyof WorkerEvents>(event: E, payload: WorkerEvents[E]): void {
    // 'error' with no listener would throw in EventEmitter; ours are reported to the log instead.
    if (event === 'error' && this.emitter.listenerCount('error') === 0) return;
    this.emitter.emit(event, payload);
  }

  listens(event: keyof WorkerEvents): boolean {
    return this.emitter.listenerCount(event) > 0;
  }
}

/** Says which partitions of a task type's topics a runner lost and gained in a rebalance (when any). */
export function emitAssignmentChange(
  events: WorkerEventEmitter,
  type: string,
  revoked: readonly PartitionRef[],
  added: readonly PartitionRef[],
): void {
  for (const [event, list] of [
    ['partitions:revoked', revoked],
    ['partitions:assigned', added],
  ] as const) {
    if (list.length === 0) continue;
    events.emit(event, {
      type,
      topics: [...new Set(list.map((t) => t.topic))],
      partitions: list.map((t) => t.partition),
    });
  }
}

export function taskEvent(task: TaskDefinition, job: Job): TaskEventBase {
  const { record } = job;
  return {
    type: task.name,
    taskId: job.taskId,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    attempt: job.attempt,
    key: job.key,
  };
}
