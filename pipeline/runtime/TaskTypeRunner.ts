import type { GroupConsumer, GroupListener, PartitionRef } from '../kafka/GroupConsumer.js';
import type { FetchedMessage } from '../kafka/records.js';
import type { Logger } from '../logging/logger.js';
import type { TaskCounters } from '../metrics/TaskCounters.js';
import { TaskstreamError } from '../errors.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { JobExecutor } from './JobExecutor.js';
import type { Job } from './Job.js';
import { PartitionSet } from './PartitionSet.js';
import type { PartitionWork } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';
import { OutcomeReporter } from './OutcomeReporter.js';
import { JobAttempts } from './JobAttempts.js';
import { PartitionIntake } from './PartitionIntake.js';
import { PartitionCommitter } from './PartitionCommitter.js';
import { drainAttempts } from './drainAttempts.js';
import { RunnerTimers } from './RunnerTimers.js';
import { runningTasksOf, waitingForSlotOf, type RunningTask } from './RunningTask.js';
import { emitAssignmentChange, type WorkerEventEmitter } from './WorkerEvents.js';

export interface RunnerLimits {
  readonly maxHeldPerPartition: number;
  readonly commitIntervalMs: number;
}

/**
 * Runs one task type: takes records from its consumer group within the memory bound, starts them in key
 * order within the concurrency limits (each job's attempts and results: JobAttempts), and commits the completed
 * prefix of each partition it still owns.
 */
export class TaskTypeRunner implements GroupListener {
  private readonly parts = new PartitionSet();
  private readonly topics: ReadonlySet<string>;
  /** Jobs waiting in the partitions' queues: with none, there is nothing to pump. */
  private queued = 0;
  private dispatching = false;
  private pumping = false;
  private stopped = false;
  /** Paused by an operator (PauseWatch): start nothing new; running tasks finish, the group is kept. */
  private paused = false;
  /** Its consumer crashed and kafkajs will not restart it. */
  dead = false;
  private readonly timers = new RunnerTimers();
  /** This runner reads retry tiers, whose records carry a not-before time. */
  readonly readsTaskTopic: boolean;
  private readonly committer: PartitionCommitter;
  private readonly intake: PartitionIntake;
  private rotate = 0;
  /** The cancel-read ticket of the fetch under way (see CancelWatch), and whether the last fetch brought records. */
  private fetchTicket: number | undefined;
  private fetchedRecords = false;
  private readonly attempts: JobAttempts;

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
    /** The task type's outcome counts, shared with its other runner (main topic or retry tiers). */
    counters: TaskCounters,
  ) {
    this.topics = new Set(topics);
    this.readsTaskTopic = this.topics.has(task.topic);
    this.committer = new PartitionCommitter(consumer, log, () => executor.marksWritten());
    this.attempts = new JobAttempts(
      task,
      executor,
      budget,
      new OutcomeReporter(task, events, log, counters),
      this.timers,
      log,
      {
        stopped: () => this.stopped,
        pump: () => this.pump(),
        drop: (part, n) => this.drop(part, n),
      },
    );
    this.intake = new PartitionIntake(
      consumer,
      budget,
      limits.maxHeldPerPartition,
      this.parts,
      {
        canStart: () => this.canStart(),
        startNow: (part, record) => this.attempts.run(this.takeNow(part, record)),
        enqueue: (part, record) => this.enqueue(part, record),
        willRun: (part, records, from, to) => executor.expect(part, records, from, to, this.fetchTicket),
        refilled: () => this.pump(),
      },
      !this.readsTaskTopic,
    );
    budget.onCapacity(() => {
      this.intake.resumeWhereRoom();
      this.pump();
    });
  }

  async start(): Promise<void> {
    this.timers.every(this.limits.commitIntervalMs, () => void this.commit());
    // Timeouts are enforced by a sweep, not a timer per task; precision is a tenth of the timeout (at most 1 s).
    this.timers.every(Math.min(1000, Math.max(10, this.task.timeoutMs / 10)), () =>
      this.attempts.sweepTimeouts(this.parts.attempts()),
    );
    await this.consumer.start(this);
  }

  // --- GroupListener -------------------------------------------------------------------------------

  onFetchStart(): void {
    this.fetchTicket = this.executor.fetchStarting(this.fetchedRecords);
    this.fetchedRecords = false;
  }

  onRecords(tp: PartitionRef, records: readonly FetchedMessage[]): number {
    this.fetchedRecords = true;
    const part = this.parts.get(tp) ?? this.parts.add(tp);
    if (part.revoked || this.stopped) return 0;
    const accepted = this.intake.accept(part, records);
    this.pump();
    return accepted;
  }

  onRebalancing(): void {
    // Partitions may move: start nothing new until the new assignment is known, and commit what is done.
    this.dispatching = false;
    this.log.info({ topics: [...this.topics] }, 'group rebalancing: starting nothing until the new assignment');
    void this.commit();
  }

  onAssigned(assignment: readonly PartitionRef[]): void {
    const { kept, lost, added } = this.parts.diff(assignment.filter((tp) => this.topics.has(tp.topic)));
    for (const part of kept) {
      // Continue after what we already hold instead of re-fetching from the committed offset.
      if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
      if (part.paused) this.consumer.pause(part.tp);
      part.forgetAnswers();
    }
    for (const part of lost) this.revoke(part);
    for (const tp of added) {
      this.parts.add(tp);
      // A partition we paused in an earlier generation must not come back paused.
      this.consumer.resume(tp);
    }
    this.log.info(
      { kept: kept.length, lost: lost.length, added: added.length, topics: [...this.topics] },
      'partitions assigned',
    );
    emitAssignmentChange(
      this.events,
      this.task.name,
      lost.map((p) => p.tp),
      added,
    );
    this.dispatching = !this.stopped;
    this.pump();
  }

  onCrash(err: Error, restarting: boolean): void {
    // Without a restart this type consumes nothing more: the worker is no longer healthy.
    if (!restarting) this.dead = true;
    this.log.error({ err, restarting }, 'consumer crashed');
    this.events.emit('error', { error: err, restarting });
  }

  // --- taking and dispatching ----------------------------------------------------------------------

  /**
   * Takes a record that starts now. Its key is marked running only if it turns out asynchronous or must wait
   * for a retry (holdKey): until then nothing else of this partition can start, and a synchronous success never
   * needs the mark.
   */
  private takeNow(part: PartitionWork, record: FetchedMessage): Job {
    this.hold(part);
    return part.jobFor(record);
  }

  /** Takes a record into its partition's queue, where it becomes a job when its turn comes. */
  private enqueue(part: PartitionWork, record: FetchedMessage): void {
    this.hold(part);
    part.queue.push(record);
    this.queued++;
  }

  private hold(part: PartitionWork): void {
    part.held++;
    this.budget.hold(1);
  }

  /** Pauses or resumes starting tasks; what was fetched meanwhile waits in memory, then its partitions pause. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.pump();
  }

  private canStart(): boolean {
    return this.dispatching && !this.paused && this.attempts.running < this.task.concurrency && this.budget.canRun();
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
        job.keyHeld = job.lane !== null;
        this.attempts.run(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  private drop(part: PartitionWork, n: number): void {
    part.held -= n;
    this.budget.release(n);
    this.intake.roomFreed(part);
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

  ownedPartitions(): number[] {
    return this.parts.owned();
  }

  runningTasks(): RunningTask[] {
    return runningTasksOf(this.task.name, this.parts.list);
  }

  /** Tasks held and running, and fetched records waiting for room (what the worker's stats add up). */
  load(): { held: number; running: number; waitingForSlot: number; buffered: number; bufferedBytes: number } {
    return {
      held: this.parts.total((p) => p.held),
      running: this.attempts.running,
      waitingForSlot: waitingForSlotOf(this.parts.list),
      buffered: this.parts.total((p) => p.buffer.size),
      bufferedBytes: this.parts.total((p) => p.buffer.bytes),
    };
  }

  /** Stops taking work, lets running handlers finish until the deadline, aborts the rest, commits, leaves. */
  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    this.dispatching = false;
    this.timers.cancelWaits();
    this.intake.stop();
    // After `stopped`: the attempts let go come back as results of a stopped runner, so none waits to run again.
    this.executor.stopStarting();
    await drainAttempts(
      () => this.attempts.running,
      () => this.parts.attempts(),
      deadlineMs,
    );
    this.timers.stopPeriodic();
    await this.committer.flush(this.parts.list);
    await this.consumer.stop();
  }
}
