import type { GroupConsumer, GroupListener, PartitionRef } from '../kafka/GroupConsumer.js';
import type { IncomingRecord } from '../kafka/records.js';
import type { Logger } from '../logging/logger.js';
import { HandlerTimeoutError, TaskstreamError, toError } from '../errors.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { Attempt } from './Attempt.js';
import type { JobExecutor, JobResult } from './JobExecutor.js';
import { PartitionSet } from './PartitionSet.js';
import { Job, type PartitionWork } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';
import { NotBeforeGate } from './NotBeforeGate.js';
import { OutcomeReporter } from './OutcomeReporter.js';
import { PartitionCommitter } from './PartitionCommitter.js';
import { runningTasksOf, type RunningTask } from './RunningTask.js';
import type { WorkerEventEmitter } from './WorkerEvents.js';

export interface RunnerLimits {
  readonly maxHeldPerPartition: number;
  readonly commitIntervalMs: number;
}

/**
 * Runs one task type: takes records from its consumer group within the memory bound, starts them in key
 * order within the concurrency limits, and commits the completed prefix of each partition it still owns.
 */
export class TaskTypeRunner implements GroupListener {
  private readonly parts = new PartitionSet();
  private readonly topics: ReadonlySet<string>;
  private running = 0;
  /** Jobs waiting in the partitions' queues: with none, there is nothing to pump. */
  private queued = 0;
  private dispatching = false;
  private pumping = false;
  private refilling = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** This runner reads retry tiers, whose records carry a not-before time. */
  private readonly gated: boolean;
  private commitTimer: NodeJS.Timeout | undefined;
  private readonly committer: PartitionCommitter;
  private readonly reporter: OutcomeReporter;
  private readonly gate = new NotBeforeGate(() => this.resumeWhereRoom());
  private rotate = 0;
  private readonly onHeartbeat = (job: Job): void => {
    job.lastHeartbeatAt = Date.now();
  };

  constructor(
    readonly task: TaskDefinition,
    /** The task's own topic, or its retry tiers. */
    topics: readonly string[],
    private readonly consumer: GroupConsumer,
    private readonly executor: JobExecutor,
    private readonly budget: ProcessBudget,
    private readonly limits: RunnerLimits,
    private readonly events: WorkerEventEmitter,
    private readonly log: Logger,
  ) {
    this.topics = new Set(topics);
    this.gated = !this.topics.has(task.topic);
    this.committer = new PartitionCommitter(consumer, log);
    this.reporter = new OutcomeReporter(task, events, log);
    budget.onCapacity(() => {
      this.resumeWhereRoom();
      this.pump();
    });
  }

  async start(): Promise<void> {
    this.commitTimer = setInterval(() => void this.commit(), this.limits.commitIntervalMs);
    // Timeouts are enforced by a sweep, not a timer per task; precision is a tenth of the timeout (at most 1 s).
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), Math.min(1000, Math.max(10, this.task.timeoutMs / 10)));
    await this.consumer.start(this);
  }

  // --- GroupListener -------------------------------------------------------------------------------

  onRecords(tp: PartitionRef, records: readonly IncomingRecord[]): number {
    const part = this.parts.get(tp) ?? this.parts.add(tp);
    if (part.revoked || this.stopped) return 0;
    let i = 0;
    const next = part.nextOffset;
    if (next !== undefined) while (i < records.length && Number((records[i] as IncomingRecord).offset) < next) i++;
    if (i >= records.length) return records.length;
    if (this.gated) {
      // Records not yet due are left to Kafka, fetched again once the head is due.
      const taken = this.admit(part, records, i, this.gate.dueEnd(part, records, i));
      if (taken > i) part.nextOffset = Number((records[taken - 1] as IncomingRecord).offset) + 1;
      if (taken < records.length) this.pause(part);
      this.pump();
      return taken;
    }
    // Behind records already buffered, these wait their turn too.
    const taken = part.buffer.size > 0 ? i : this.admit(part, records, i, records.length);
    // What finds no room waits in the fetch buffer, up to its bound; the rest is left to Kafka.
    const kept = taken < records.length ? part.buffer.keep(records, taken, this.limits.maxHeldPerPartition) : taken;
    if (kept > i) part.nextOffset = Number((records[kept - 1] as IncomingRecord).offset) + 1;
    if (kept < records.length || part.buffer.size > this.limits.maxHeldPerPartition / 2) this.pause(part);
    this.pump();
    return kept;
  }

  /**
   * Takes records[from..to) while there is room, and returns the index reached. While the partition holds
   * nothing, no key of it is running: a record may start at once, and a handler that finishes synchronously
   * leaves the partition empty again for the next one.
   */
  private admit(part: PartitionWork, records: readonly IncomingRecord[], from: number, to: number): number {
    let i = from;
    while (i < to && part.held === 0 && this.canStart() && this.budget.roomToHold() > 0) {
      this.run(this.take(part, records[i++] as IncomingRecord, true));
    }
    const room = Math.min(this.limits.maxHeldPerPartition - part.held, this.budget.roomToHold());
    const end = Math.min(to, i + Math.max(0, room));
    for (; i < end; i++) this.take(part, records[i] as IncomingRecord, false);
    return i;
  }

  /** Takes buffered records as room frees. Not re-entrant: a handler settling inside it just lets it go on. */
  private refill(part: PartitionWork): void {
    if (this.refilling || part.buffer.size === 0 || part.revoked || this.stopped) return;
    this.refilling = true;
    try {
      const { records, from } = part.buffer.view();
      part.buffer.consumedTo(this.admit(part, records, from, records.length));
    } finally {
      this.refilling = false;
    }
  }

  onRebalancing(): void {
    // Partitions may move: start nothing new until the new assignment is known, and commit what is done.
    this.dispatching = false;
    void this.commit();
  }

  onAssigned(assignment: readonly PartitionRef[]): void {
    const { kept, lost, added } = this.parts.diff(assignment.filter((tp) => this.topics.has(tp.topic)));
    for (const part of kept) {
      // Continue after what we already hold instead of re-fetching from the committed offset.
      if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
      if (part.paused) this.consumer.pause(part.tp);
    }
    for (const part of lost) this.revoke(part);
    for (const tp of added) {
      this.parts.add(tp);
      // A partition we paused in an earlier generation must not come back paused.
      this.consumer.resume(tp);
    }
    const revoked = lost.map((p) => p.tp);
    for (const [event, list] of [
      ['partitions:revoked', revoked],
      ['partitions:assigned', added],
    ] as const) {
      if (list.length > 0) {
        this.events.emit(event, {
          type: this.task.name,
          topics: [...new Set(list.map((t) => t.topic))],
          partitions: list.map((t) => t.partition),
        });
      }
    }
    this.dispatching = !this.stopped;
    this.pump();
  }

  onCrash(err: Error, restarting: boolean): void {
    this.log.error({ err, restarting }, 'consumer crashed');
    this.events.emit('error', { error: err, restarting });
  }

  // --- taking and dispatching ----------------------------------------------------------------------

  /** Takes a record into the partition's care; `direct` means it starts now instead of waiting in the queue. */
  private take(part: PartitionWork, record: IncomingRecord, direct: boolean): Job {
    const job = new Job(record, part, part.tracker.add(record.offset));
    // A direct job's key is marked running only if it turns out asynchronous or must wait for a retry (holdKey):
    // until then nothing else of this partition can start, and a synchronous success never needs the mark.
    if (!direct) {
      part.queue.push(job.key, job);
      this.queued++;
    }
    part.held++;
    this.budget.hold(1);
    return job;
  }

  private holdKey(job: Job): void {
    if (job.keyHeld) return;
    job.part.queue.markRunning(job.key);
    job.keyHeld = true;
  }

  private canStart(): boolean {
    return this.dispatching && this.running < this.task.concurrency && this.budget.canRun();
  }

  private pause(part: PartitionWork): void {
    if (part.paused) return;
    part.paused = true;
    this.consumer.pause(part.tp);
  }

  private resumeWhereRoom(): void {
    if (!this.budget.belowLowWater) return;
    for (const part of this.parts.list) {
      this.refill(part);
      if (
        part.paused &&
        !part.revoked &&
        part.dueAt === undefined &&
        part.buffer.size <= this.limits.maxHeldPerPartition / 2 &&
        part.held <= this.limits.maxHeldPerPartition / 2
      ) {
        // Resuming before the buffer is empty overlaps the next fetch with the work still buffered: kafkajs
        // sleeps maxWaitTime whenever every partition is paused, a gap in which nothing would arrive.
        part.paused = false;
        // Records fetched while paused may have been dropped by the client: continue exactly after ours.
        if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
        this.consumer.resume(part.tp);
      }
    }
  }

  /** Starts what may start. Not re-entrant: a synchronous handler that settles inside the loop just continues it. */
  private pump(): void {
    if (!this.dispatching || this.pumping || this.queued === 0) return;
    this.pumping = true;
    try {
      const parts = this.parts.list;
      let idle = 0;
      while (idle < parts.length && this.queued > 0 && this.canStart()) {
        const part = parts[this.rotate++ % parts.length] as PartitionWork;
        const job = part.revoked ? undefined : part.queue.take();
        if (job === undefined) {
          idle++;
          continue;
        }
        idle = 0;
        this.queued--;
        job.keyHeld = job.key !== null;
        this.run(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  private run(job: Job): void {
    this.running++;
    const part = job.part;
    part.running++;
    this.budget.started();
    const attempt = new Attempt(job, Date.now() + this.task.timeoutMs, this.log, this.onHeartbeat);
    // The callback is written inline on purpose: tsx (esbuild keepNames) wraps a named closure in a call that
    // defines its name, per task, which cost a tenth of the async path.
    try {
      this.executor.execute(job, attempt, (result) => this.end(job, attempt, result));
    } catch (err) {
      // A bug of ours, not the handler's (its throws are outcomes): keep the task and try it again.
      this.end(job, attempt, { kind: 'retry', error: toError(err), delayMs: 1000, consumesAttempt: false });
    }
    if (!attempt.ended) {
      this.holdKey(job);
      part.attempts.add(attempt);
      attempt.startedAt = Date.now();
    }
  }

  private end(job: Job, attempt: Attempt, result: JobResult): void {
    if (attempt.ended) return;
    attempt.ended = true;
    this.settle(job, attempt, result, attempt.startedAt);
  }

  private settle(job: Job, attempt: Attempt, result: JobResult, startedAt: number | undefined): void {
    this.running--;
    const part = job.part;
    part.running--;
    part.attempts.delete(attempt);
    this.budget.finished();
    if (result.kind === 'retry' && !part.revoked && !this.stopped) {
      // The key stays running through the wait, so nothing after it in its key overtakes it.
      this.holdKey(job);
      this.scheduleRetry(job, result);
    } else {
      if (result.kind !== 'retry' && !part.revoked) {
        // Completed, or safely handed off to a retry tier or the dead-letter topic: done for this offset.
        part.tracker.complete(job.ticket);
        if (job.keyHeld) part.queue.release(job.key);
        this.reporter.settled(job, result, startedAt);
      }
      this.drop(part, 1);
    }
    this.pump();
  }

  private sweepTimeouts(): void {
    const now = Date.now();
    for (const part of this.parts.list) {
      for (const attempt of part.attempts) {
        if (now >= attempt.deadline) attempt.abort(new HandlerTimeoutError(this.task.timeoutMs));
      }
    }
  }

  private scheduleRetry(job: Job, result: Extract<JobResult, { kind: 'retry' }>): void {
    this.reporter.retryingInPlace(job, result);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (job.part.revoked || this.stopped) return this.drop(job.part, 1);
      if (result.consumesAttempt) job.attempt++;
      // The key stayed running through the wait, so nothing after it in its key has overtaken it.
      this.run(job);
      this.pump();
    }, result.delayMs);
    this.timers.add(timer);
  }

  private drop(part: PartitionWork, n: number): void {
    part.held -= n;
    this.budget.release(n);
    // The partition's own buffer first (its room just grew), then every paused partition once the process is
    // below its low-water mark.
    this.refill(part);
    if (part.paused) this.resumeWhereRoom();
  }

  private revoke(part: PartitionWork): void {
    part.revoked = true;
    const reason = new TaskstreamError('SHUTDOWN', `partition ${part.tp.partition} of ${part.tp.topic} was revoked`);
    for (const attempt of part.attempts) attempt.abort(reason);
    // Waiting jobs are dropped (the new owner reads them from the committed offset); running ones and those
    // between attempts drop as they end.
    const waiting = part.queue.size;
    part.queue.clear();
    part.buffer.clear();
    this.queued -= waiting;
    this.drop(part, waiting);
    this.parts.remove(part);
  }

  // --- commits and shutdown ------------------------------------------------------------------------

  /** Commits each owned partition's completed prefix; one commit at a time. */
  commit(): Promise<void> {
    return this.committer.commit(this.parts.list);
  }

  get readsTaskTopic(): boolean {
    return !this.gated;
  }

  ownedPartitions(): number[] {
    return this.parts.list
      .filter((p) => !p.revoked)
      .map((p) => p.tp.partition)
      .sort((a, b) => a - b);
  }

  runningTasks(): RunningTask[] {
    return runningTasksOf(this.task.name, this.task.timeoutMs, this.parts.list);
  }

  get held(): number {
    return this.parts.total((p) => p.held);
  }

  get buffered(): number {
    return this.parts.total((p) => p.buffer.size);
  }

  get inFlight(): number {
    return this.running;
  }

  /** Stops taking work, lets running handlers finish until the deadline, aborts the rest, commits, leaves. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    this.dispatching = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.gate.clear();
    for (const part of this.parts.list) this.consumer.pause(part.tp);
    const deadline = Date.now() + deadlineMs;
    while (this.running > 0 && Date.now() < deadline) await sleep(20);
    if (this.running > 0) {
      const reason = new TaskstreamError('SHUTDOWN', 'worker is shutting down');
      for (const part of this.parts.list) for (const attempt of part.attempts) attempt.abort(reason);
      // Aborted attempts end at once; give their settling a moment.
      const grace = Date.now() + 1000;
      while (this.running > 0 && Date.now() < grace) await sleep(20);
    }
    if (this.commitTimer) clearInterval(this.commitTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.committer.flush(this.parts.list);
    await this.consumer.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
