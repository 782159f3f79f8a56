import { RecordTooLargeError, toError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { OutgoingRecord } from '../kafka/records.js';
import type { DedupeBatcher } from '../dedupe/DedupeBatcher.js';
import { deadLetterCopy, deadLetterWithoutValue, retryCopy, type FailedTask } from '../retry/HandOff.js';
import type { HandOffSender } from '../retry/HandOffSender.js';
import { decideFailure } from '../retry/RetryPolicy.js';
import { retryTiers, retryTopicOf, tierFor, type RetryTier } from '../retry/RetryTiers.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { Attempt } from './Attempt.js';
import type { Job, JobResult } from './Job.js';

/** Fault tests pause after a hand-off: the copy is durable, the source offset not yet committed. */
export type AfterHandOff = (taskId: string, topic: string) => Promise<void>;

/**
 * What a failed attempt becomes, as the retry policy decides: run again in place, a copy in a retry tier, or a
 * dead letter. A copy is handed off (written, and its dedupe mark noted) before the source offset may be
 * committed; a delayed task's hop to its next delay tier goes the same way.
 */
export class FailureHandler {
  private readonly tiers: RetryTier[];

  constructor(
    private readonly task: TaskDefinition,
    private readonly handOffs: HandOffSender,
    private readonly workerId: string,
    private readonly log: Logger,
    private readonly dedupe: DedupeBatcher | undefined,
    private readonly afterHandOff: AfterHandOff | undefined,
  ) {
    this.tiers = retryTiers(task.retry);
  }

  fail(attempt: Attempt, error: Error): void {
    const result = this.onFailure(attempt.job, error);
    if (result instanceof Promise) reportWhenSettled(attempt, result);
    else attempt.report(result);
  }

  onFailure(job: Job, error: Error): JobResult | Promise<JobResult> {
    const action = decideFailure(
      error,
      job.attempt,
      this.task.retry,
      Math.random,
      this.task.lock?.onBusy,
      job.postponed,
    );
    const failed = this.failedTask(job, error);
    if (action.kind === 'dead-letter')
      return this.handOff(job, deadLetterCopy(failed), { kind: 'dead-lettered', error });
    // A busy lock with onBusy 'reschedule' takes the retry-tier path, but its copy keeps the attempt number.
    const rescheduled = action.kind === 'reschedule';
    // In place: ordered retries, and causes that are not the task's fault (they use no attempt).
    if (!rescheduled && (this.task.retry.ordered || !action.consumesAttempt)) {
      return { kind: 'retry', error, delayMs: action.delayMs, consumesAttempt: action.consumesAttempt };
    }
    const topic = retryTopicOf(this.task.topic, tierFor(this.tiers, action.delayMs));
    return this.handOff(job, retryCopy(failed, topic, action.delayMs, Date.now(), !rescheduled), {
      kind: 'retry-handed-off',
      error,
      delayMs: action.delayMs,
      topic,
    });
  }

  private failedTask(job: Job, error: Error): FailedTask {
    const { record, taskId, attempt, postponed } = job;
    return { record, taskId, attempt, postponed, error, workerId: this.workerId };
  }

  async handOff(job: Job, copy: OutgoingRecord, result: JobResult): Promise<JobResult> {
    try {
      // The copy carries the task's id: a redelivery of this record must find the copy's mark (DedupeBatcher).
      await this.dedupe?.handingOff(job.part.answers, job.record.offset, job.ownId);
      await this.handOffs.send(copy);
      await this.afterHandOff?.(job.taskId, copy.topic);
      return result;
    } catch (err) {
      const error = 'error' in result ? result.error : toError(err);
      // Too large for the topic it was to be copied to: sending again would stall the partition for ever, so
      // it becomes a dead letter without its value (which stays readable at its original offset).
      if (err instanceof RecordTooLargeError && copy.value !== null) {
        this.log.error({ err, taskId: job.taskId, topic: copy.topic }, 'copy too large; dead-lettering without value');
        return this.handOff(job, deadLetterWithoutValue(this.failedTask(job, error)), {
          kind: 'dead-lettered',
          error,
        });
      }
      // The copy did not land: keep the task and try again, never drop it.
      this.log.error({ err, taskId: job.taskId, topic: copy.topic }, 'hand-off failed; will retry');
      return retryLater(error);
    }
  }
}

/** Reports a result that comes later; if it cannot be had (our side failed), the task is tried again later. */
export function reportWhenSettled(attempt: Attempt, result: Promise<JobResult>): void {
  result.then(
    (r) => attempt.report(r),
    (err: unknown) => attempt.report(retryLater(err)),
  );
}

/** Something on our side failed (not the handler): run the attempt again later, without using an attempt. */
export function retryLater(err: unknown): JobResult {
  return { kind: 'retry', error: toError(err), delayMs: 1000, consumesAttempt: false };
}
