import type { TaskCodec } from '../codec/TaskCodec.js';
import { NOT_CACHED } from '../codec/TaskCodec.js';
import { toError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { TaskRateLimiter } from '../ratelimit/TaskRateLimiter.js';
import type { DeadLetterWriter } from '../retry/DeadLetterWriter.js';
import { decideFailure } from '../retry/RetryPolicy.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { Job } from './PartitionWork.js';
import { runHandler } from './runHandler.js';
import type { TaskContext, TaskHandler } from './TaskContext.js';

export type JobResult =
  | { readonly kind: 'completed' }
  | { readonly kind: 'retry'; readonly error: Error; readonly delayMs: number; readonly consumesAttempt: boolean }
  | { readonly kind: 'dead-lettered'; readonly error: Error };

/** One attempt of one task: decode, rate limit, handler, and what the failure policy says to do next. */
export class JobExecutor {
  constructor(
    private readonly task: TaskDefinition,
    private readonly handler: TaskHandler<TaskDefinition>,
    private readonly codec: TaskCodec,
    private readonly limiter: TaskRateLimiter | undefined,
    private readonly deadLetters: DeadLetterWriter,
    private readonly log: Logger,
    private readonly onStart: (job: Job) => void,
    private readonly onHeartbeat: (job: Job) => void,
  ) {}

  async execute(job: Job): Promise<JobResult> {
    let error: Error;
    try {
      job.payload ??= await this.decode(job);
      const outcome = await (this.limiter ? this.limiter.run(() => this.attempt(job)) : this.attempt(job));
      if (outcome.ok) return { kind: 'completed' };
      error = outcome.error;
    } catch (err) {
      error = toError(err);
    }
    return this.onFailure(job, error);
  }

  private async decode(job: Job): Promise<unknown> {
    const cached = this.codec.decodeCached(job.record.value);
    return cached === NOT_CACHED ? this.codec.decode(job.record.value) : cached;
  }

  private attempt(job: Job): ReturnType<typeof runHandler> {
    this.onStart(job);
    return runHandler(
      (signal) => this.handler(job.payload as never, this.context(job, signal)),
      this.task.timeoutMs,
      job.part.abort.signal,
    );
  }

  private context(job: Job, signal: AbortSignal): TaskContext {
    const { record } = job;
    const onHeartbeat = this.onHeartbeat;
    const log = this.log;
    return {
      taskId: job.taskId,
      attempt: job.attempt,
      key: job.key,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      signal,
      heartbeat: () => onHeartbeat(job),
      // Built only when a handler logs: a child logger per task would cost on the hot path.
      get log() {
        return log.child({
          taskId: job.taskId,
          partition: record.partition,
          offset: record.offset,
          attempt: job.attempt,
        });
      },
    };
  }

  private async onFailure(job: Job, error: Error): Promise<JobResult> {
    const action = decideFailure(error, job.attempt, this.task.retry);
    if (action.kind === 'retry') {
      return { kind: 'retry', error, delayMs: action.delayMs, consumesAttempt: action.consumesAttempt };
    }
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
