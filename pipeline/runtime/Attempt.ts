import { toError } from '../errors.js';
import { HEADER } from '../task/headers.js';
import { isThenable } from './isThenable.js';
import type { Logger } from '../logging/logger.js';
import type { Job, JobResult } from './Job.js';
import type { TaskContext } from './TaskContext.js';
import type { TaskProgress } from './RunningTask.js';

export type AttemptOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export const SUCCEEDED: AttemptOutcome = Object.freeze({ ok: true });

/** Who runs attempts (a runner): one object for all its attempts, so no attempt needs a closure of its own. */
export interface AttemptOwner {
  /** The attempt's result, from `report`. */
  ended(attempt: Attempt, result: JobResult): void;
  /** The handler called `ctx.heartbeat()`. */
  heartbeat(job: Job): void;
}

/** Receives a handler's outcome; gets the attempt too, so one function serves every attempt. */
export type OutcomeCallback = (outcome: AttemptOutcome, attempt: Attempt) => void;

/**
 * One run of a handler, and the context the handler gets. Its AbortSignal and child logger are created only
 * if the handler asks, and its timeout is enforced by the runner's sweep rather than a timer per task: all of
 * which matters at hundreds of thousands of tasks a second. Aborting ends the attempt at once, even if the
 * handler ignores its signal.
 */
export class Attempt implements TaskContext {
  private controller: AbortController | undefined;
  private abortReason: Error | undefined;
  /** Set while an asynchronous handler runs: who gets its outcome (once, or early on abort). */
  private done: OutcomeCallback | undefined;
  private childLog: Logger | undefined;
  fencingToken: number | undefined;
  /** The last `ctx.progress()`, if the handler ever called it: one object per attempt, rewritten in place. */
  progressed: TaskProgress | undefined = undefined;
  /**
   * The runner's bookkeeping: whether its result was taken, and when it went asynchronous (its timeout counts
   * from then; an attempt that ends synchronously never needs the clock).
   */
  ended = false;
  startedAt: number | undefined;
  /** Waiting for a rate-limit slot: its handler has not started, so its timeout does not run yet. */
  waitingForSlot = false;
  /** Its index in the partition's AttemptList while it runs asynchronously, else -1. */
  slot = -1;

  constructor(
    readonly job: Job,
    private readonly owner: AttemptOwner,
    private readonly baseLog: Logger,
  ) {}

  /** Hands the attempt's result to its owner. */
  report(result: JobResult): void {
    this.owner.ended(this, result);
  }

  get taskId(): string {
    return this.job.taskId;
  }
  get attempt(): number {
    return this.job.attempt;
  }
  get key(): string | null {
    return this.job.key;
  }
  get topic(): string {
    return this.job.record.topic;
  }
  get partition(): number {
    return this.job.record.partition;
  }
  get offset(): string {
    return this.job.record.offset;
  }

  get traceparent(): string | undefined {
    return this.job.record.headers[HEADER.traceparent];
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get log(): Logger {
    this.childLog ??= this.baseLog.child({
      taskId: this.taskId,
      partition: this.partition,
      offset: this.offset,
      attempt: this.attempt,
      ...(this.traceparent === undefined ? {} : { traceparent: this.traceparent }),
    });
    return this.childLog;
  }

  heartbeat(): void {
    this.owner.heartbeat(this.job);
  }

  progress(done: number, total?: number): void {
    if (!isCount(done) || (total !== undefined && !isCount(total))) {
      throw new RangeError(`ctx.progress(done, total) takes numbers of 0 or more, got (${done}, ${total})`);
    }
    const at = Date.now();
    if (this.progressed === undefined) this.progressed = { done, total, at };
    else Object.assign(this.progressed, { done, total, at });
  }

  abort(reason: Error): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.finish({ ok: false, error: reason });
  }

  /**
   * Runs the handler and hands its outcome to `done`, exactly once: before `start` returns when the handler is
   * synchronous, later when it returns a promise, at once when the attempt is aborted. Every thrown value (a
   * string, undefined, a TypeError) becomes a failed outcome: nothing a handler throws may reach the Kafka client.
   * Callbacks rather than promises because this is per task: a promise chain cost four promises a task.
   */
  start<P>(handler: (payload: P, ctx: TaskContext) => unknown, payload: P, done: OutcomeCallback): void {
    // Aborted while it waited (say, in the rate limiter): the handler must not start at all.
    if (this.abortReason) return done({ ok: false, error: this.abortReason }, this);
    let result: unknown;
    try {
      result = handler(payload, this);
    } catch (thrown) {
      return done({ ok: false, error: toError(thrown) }, this);
    }
    if (!isThenable(result)) return done(SUCCEEDED, this);
    this.done = done;
    if (this.abortReason) return this.finish({ ok: false, error: this.abortReason });
    result.then(
      () => this.finish(SUCCEEDED),
      (thrown: unknown) => this.finish({ ok: false, error: toError(thrown) }),
    );
  }

  /** `start` as a promise, for callers that await (the guarded path). */
  run<P>(handler: (payload: P, ctx: TaskContext) => unknown, payload: P): Promise<AttemptOutcome> {
    return new Promise((resolve) => this.start(handler, payload, resolve));
  }

  private finish(outcome: AttemptOutcome): void {
    const done = this.done;
    if (done === undefined) return;
    this.done = undefined;
    done(outcome, this);
  }
}

function isCount(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}
