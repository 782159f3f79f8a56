import { AnswerBook } from '../dedupe/AnswerBook.js';
import type { Answers } from '../dedupe/DedupeBatcher.js';
import { FetchedRecord } from '../kafka/FetchedRecord.js';
import type { FetchedMessage, IncomingRecord } from '../kafka/records.js';
import type { PartitionRef } from '../kafka/GroupConsumer.js';
import { runAtOf } from '../delay/DelayLadder.js';
import { defaultTaskId, HEADER } from '../task/headers.js';
import { AttemptList } from './AttemptList.js';
import { FetchBuffer } from './FetchBuffer.js';
import { KeyedQueue } from './KeyedQueue.js';
import { OffsetTracker } from './OffsetTracker.js';
import { orderLane } from './orderLane.js';

/** One record taken for processing. Its id and key string are worked out only when someone asks. */
export class Job {
  payload: unknown = undefined;
  lastHeartbeatAt: number | undefined;
  /** Whether this job's key is marked running in the partition's queue (and must be released when it ends). */
  keyHeld = false;
  private keyText: string | null | undefined;
  private laneNo: number | null | undefined;
  private id: string | undefined;
  private attemptNo: number | undefined;
  private postponedNo: number | undefined;
  private runAtMs: number | null | undefined;

  constructor(
    readonly record: IncomingRecord,
    readonly part: PartitionWork,
    /** The offset tracker's ticket for this record. */
    readonly ticket: number,
  ) {}

  /** 1 on the first run; a retry copy carries its number in the `ts-attempt` header (read only when asked). */
  get attempt(): number {
    if (this.attemptNo === undefined) {
      const a = this.record.headers[HEADER.attempt];
      this.attemptNo = a === undefined ? 1 : Number(a) || 1;
    }
    return this.attemptNo;
  }

  set attempt(n: number) {
    this.attemptNo = n;
  }

  /** Times it was held back without running (a busy lock, say); a rescheduled copy carries it in `ts-postponed`. */
  get postponed(): number {
    this.postponedNo ??= Number(this.record.headers[HEADER.postponed] ?? 0) || 0;
    return this.postponedNo;
  }

  set postponed(n: number) {
    this.postponedNo = n;
  }

  /** A delayed task's time (the `ts-run-at` header); undefined for a task that runs when it comes. */
  get runAt(): number | undefined {
    if (this.runAtMs === undefined) this.runAtMs = runAtOf(this.record.headers) ?? null;
    return this.runAtMs ?? undefined;
  }

  get key(): string | null {
    if (this.keyText === undefined) this.keyText = this.record.key === null ? null : this.record.key.toString();
    return this.keyText;
  }

  /** The key's lane in key order (see orderLane), or null for a record without a key. */
  get lane(): number | null {
    if (this.laneNo === undefined) this.laneNo = this.record.key === null ? null : orderLane(this.record.key);
    return this.laneNo;
  }

  /** Stable across retries and redeliveries: the `ts-id` header, else `<topic>-<partition>-<offset>`. */
  get taskId(): string {
    this.id ??= this.ownId ?? defaultTaskId(this.record.topic, this.record.partition, this.record.offset);
    return this.id;
  }

  /** The `ts-id` header, an id of its own that copies of the task share; undefined: its id is its position. */
  get ownId(): string | undefined {
    return this.record.headers[HEADER.id];
  }
}

/** What one assigned partition holds: waiting jobs in key order, and which offsets are done. */
export class PartitionWork {
  /** Records taken and waiting to start; each becomes a job (with its offset ticket) when its turn comes. */
  readonly queue = new KeyedQueue<FetchedMessage, Job, number>(
    (record) => this.jobFor(record),
    (job) => job.lane,
  );
  readonly tracker = new OffsetTracker();
  /**
   * Fetched records not yet taken (no room when they came); the partition stays paused while more than half its
   * bound are here.
   */
  readonly buffer = new FetchBuffer();
  /** Asynchronous attempts running now: aborted when the partition is revoked, swept for timeouts. */
  readonly attempts = new AttemptList();
  /** Dedupe answers of its fetched records, asked when they arrived (see DedupeBatcher). */
  answers: Answers;
  /** First offsets of the fetches whose records wait in the buffer for their dedupe answers, oldest first. */
  readonly unready: number[] = [];
  /** Jobs taken and not completed: waiting, running or between attempts. */
  held = 0;
  running = 0;
  /** The offset after the last record taken or buffered; records before it are duplicates of a re-fetch. */
  nextOffset: number | undefined;
  paused = false;
  /** In a retry tier: the head record's not-before time, until which the partition stays paused. */
  dueAt: number | undefined;
  revoked = false;

  constructor(readonly tp: PartitionRef) {
    this.answers = newAnswers(tp);
  }

  /**
   * Kept through a rebalance: its dedupe answers, and where its fresh offsets begin, may be stale if this worker
   * missed a generation (dropped from the group after a stall) in which another owned the partition and ran its
   * tasks. Its records ask again when they start, and its next fetch reads the `ran` offset again. Answers still
   * on their way go to the old book, which nothing reads any more.
   */
  forgetAnswers(): void {
    this.answers = newAnswers(this.tp);
  }

  /** The job of a record taken now: its offset is registered, so records must come here in offset order. */
  jobFor(message: FetchedMessage): Job {
    const ticket = this.tracker.add(message.offset);
    return new Job(new FetchedRecord(this.tp.topic, this.tp.partition, message), this, ticket);
  }
}

function newAnswers(tp: PartitionRef): Answers {
  return new AnswerBook(defaultTaskId(tp.topic, tp.partition, ''), `${tp.topic}:${tp.partition}`);
}
