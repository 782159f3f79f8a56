import { LockBusyError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { TaskCounters } from '../metrics/TaskCounters.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { Job, JobResult } from './Job.js';
import { taskEvent, type WorkerEventEmitter } from './WorkerEvents.js';

type RetryInPlace = Extract<JobResult, { kind: 'retry' }>;

/**
 * What a task's end says to the outside: counters for the metrics, worker events and log lines. Events that
 * nobody listens to are not built (completions are the hot path); failures are always logged.
 */
export class OutcomeReporter {
  constructor(
    private readonly task: TaskDefinition,
    private readonly events: WorkerEventEmitter,
    private readonly log: Logger,
    private readonly counters: TaskCounters,
  ) {}

  /** A result that ends the task's stay at this offset: completed, handed to a retry tier, or dead-lettered. */
  settled(job: Job, result: JobResult, startedAt: number | undefined): void {
    if (result.kind === 'completed') {
      // An attempt that ended synchronously has no start time: it ran within one turn of the event loop.
      const durationMs = startedAt === undefined ? 0 : Date.now() - startedAt;
      // A deduplicated task ran no handler: its time (a Redis round trip) is not a task's duration.
      if (result.deduplicated) this.counters.acknowledgedAsDone();
      else this.counters.completedIn(durationMs);
      if (this.events.listens('task:completed')) {
        this.events.emit('task:completed', { ...taskEvent(this.task, job), durationMs });
      }
    } else if (result.kind === 'dead-lettered') {
      this.counters.deadLetteredWith(result.error);
      this.log.error({ taskId: job.taskId, attempt: job.attempt, err: result.error }, 'task dead-lettered');
      this.events.emit('task:dead-lettered', { ...taskEvent(this.task, job), error: result.error });
    } else if (result.kind === 'cancelled') {
      this.counters.cancelled++;
      this.log.info({ taskId: job.taskId }, 'task cancelled; not run');
      if (this.events.listens('task:cancelled')) this.events.emit('task:cancelled', taskEvent(this.task, job));
    } else if (result.kind === 'delay-hopped') {
      this.counters.delayHops++;
    } else if (result.kind === 'retry-handed-off') {
      this.counters.retriedViaTopic++;
      const fields = { taskId: job.taskId, attempt: job.attempt, err: result.error, topic: result.topic };
      // A busy lock with onBusy 'reschedule' is the task waiting its turn, not failing.
      if (result.error instanceof LockBusyError) this.log.info(fields, 'lock busy; task rescheduled');
      else this.log.warn(fields, 'task failed; retry handed off');
      this.events.emit('task:retrying', { ...taskEvent(this.task, job), error: result.error, delayMs: result.delayMs });
    }
  }

  /** The task waits here and runs again after the delay (ordered retries, or a cause that is not its fault). */
  retryingInPlace(job: Job, result: RetryInPlace): void {
    this.counters.retriedInPlace++;
    this.log.warn(
      { taskId: job.taskId, attempt: job.attempt, err: result.error, delayMs: result.delayMs },
      'task failed; retrying',
    );
    if (this.events.listens('task:retrying')) {
      this.events.emit('task:retrying', { ...taskEvent(this.task, job), error: result.error, delayMs: result.delayMs });
    }
  }
}
