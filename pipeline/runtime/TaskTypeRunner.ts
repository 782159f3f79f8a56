import type { GroupConsumer, GroupListener, PartitionRef } from '../kafka/GroupConsumer.js';
import type { IncomingRecord } from '../kafka/records.js';
import type { Logger } from '../logging/logger.js';
import { HandlerTimeoutError, TaskstreamError, toError } from '../errors.js';
import { DLQ_HEADER } from '../retry/handOffHeaders.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { Attempt } from './Attempt.js';
import type { JobExecutor, JobResult } from './JobExecutor.js';
import { Job, PartitionWork } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';
import { taskEvent, type WorkerEventEmitter, type TaskEventBase } from './WorkerEvents.js';

export interface RunningTask {
  readonly type: string;
  readonly taskId: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly lastHeartbeatAt: number | undefined;
}

export interface RunnerLimits {
  readonly maxHeldPerPartition: number;
  readonly commitIntervalMs: number;
}

/**
 * Runs one task type: takes records from its consumer group within the memory bound, starts them in key
 * order within the concurrency limits, and commits the completed prefix of each partition it still owns.
 */
export class TaskTypeRunner implements GroupListener {
  private readonly parts = new Map<string, PartitionWork>();
  private readonly topics: ReadonlySet<string>;
  /** The same partitions as an array, for the dispatch loop (rebuilt only when the assignment changes). */
  private partList: PartitionWork[] = [];
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
  private committing: Promise<void> | undefined;
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
    const part = this.parts.get(tpKey(tp)) ?? this.addPartition(tp);
    if (part.revoked || this.stopped) return 0;
    let i = 0;
    const next = part.nextOffset;
    if (next !== undefined) while (i < records.length && Number((records[i] as IncomingRecord).offset) < next) i++;
    if (i >= records.length) return records.length;
    if (this.gated) {
      // Records not yet due are left to Kafka, fetched again once the head is due.
      const taken = this.admit(part, records, i, this.dueEnd(part, records, i));
      if (taken > i) part.nextOffset = Number((records[taken - 1] as IncomingRecord).offset) + 1;
      if (taken < records.length) this.pause(part);
      this.pump();
      return taken;
    }
    // Behind records already buffered, these wait their turn too.
    const taken = part.buffer.size > 0 ? i : this.admit(part, records, i, records.length);
    part.nextOffset = Number((records[records.length - 1] as IncomingRecord).offset) + 1;
    if (taken < records.length) {
      part.buffer.keep(records, taken);
      this.pause(part);
    }
    this.pump();
    return records.length;
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

  /**
   * In a retry tier, records wait for their not-before time. The first one not yet due ends what may be taken;
   * its partition stays paused until then (no polling, nothing held), other partitions keep flowing.
   */
  private dueEnd(part: PartitionWork, records: readonly IncomingRecord[], from: number): number {
    const now = Date.now();
    for (let i = from; i < records.length; i++) {
      const notBefore = Number((records[i] as IncomingRecord).headers[DLQ_HEADER.notBefore] ?? 0);
      if (notBefore > now) {
        this.pause(part);
        part.dueAt = notBefore;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          part.dueAt = undefined;
          this.resumeWhereRoom();
        }, notBefore - now);
        this.timers.add(timer);
        return i;
      }
    }
    return records.length;
  }

  onRebalancing(): void {
    // Partitions may move: start nothing new until the new assignment is known, and commit what is done.
    this.dispatching = false;
    void this.commit();
  }

  onAssigned(assignment: readonly PartitionRef[]): void {
    const mine = new Map(assignment.filter((tp) => this.topics.has(tp.topic)).map((tp) => [tpKey(tp), tp]));
    const revoked: PartitionRef[] = [];
    for (const [key, part] of this.parts) {
      if (mine.has(key)) {
        // Continue after what we already hold instead of re-fetching from the committed offset.
        if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
        if (part.paused) this.consumer.pause(part.tp);
        continue;
      }
      this.revoke(part);
      revoked.push(part.tp);
    }
    const added: PartitionRef[] = [];
    for (const [key, tp] of mine) {
      if (this.parts.has(key)) continue;
      this.addPartition(tp);
      // A partition we paused in an earlier generation must not come back paused.
      this.consumer.resume(tp);
      added.push(tp);
    }
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

  private addPartition(tp: PartitionRef): PartitionWork {
    const part = new PartitionWork(tp);
    this.parts.set(tpKey(tp), part);
    this.partList = [...this.parts.values()];
    return part;
  }

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
    for (const part of this.parts.values()) {
      this.refill(part);
      if (
        part.paused &&
        !part.revoked &&
        part.dueAt === undefined &&
        part.buffer.size === 0 &&
        part.held <= this.limits.maxHeldPerPartition / 2
      ) {
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
      const parts = this.partList;
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
        this.emitSettled(job, result, startedAt);
      }
      this.drop(part, 1);
    }
    this.pump();
  }

  private sweepTimeouts(): void {
    const now = Date.now();
    for (const part of this.partList) {
      for (const attempt of part.attempts) {
        if (now >= attempt.deadline) attempt.abort(new HandlerTimeoutError(this.task.timeoutMs));
      }
    }
  }

  private scheduleRetry(job: Job, result: Extract<JobResult, { kind: 'retry' }>): void {
    this.log.warn(
      { taskId: job.taskId, attempt: job.attempt, err: result.error, delayMs: result.delayMs },
      'task failed; retrying',
    );
    if (this.events.listens('task:retrying')) {
      this.events.emit('task:retrying', { ...this.eventBase(job), error: result.error, delayMs: result.delayMs });
    }
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

  private emitSettled(job: Job, result: JobResult, startedAt: number | undefined): void {
    if (result.kind === 'completed') {
      if (this.events.listens('task:completed')) {
        this.events.emit('task:completed', {
          ...this.eventBase(job),
          durationMs: startedAt === undefined ? 0 : Date.now() - startedAt,
        });
      }
    } else if (result.kind === 'dead-lettered') {
      this.log.error({ taskId: job.taskId, attempt: job.attempt, err: result.error }, 'task dead-lettered');
      this.events.emit('task:dead-lettered', { ...this.eventBase(job), error: result.error });
    } else if (result.kind === 'retry-handed-off') {
      this.log.warn(
        { taskId: job.taskId, attempt: job.attempt, err: result.error, topic: result.topic },
        'task failed; retry handed off',
      );
      this.events.emit('task:retrying', { ...this.eventBase(job), error: result.error, delayMs: result.delayMs });
    }
  }

  private eventBase(job: Job): TaskEventBase {
    return taskEvent(this.task, job);
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
    this.parts.delete(tpKey(part.tp));
    this.partList = [...this.parts.values()];
  }

  // --- commits and shutdown ------------------------------------------------------------------------

  /** Commits each owned partition's completed prefix; one commit at a time. */
  commit(): Promise<void> {
    this.committing ??= (async () => {
      const offsets = [];
      for (const part of this.parts.values()) {
        const offset = part.revoked ? undefined : part.tracker.committable();
        if (offset !== undefined) offsets.push({ ...part.tp, offset, part });
      }
      try {
        await this.consumer.commit(offsets);
        for (const o of offsets) o.part.tracker.markCommitted(o.offset);
      } catch (err) {
        // Usually a rebalance in progress; what is done stays done and commits on the next tick.
        this.log.debug({ err }, 'commit failed; will retry');
      }
    })().finally(() => {
      this.committing = undefined;
    });
    return this.committing;
  }

  get readsTaskTopic(): boolean {
    return !this.gated;
  }

  ownedPartitions(): number[] {
    return this.partList
      .filter((p) => !p.revoked)
      .map((p) => p.tp.partition)
      .sort((a, b) => a - b);
  }

  runningTasks(): RunningTask[] {
    const list: RunningTask[] = [];
    for (const part of this.partList) {
      for (const a of part.attempts) {
        list.push({
          type: this.task.name,
          taskId: a.taskId,
          partition: a.partition,
          offset: a.offset,
          attempt: a.attempt,
          startedAt: a.deadline - this.task.timeoutMs,
          lastHeartbeatAt: a.job.lastHeartbeatAt,
        });
      }
    }
    return list;
  }

  get held(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.held;
    return n;
  }

  get buffered(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.buffer.size;
    return n;
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
    for (const part of this.parts.values()) this.consumer.pause(part.tp);
    const deadline = Date.now() + deadlineMs;
    while (this.running > 0 && Date.now() < deadline) await sleep(20);
    if (this.running > 0) {
      const reason = new TaskstreamError('SHUTDOWN', 'worker is shutting down');
      for (const part of this.partList) for (const attempt of part.attempts) attempt.abort(reason);
      // Aborted attempts end at once; give their settling a moment.
      const grace = Date.now() + 1000;
      while (this.running > 0 && Date.now() < grace) await sleep(20);
    }
    if (this.commitTimer) clearInterval(this.commitTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.committing;
    await this.commit();
    await this.consumer.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tpKey(tp: PartitionRef): string {
  return `${tp.topic}:${tp.partition}`;
}
