import { headerText } from '../kafka/FetchedRecord.js';
import type { FetchedMessage } from '../kafka/records.js';
import { DLQ_HEADER } from '../retry/handOffHeaders.js';
import type { PartitionWork } from './PartitionWork.js';

/** Where the due records of a fetch end, and when the first one after them comes due. */
export interface DueSplit {
  /** The index of the first record not yet due, or records.length. */
  readonly end: number;
  /** That record's not-before time, when there is one. */
  readonly notBefore: number | undefined;
}

/**
 * In a retry or delay tier, records wait for their not-before time. The first one not yet due ends what may be
 * taken; its partition stays paused until then (no polling, nothing held) while other partitions keep flowing.
 * A partition has at most one wake-up: a later fetch's answer replaces an earlier one.
 */
export class NotBeforeGate {
  private readonly timers = new Map<PartitionWork, NodeJS.Timeout>();

  /** @param onDue called when a partition's head has become due (the partition may resume). */
  constructor(private readonly onDue: (part: PartitionWork) => void) {}

  split(records: readonly FetchedMessage[], from: number, now = Date.now()): DueSplit {
    for (let i = from; i < records.length; i++) {
      const notBefore = Number(headerText(records[i] as FetchedMessage, DLQ_HEADER.notBefore) ?? 0);
      if (notBefore > now) return { end: i, notBefore };
    }
    return { end: records.length, notBefore: undefined };
  }

  /**
   * The partition is paused because its head is not yet due: wake it at `notBefore`. Only then: a partition
   * paused for lack of room, with due records still to read, resumes as room frees, whatever comes due behind
   * them (waiting for the later record held due tasks back by up to a whole tier's delay).
   */
  wakeAt(part: PartitionWork, notBefore: number): void {
    this.forget(part);
    part.dueAt = notBefore;
    const timer = setTimeout(
      () => {
        this.timers.delete(part);
        part.dueAt = undefined;
        this.onDue(part);
      },
      Math.max(0, notBefore - Date.now()),
    );
    this.timers.set(part, timer);
  }

  /** Drops the partition's wake-up, if any. */
  forget(part: PartitionWork): void {
    const timer = this.timers.get(part);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(part);
    part.dueAt = undefined;
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
