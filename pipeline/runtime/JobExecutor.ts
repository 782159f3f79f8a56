import type { TaskCodec } from '../codec/TaskCodec.js';
import { NOT_CACHED } from '../codec/TaskCodec.js';
import { toError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { TaskRateLimiter } from '../ratelimit/TaskRateLimiter.js';
import type { DeadLetterWriter } from '../retry/DeadLetterWriter.js';
import { decideFailure } from '../retry/RetryPolicy.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { Attempt, AttemptOutcome } from './Attempt.js';
import type { Job } from './PartitionWork.js';
import type { TaskHandler } from './TaskContext.js';

export type JobResult =
  | { readonly kind: 'completed' }
  | { readonly kind: 'retry'; readonly error: Error; readonly delayMs: number; readonly consumesAttempt: boolean }
  | { readonly kind: 'dead-lettered'; readonly error: Error };

const COMPLETED: JobResult = Object.freeze({ kind: 'completed' });

export interface ExecutorHooks {
  onStart(job: Job): void;
}

/**
 * One attempt of one task: decode, rate limit, handler, and what the failure policy says to do next.
 * Synchronous all the way when it can be (decoded schema cached, no rate limit, a handler that returns no
 * promise): the no-op path allocates no promise.
 */
export class JobExecutor {
  constructor(
    private readonly task: TaskDefinition,
    private readonly handler: TaskHandler<TaskDefinition>,
    private readonly codec: TaskCodec,
    private readonly limiter: TaskRateLimiter | undefined,
    private readonly deadLetters: DeadLetterWriter,
    private readonly log: Logger,
    private readonly hooks: ExecutorHooks,
  ) {}

  execute(job: Job, attempt: Attempt): JobResult | Promise<JobResult> {
    if (job.payload === undefined) {
      let decoded: unknown;
      try {
        decoded = this.codec.decodeCached(job.record.value);
      } catch (err) {
        return this.onFailure(job, toError(err));
      }
      if (decoded === NOT_CACHED) return this.decodeThenRun(job, attempt);
      job.payload = decoded;
    }
    const outcome = this.limiter ? this.limiter.run(async () => this.invoke(job, attempt)) : this.invoke(job, attempt);
    return outcome instanceof Promise ? outcome.then((o) => this.toResult(job, o)) : this.toResult(job, outcome);
  }

  private async decodeThenRun(job: Job, attempt: Attempt): Promise<JobResult> {
    try {
      job.payload = await this.codec.decode(job.record.value);
    } catch (err) {
      return this.onFailure(job, toError(err));
    }
    return this.execute(job, attempt);
  }

  private invoke(job: Job, attempt: Attempt): AttemptOutcome | Promise<AttemptOutcome> {
    this.hooks.onStart(job);
    return attempt.run((ctx) => this.handler(job.payload as never, ctx));
  }

  private toResult(job: Job, outcome: AttemptOutcome): JobResult | Promise<JobResult> {
    return outcome.ok ? COMPLETED : this.onFailure(job, outcome.error);
  }

  private onFailure(job: Job, error: Error): JobResult | Promise<JobResult> {
    const action = decideFailure(error, job.attempt, this.task.retry);
    if (action.kind === 'retry') {
      return { kind: 'retry', error, delayMs: action.delayMs, consumesAttempt: action.consumesAttempt };
    }
    return this.deadLetter(job, error);
  }

  private async deadLetter(job: Job, error: Error): Promise<JobResult> {
    try {
      await this.deadLetters.write({ record: job.record, taskId: job.taskId, attempts: job.attempt, error });
      return { kind: 'dead-lettered', error };
    } catch (err) {
      // The dead-letter topic is unreachable: keep the task and try again, never drop it.
      this.log.error({ err, taskId: job.taskId }, 'writing to the dead-letter topic failed; will retry');
      return { kind: 'retry', error, delayMs: 1000, consumesAttempt: false };
    }
  }
}
