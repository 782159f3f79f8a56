import { AnswerBook } from '../dedupe/AnswerBook.js';
import type { Answers } from '../dedupe/DedupeBatcher.js';
import { FetchedRecord } from '../kafka/FetchedRecord.js';
import type { FetchedMessage } from '../kafka/records.js';
import type { PartitionRef } from '../kafka/GroupConsumer.js';
import { defaultTaskId } from '../task/headers.js';
import { AttemptList } from './AttemptList.js';
import { Job } from './Job.js';
import { FetchBuffer } from './FetchBuffer.js';
import { KeyedQueue } from './KeyedQueue.js';
import { OffsetTracker } from './OffsetTracker.js';

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
