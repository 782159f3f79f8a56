import type { IncomingRecord } from '../kafka/records.js';
import type { PartitionRef } from '../kafka/GroupConsumer.js';
import { KeyedQueue } from './KeyedQueue.js';
import { OffsetTracker } from './OffsetTracker.js';

export interface Job {
  readonly record: IncomingRecord;
  readonly part: PartitionWork;
  readonly key: string | null;
  readonly taskId: string;
  attempt: number;
  payload?: unknown;
}

/** What one assigned partition holds: waiting jobs in key order, and which offsets are done. */
export class PartitionWork {
  readonly queue = new KeyedQueue<Job>();
  readonly tracker = new OffsetTracker();
  /** Aborts the handlers of this partition when it is revoked or the worker stops. */
  readonly abort = new AbortController();
  /** Jobs taken and not completed: waiting, running or between attempts. */
  held = 0;
  running = 0;
  /** The offset after the last record taken; records before it are duplicates of a re-fetch. */
  nextOffset: bigint | undefined;
  paused = false;
  revoked = false;

  constructor(readonly tp: PartitionRef) {}
}
