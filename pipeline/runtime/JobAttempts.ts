import { HandlerTimeoutError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { Attempt, type AttemptOwner } from './Attempt.js';
import { retryLater } from './FailureHandler.js';
import type { Job, JobResult } from './Job.js';
import type { JobExecutor } from './JobExecutor.js';
import type { OutcomeReporter } from './OutcomeReporter.js';
import type { PartitionWork } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';
import type { RunnerTimers } from './RunnerTimers.js';

/** What the attempts need of their runner. */
export interface AttemptsHost {
  /** Whether the runner stopped: then no job waits for another attempt. */
  stopped(): boolean;
  /** Starts what may start (an attempt ended, so there is room). */
  pump(): void;
  /** `n` jobs of the partition leave memory: the partition and the process get their room back. */
  drop(part: PartitionWork, n: number): void;
}

/**
 * A runner's jobs from their start to their result: an attempt each time one runs, and what its result means
 * for the job: done for its offset, run again here after a backoff (its key held meanwhile), a delayed task
 * waiting for its time (its key free), or let go (its partition revoked or the runner stopped). Also enforces
 * the timeout, by a sweep rather than a timer per task.
 */
export class JobAttempts {
  /** Attempts running now, synchronous ones included while they run. */
  running = 0;
  /** Every attempt's owner: one object, so an attempt needs no closure of its own. */
  private readonly owner: AttemptOwner = {
    ended: (attempt, result) => this.end(attempt, result),
    heartbeat: (job) => (job.lastHeartbeatAt = Date.now()),
  };

  constructor(
    private readonly task: TaskDefinition,
    private readonly executor: JobExecutor,
    private readonly budget: ProcessBudget,
    private readonly reporter: OutcomeReporter,
    private readonly timers: RunnerTimers,
    private readonly log: Logger,
    private readonly host: AttemptsHost,
  ) {}

  run(job: Job): void {
    this.running++;
    const part = job.part;
    part.running++;
    this.budget.started();
    const attempt = new Attempt(job, this.owner, this.log);
    try {
      this.executor.execute(attempt);
    } catch (err) {
      // A bug of ours, not the handler's (its throws are outcomes): keep the task and try it again.
      this.end(attempt, retryLater(err));
    }
    if (!attempt.ended) {
      this.holdKey(job);
      part.attempts.add(attempt);
      attempt.startedAt = Date.now();
    }
  }

  /** Aborts the attempts whose handler has run past the timeout. */
  sweepTimeouts(attempts: Iterable<Attempt>): void {
    const startedBefore = Date.now() - this.task.timeoutMs;
    for (const attempt of attempts) {
      if (attempt.waitingForSlot) continue;
      if ((attempt.startedAt ?? Infinity) <= startedBefore) attempt.abort(new HandlerTimeoutError(this.task.timeoutMs));
    }
  }

  private holdKey(job: Job): void {
    // A delayed task keeps no key order: later tasks of its key do not wait for it, nor it for them.
    if (job.keyHeld || job.runAt !== undefined) return;
    job.part.queue.markRunning(job.lane);
    job.keyHeld = true;
  }

  private end(attempt: Attempt, result: JobResult): void {
    if (attempt.ended) return;
    attempt.ended = true;
    this.settle(attempt.job, attempt, result);
    this.executor.ended(attempt);
  }

  private settle(job: Job, attempt: Attempt, result: JobResult): void {
    this.running--;
    const part = job.part;
    part.running--;
    part.attempts.delete(attempt);
    this.budget.finished();
    if (result.kind === 'wait' && !part.revoked && !this.host.stopped()) {
      this.waitForTime(job, result.delayMs);
    } else if (result.kind === 'retry' && !part.revoked && !this.host.stopped()) {
      // The key stays running through the wait, so nothing after it in its key overtakes it.
      this.holdKey(job);
      this.scheduleRetry(job, result);
    } else {
      if (result.kind !== 'retry' && result.kind !== 'wait' && !part.revoked) {
        // Completed, or safely handed off to a retry tier or the dead-letter topic: done for this offset.
        part.tracker.complete(job.ticket);
        if (job.keyHeld) part.queue.release(job.lane);
        this.reporter.settled(job, result, attempt.startedAt);
      }
      this.host.drop(part, 1);
    }
    this.host.pump();
  }

  private scheduleRetry(job: Job, result: Extract<JobResult, { kind: 'retry' }>): void {
    this.reporter.retryingInPlace(job, result);
    this.timers.after(result.delayMs, () => {
      if (job.part.revoked || this.host.stopped()) return this.host.drop(job.part, 1);
      if (result.consumesAttempt) job.attempt++;
      else job.postponed++;
      // The key stayed running through the wait, so nothing after it in its key has overtaken it.
      this.run(job);
      this.host.pump();
    });
  }

  /**
   * A delayed task less than the shortest delay tier from its time waits here, held (its offset uncommitted, so
   * a crash redelivers it) but with its key free.
   */
  private waitForTime(job: Job, delayMs: number): void {
    if (job.keyHeld) {
      job.part.queue.release(job.lane);
      job.keyHeld = false;
    }
    this.timers.after(delayMs, () => {
      if (job.part.revoked || this.host.stopped()) return this.host.drop(job.part, 1);
      this.run(job);
      this.host.pump();
    });
  }
}
