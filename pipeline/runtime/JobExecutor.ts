import type { TaskCodec } from '../codec/TaskCodec.js';
import { NOT_CACHED } from '../codec/TaskCodec.js';
import { PayloadTooLargeError, TaskstreamError, toError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { TaskRateLimiter } from '../ratelimit/TaskRateLimiter.js';
import type { HandOffSender } from '../retry/HandOffSender.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { CancelWatch } from '../cancel/CancelWatch.js';
import { delayedRecord, delayTierFor, delayTiers, type DelayTier } from '../delay/DelayLadder.js';
import type { DedupeBatcher } from '../dedupe/DedupeBatcher.js';
import { headerText } from '../kafka/FetchedRecord.js';
import type { FetchedMessage } from '../kafka/records.js';
import { HEADER } from '../task/headers.js';
import type { HeldLock, TaskLocks } from '../locks/TaskLocks.js';
import type { Attempt, AttemptOutcome } from './Attempt.js';
import type { Job, JobResult } from './Job.js';
import type { PartitionWork } from './PartitionWork.js';
import type { TaskHandler } from './TaskContext.js';
import { FailureHandler, reportWhenSettled, retryLater, type AfterHandOff } from './FailureHandler.js';

const COMPLETED: JobResult = Object.freeze({ kind: 'completed' });
/** Done before (a dedupe mark): acknowledged without running the handler. */
const DEDUPLICATED: JobResult = Object.freeze({ kind: 'completed', deduplicated: true });
const CANCELLED: JobResult = Object.freeze({ kind: 'cancelled' });
/** Why an attempt still waiting for a rate-limit slot at shutdown is let go (it never started). */
const SHUTTING_DOWN = new TaskstreamError('SHUTDOWN', 'worker is shutting down before the task got a rate-limit slot');

export interface ExecutorHooks {
  onStart(job: Job): void;
  onDeduplicated(job: Job): void;
  /** Fault tests pause here: the copy is durable, the source offset not yet committed. */
  afterHandOff?: AfterHandOff;
}

/** Coordination through Redis, present only when the task type asks for it. */
export interface ExecutorGuards {
  readonly dedupe?: DedupeBatcher;
  readonly locks?: TaskLocks;
  readonly cancels?: CancelWatch;
}

/**
 * One attempt of one task: decode, rate limit, handler, and what the failure policy says to do next.
 * Synchronous all the way when it can be (decoded schema cached, no rate limit, a handler that returns no
 * promise): the no-op path allocates no promise, and an asynchronous handler costs one.
 */
export class JobExecutor {
  constructor(
    private readonly task: TaskDefinition,
    private readonly handler: TaskHandler<TaskDefinition>,
    private readonly codec: TaskCodec,
    private readonly limiter: TaskRateLimiter | undefined,
    handOffs: HandOffSender,
    workerId: string,
    log: Logger,
    private readonly hooks: ExecutorHooks,
    private readonly guards: ExecutorGuards = {},
  ) {
    this.failures = new FailureHandler(task, handOffs, workerId, log, guards.dedupe, hooks.afterHandOff);
    this.delayTiers = delayTiers(task.maxDelayMs);
  }

  private readonly failures: FailureHandler;
  private readonly delayTiers: DelayTier[];
  private readonly delayedRunning = new Map<string, { attempt: Attempt; waiting: Attempt[] }>();
  /** The handler's outcome, for every attempt: one function, not a closure per task. */
  private readonly concluded = (outcome: AttemptOutcome, attempt: Attempt): void => {
    const job = attempt.job;
    // Queued before its result, so before its offset can be committed (commits wait until it is stored).
    if (outcome.ok) void this.guards.dedupe?.markDone(job.part.answers, job.record.offset, job.ownId);
    this.conclude(attempt, outcome);
  };

  /** The outcome of a run started at once under a limit that counts runs (maxConcurrent): it ended there too. */
  private readonly endedInLimit = (outcome: AttemptOutcome, attempt: Attempt): void => {
    this.limiter?.ended(attempt.job.payload);
    this.concluded(outcome, attempt);
  };

  /**
   * Fetched records that will run: their dedupe answers are asked now, all in one round trip. Returns when they
   * may start, if not at once: their answers are in, and Redis has stored the marks sent before them.
   */
  expect(
    part: PartitionWork,
    records: readonly FetchedMessage[],
    from: number,
    to: number,
    fetchTicket = Number.POSITIVE_INFINITY,
  ): Promise<void> | undefined {
    const dedupe = this.guards.dedupe;
    if (dedupe === undefined) return undefined;
    let answered: Promise<void> | undefined;
    for (let i = from; i < to; i++) {
      const record = records[i] as FetchedMessage;
      answered = dedupe.expect(part.answers, record.offset, headerText(record, HEADER.id)) ?? answered;
    }
    // Answers come after the marks sent before them, so waiting for them also waits out a backlog of marks.
    const ready = answered ?? dedupe.backlog();
    // Cancellations: a read begun after this fetch was sent (one GET while none is outstanding), with the answers.
    const read = this.guards.cancels?.readSince(fetchTicket);
    return read === undefined || ready === undefined ? (ready ?? read) : Promise.all([ready, read]).then(noop);
  }

  /**
   * One of this type's consumers is about to send a fetch: returns the ticket its records pass to `expect`.
   * `busy`: its last fetch brought records, so the cancel read begins now, overlapping the fetch.
   */
  fetchStarting(busy: boolean): number | undefined {
    return this.guards.cancels?.fetchStarting(busy);
  }

  /** Settles once the done mark of every task completed so far is stored (or failed): commits wait for it. */
  marksWritten(): Promise<void> | undefined {
    return this.guards.dedupe?.written();
  }

  /** Runs the attempt; it reports its result before this returns when everything on the way is synchronous. */
  execute(attempt: Attempt): void {
    const dedupe = this.guards.dedupe;
    if (dedupe === undefined) return this.begin(attempt);
    // First, before anything that can fail: every attempt takes its record's answer (usually here already: it
    // was asked when the record was fetched). One that never got this far (a payload too large or that does not
    // decode, then dead-lettered) would leave it in its partition's book for good, holding the book's memory.
    const job = attempt.job;
    const done = dedupe.check(job.part.answers, job.record.offset, job.ownId);
    if (typeof done === 'boolean') return this.runUnlessDone(attempt, done);
    done.then((d) => this.runUnlessDone(attempt, d)).catch((err: unknown) => attempt.report(retryLater(err)));
  }

  private runUnlessDone(attempt: Attempt, done: boolean): void {
    if (!done) return this.begin(attempt);
    this.acknowledgeDone(attempt);
  }

  /** A task not done before: unless cancelled, or delayed and not yet due (it hops or waits), it runs. */
  private begin(attempt: Attempt): void {
    const job = attempt.job;
    const runAt = job.runAt;
    if (runAt === undefined) return this.runUnlessCancelled(attempt, this.guards.cancels?.cancelled(job.taskId));
    // One reading of the clock for the tier and its copy: a second one, a millisecond later at a tier's edge,
    // would find the chosen tier too long and send the copy back to the task's topic for an extra hop.
    const now = Date.now();
    const left = runAt - now;
    const tier = left > 0 ? delayTierFor(this.delayTiers, left) : undefined;
    if (left > 0 && tier === undefined) return attempt.report({ kind: 'wait', delayMs: left });
    if (tier !== undefined) {
      if (this.guards.cancels?.cancelled(job.taskId)) return attempt.report(CANCELLED);
      return this.hop(attempt, runAt, tier, now);
    }
    // Copies of one delayed task (a hop repeated after a crash) meet at its time: one runs, the others wait for
    // it and then ask dedupe again, which then knows it done.
    const ahead = this.delayedRunning.get(job.taskId);
    if (ahead !== undefined) return void ahead.waiting.push(attempt);
    this.delayedRunning.set(job.taskId, { attempt, waiting: [] });
    // Its answers may be older than its wait: a copy of it may have completed since (its hop repeated after a
    // crash), and a cancel may have come. Both are asked again; a round trip per delayed task, not per task.
    const dedupe = this.guards.dedupe;
    const done = dedupe?.check(job.part.answers, job.record.offset, job.ownId) ?? false;
    if (done === false) return this.runUnlessCancelled(attempt, this.guards.cancels?.fresh(job.taskId));
    if (done === true) return this.acknowledgeDone(attempt);
    done.then(
      (d) =>
        d ? this.acknowledgeDone(attempt) : this.runUnlessCancelled(attempt, this.guards.cancels?.fresh(job.taskId)),
      (err: unknown) => attempt.report(retryLater(err)),
    );
  }

  private acknowledgeDone(attempt: Attempt): void {
    this.hooks.onDeduplicated(attempt.job);
    attempt.report(DEDUPLICATED);
  }

  private runUnlessCancelled(attempt: Attempt, cancelled: boolean | Promise<boolean> | undefined): void {
    if (cancelled === undefined || cancelled === false) return this.run(attempt);
    if (cancelled === true) return attempt.report(CANCELLED);
    cancelled.then(
      (c) => (c ? attempt.report(CANCELLED) : this.run(attempt)),
      (err: unknown) => attempt.report(retryLater(err)),
    );
  }

  /** The runner says an attempt ended: copies of a delayed task waiting for it go on. */
  ended(attempt: Attempt): void {
    if (this.delayedRunning.size === 0) return;
    const id = attempt.job.taskId;
    const running = this.delayedRunning.get(id);
    if (running?.attempt !== attempt) return;
    this.delayedRunning.delete(id);
    for (const waiting of running.waiting) this.execute(waiting);
  }

  /** The next step of a delayed task's wait: a copy in the tier that fits what is left of it. */
  private hop(attempt: Attempt, runAt: number, tier: DelayTier, now: number): void {
    const { record, taskId } = attempt.job;
    const base = { key: record.key, value: record.value, headers: { ...record.headers, [HEADER.id]: taskId } };
    const copy = delayedRecord({ ...base, topic: record.topic }, this.task.topic, [tier], runAt, now);
    reportWhenSettled(attempt, this.failures.handOff(attempt.job, copy, { kind: 'delay-hopped', topic: copy.topic }));
  }

  /** Decode, then lock, rate limit and handler, as far as the task type has them. */
  private run(attempt: Attempt): void {
    const job = attempt.job;
    if (job.payload === undefined) {
      const size = job.record.value?.length ?? 0;
      if (size > this.task.maxBytes)
        return this.failures.fail(attempt, new PayloadTooLargeError(this.task.name, size, this.task.maxBytes));
      let decoded: unknown;
      try {
        decoded = this.codec.decodeCached(job.record.value);
      } catch (err) {
        return this.failures.fail(attempt, toError(err));
      }
      if (decoded === NOT_CACHED) return this.decodeThenRun(attempt);
      job.payload = decoded;
    }
    if (this.task.lock) return reportWhenSettled(attempt, this.locked(job, attempt));
    const limiter = this.limiter;
    if (limiter?.tryStart(job.payload)) {
      // A start was free: as synchronous as without a limit.
      this.hooks.onStart(job);
      return attempt.start(this.handler, job.payload as never, limiter.countsRuns ? this.endedInLimit : this.concluded);
    }
    if (limiter) {
      this.limited(limiter, job, attempt).then(
        (outcome) => this.concluded(outcome, attempt),
        (err: unknown) => attempt.report(retryLater(err)),
      );
      return;
    }
    this.hooks.onStart(job);
    attempt.start(this.handler, job.payload as never, this.concluded);
  }

  /** Lock, rate limit, handler, done mark: each step may wait for Redis. */
  private async locked(job: Job, attempt: Attempt): Promise<JobResult> {
    const { dedupe, locks } = this.guards;
    let held: HeldLock | undefined;
    if (this.task.lock && locks) {
      const key = this.task.lock.key(job.payload as never);
      try {
        held = await locks.acquire(key, this.task.lock.leaseMs, (lost) => attempt.abort(lost));
      } catch (err) {
        return this.failures.onFailure(job, toError(err));
      }
      attempt.fencingToken = held.fencingToken;
    }
    try {
      const outcome = await (this.limiter ? this.limited(this.limiter, job, attempt) : this.invoke(job, attempt));
      if (!outcome.ok) return await this.failures.onFailure(job, outcome.error);
      const marked = dedupe?.markDone(job.part.answers, job.record.offset, job.ownId);
      // Stored before the lock is released, as before marks were batched (commits would wait for it anyway).
      if (held) await marked;
      return COMPLETED;
    } finally {
      await held?.release();
    }
  }

  private decodeThenRun(attempt: Attempt): void {
    this.codec.decode(attempt.job.record.value).then(
      (payload) => {
        attempt.job.payload = payload;
        this.run(attempt);
      },
      (err: unknown) => this.failures.fail(attempt, toError(err)),
    );
  }

  /**
   * The handler in a rate-limit slot. Its timeout counts from its start, not while it waits for the slot. An
   * abort while it waits (shutdown, a revoked partition, a lost lock) takes it out of the limiter's line at once,
   * with the abort as its outcome, as if the handler had been aborted: a shutdown's or a revoke's lets it go
   * (not completed, not committed). The limiter's own failure (Redis) rejects: it is tried again later.
   */
  private limited(limiter: TaskRateLimiter, job: Job, attempt: Attempt): Promise<AttemptOutcome> {
    const signal = attempt.signal;
    attempt.waitingForSlot = true;
    const inSlot = (): Promise<AttemptOutcome> => {
      attempt.waitingForSlot = false;
      attempt.startedAt = Date.now();
      return this.invoke(job, attempt);
    };
    return limiter.run(job.payload, inSlot, signal).catch((err: unknown) => {
      if (signal.aborted || err === SHUTTING_DOWN) return { ok: false, error: toError(err) };
      throw err;
    });
  }

  /** Starts no more handlers: attempts waiting for a rate-limit slot are let go now, not at the deadline. */
  stopStarting(): void {
    this.limiter?.stop(SHUTTING_DOWN);
  }

  private invoke(job: Job, attempt: Attempt): Promise<AttemptOutcome> {
    this.hooks.onStart(job);
    return attempt.run(this.handler, job.payload as never);
  }

  private conclude(attempt: Attempt, outcome: AttemptOutcome): void {
    if (outcome.ok) attempt.report(COMPLETED);
    else this.failures.fail(attempt, outcome.error);
  }
}

function noop(): void {}
