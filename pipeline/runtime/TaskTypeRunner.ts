import type { GroupConsumer, GroupListener, PartitionRef } from '../kafka/GroupConsumer.js';
import type { IncomingRecord } from '../kafka/records.js';
import type { Logger } from '../logging/logger.js';
import { TaskstreamError } from '../errors.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { defaultTaskId, HEADER } from '../task/headers.js';
import type { JobExecutor, JobResult } from './JobExecutor.js';
import { PartitionWork, type Job } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';
import type { WorkerEventEmitter, TaskEventBase } from './WorkerEvents.js';

export interface RunnerLimits {
  readonly maxHeldPerPartition: number;
  readonly commitIntervalMs: number;
}

/**
 * Runs one task type: takes records from its consumer group within the memory bound, starts them in key
 * order within the concurrency limits, and commits the completed prefix of each partition it still owns.
 */
export class TaskTypeRunner implements GroupListener {
  private readonly parts = new Map<number, PartitionWork>();
  private running = 0;
  private dispatching = false;
  private stopped = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private rotate = 0;
  executor!: JobExecutor;

  constructor(
    readonly task: TaskDefinition,
    private readonly consumer: GroupConsumer,
    private readonly budget: ProcessBudget,
    private readonly limits: RunnerLimits,
    private readonly events: WorkerEventEmitter,
    private readonly log: Logger,
  ) {
    budget.onCapacity(() => {
      this.resumeWhereRoom();
      this.pump();
    });
  }

  async start(): Promise<void> {
    this.commitTimer = setInterval(() => void this.commit(), this.limits.commitIntervalMs);
    await this.consumer.start(this);
  }

  // --- GroupListener -------------------------------------------------------------------------------

  onRecords(tp: PartitionRef, records: readonly IncomingRecord[]): number {
    const part = this.parts.get(tp.partition) ?? this.addPartition(tp);
    if (part.revoked || this.stopped) return 0;
    let skipped = 0;
    const next = part.nextOffset;
    if (next !== undefined)
      while (skipped < records.length && BigInt((records[skipped] as IncomingRecord).offset) < next) skipped++;
    const fresh = records.length - skipped;
    const room = Math.min(this.limits.maxHeldPerPartition - part.held, this.budget.roomToHold());
    const take = Math.max(0, Math.min(room, fresh));
    for (let i = skipped; i < skipped + take; i++) this.enqueue(part, records[i] as IncomingRecord);
    if (take > 0) part.nextOffset = BigInt((records[skipped + take - 1] as IncomingRecord).offset) + 1n;
    if (take < fresh) this.pause(part);
    this.pump();
    return skipped + take;
  }

  onRebalancing(): void {
    // Partitions may move: start nothing new until the new assignment is known, and commit what is done.
    this.dispatching = false;
    void this.commit();
  }

  onAssigned(assignment: readonly PartitionRef[]): void {
    const mine = new Set(assignment.filter((tp) => tp.topic === this.task.topic).map((tp) => tp.partition));
    const revoked: number[] = [];
    for (const [partition, part] of this.parts) {
      if (mine.has(partition)) {
        // Continue after what we already hold instead of re-fetching from the committed offset.
        if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
        if (part.paused) this.consumer.pause(part.tp);
        continue;
      }
      this.revoke(part);
      revoked.push(partition);
    }
    const added: number[] = [];
    for (const partition of mine) {
      if (this.parts.has(partition)) continue;
      const part = this.addPartition({ topic: this.task.topic, partition });
      // A partition we paused in an earlier generation must not come back paused.
      this.consumer.resume(part.tp);
      added.push(partition);
    }
    if (revoked.length) this.events.emit('partitions:revoked', { type: this.task.name, partitions: revoked });
    if (added.length) this.events.emit('partitions:assigned', { type: this.task.name, partitions: added });
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
    this.parts.set(tp.partition, part);
    return part;
  }

  private enqueue(part: PartitionWork, record: IncomingRecord): void {
    part.tracker.add(record.offset);
    const headers = record.headers;
    const job: Job = {
      record,
      part,
      key: record.key === null ? null : record.key.toString(),
      taskId: headers[HEADER.id] ?? defaultTaskId(record.topic, record.partition, record.offset),
      attempt: Number(headers[HEADER.attempt] ?? 1) || 1,
    };
    part.queue.push(job.key, job);
    part.held++;
    this.budget.hold(1);
  }

  private pause(part: PartitionWork): void {
    if (part.paused) return;
    part.paused = true;
    this.consumer.pause(part.tp);
  }

  private resumeWhereRoom(): void {
    if (!this.budget.belowLowWater) return;
    for (const part of this.parts.values()) {
      if (part.paused && !part.revoked && part.held <= this.limits.maxHeldPerPartition / 2) {
        part.paused = false;
        // Records fetched while paused may have been dropped by the client: continue exactly after ours.
        if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
        this.consumer.resume(part.tp);
      }
    }
  }

  private pump(): void {
    if (!this.dispatching) return;
    const parts = [...this.parts.values()];
    let idle = 0;
    while (this.running < this.task.concurrency && this.budget.canRun() && idle < parts.length) {
      const part = parts[this.rotate++ % parts.length] as PartitionWork;
      const next = part.revoked ? undefined : part.queue.take();
      if (!next) {
        idle++;
        continue;
      }
      idle = 0;
      this.run(next.item);
    }
  }

  private run(job: Job): void {
    this.running++;
    job.part.running++;
    this.budget.started();
    const startedAt = Date.now();
    void this.executor.execute(job).then(
      (result) => this.settle(job, result, startedAt),
      (err: unknown) =>
        this.settle(job, { kind: 'retry', error: err as Error, delayMs: 1000, consumesAttempt: false }, startedAt),
    );
  }

  private settle(job: Job, result: JobResult, startedAt: number): void {
    this.running--;
    job.part.running--;
    this.budget.finished();
    const part = job.part;
    if (result.kind === 'retry' && !part.revoked && !this.stopped) {
      this.scheduleRetry(job, result);
    } else if (result.kind !== 'retry') {
      if (!part.revoked) {
        part.tracker.complete(job.record.offset);
        part.queue.release(job.key);
      }
      this.emitSettled(job, result, startedAt);
      this.drop(part, 1);
    } else {
      this.drop(part, 1);
    }
    this.pump();
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
      this.retryTimers.delete(timer);
      if (job.part.revoked || this.stopped) return this.drop(job.part, 1);
      if (result.consumesAttempt) job.attempt++;
      // The key stayed running through the wait, so nothing after it in its key has overtaken it.
      this.run(job);
    }, result.delayMs);
    this.retryTimers.add(timer);
  }

  private emitSettled(job: Job, result: JobResult, startedAt: number): void {
    if (result.kind === 'completed') {
      if (this.events.listens('task:completed')) {
        this.events.emit('task:completed', { ...this.eventBase(job), durationMs: Date.now() - startedAt });
      }
    } else if (result.kind === 'dead-lettered') {
      this.log.error({ taskId: job.taskId, attempt: job.attempt, err: result.error }, 'task dead-lettered');
      this.events.emit('task:dead-lettered', { ...this.eventBase(job), error: result.error });
    }
  }

  eventBase(job: Job): TaskEventBase {
    const { record } = job;
    return {
      type: this.task.name,
      taskId: job.taskId,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      attempt: job.attempt,
      key: job.key,
    };
  }

  private drop(part: PartitionWork, n: number): void {
    part.held -= n;
    this.budget.release(n);
    if (part.paused) this.resumeWhereRoom();
  }

  private revoke(part: PartitionWork): void {
    part.revoked = true;
    part.abort.abort(new TaskstreamError('SHUTDOWN', `partition ${part.tp.partition} of ${part.tp.topic} was revoked`));
    // Waiting jobs are dropped (the new owner reads them from the committed offset); running ones and those
    // between attempts drop as they end.
    const waiting = part.queue.size;
    part.queue.clear();
    this.drop(part, waiting);
    this.parts.delete(part.tp.partition);
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

  get held(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.held;
    return n;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Stops taking work, lets running handlers finish until the deadline, aborts the rest, commits, leaves. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    this.dispatching = false;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    for (const part of this.parts.values()) this.consumer.pause(part.tp);
    const deadline = Date.now() + deadlineMs;
    while (this.running > 0 && Date.now() < deadline) await sleep(20);
    if (this.running > 0) {
      for (const part of this.parts.values())
        part.abort.abort(new TaskstreamError('SHUTDOWN', 'worker is shutting down'));
      const grace = Date.now() + 1000;
      while (this.running > 0 && Date.now() < grace) await sleep(20);
    }
    if (this.commitTimer) clearInterval(this.commitTimer);
    await this.committing;
    await this.commit();
    await this.consumer.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
