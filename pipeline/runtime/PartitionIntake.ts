import type { GroupConsumer } from '../kafka/GroupConsumer.js';
import type { FetchedMessage } from '../kafka/records.js';
import { NotBeforeGate } from './NotBeforeGate.js';
import type { PartitionWork } from './PartitionWork.js';
import type { ProcessBudget } from './ProcessBudget.js';

/** What the intake needs from whoever runs the tasks. */
export interface Dispatch {
  /** A task may start now (dispatching, and under the concurrency limits). */
  canStart(): boolean;
  /** Takes the record and starts it at once: its partition holds nothing, so no key of it is running. */
  startNow(part: PartitionWork, record: FetchedMessage): void;
  /** Takes the record into its partition's key queue. */
  enqueue(part: PartitionWork, record: FetchedMessage): void;
  /**
   * records[from..to) will run, now or after waiting in the fetch buffer or the key queue; said before any of
   * them starts, so that what each needs before it runs (its dedupe answer) is asked for all at once. Returns
   * when they may start, if not at once: until then they wait in the fetch buffer.
   */
  willRun(part: PartitionWork, records: readonly FetchedMessage[], from: number, to: number): Promise<void> | undefined;
  /** Records were taken from a fetch buffer between fetches (they became ready): start what may start. */
  refilled(): void;
}

/**
 * Flow control of a runner's partitions: how much of each fetch is taken within the memory bounds, what waits
 * in a partition's fetch buffer, and when a partition is paused and resumed. Nothing here runs a task.
 */
export class PartitionIntake {
  private refilling = false;
  private stopped = false;
  /** In a retry tier, records wait for their not-before time. */
  private readonly gate: NotBeforeGate | undefined;

  constructor(
    private readonly consumer: GroupConsumer,
    private readonly budget: ProcessBudget,
    private readonly maxHeldPerPartition: number,
    private readonly parts: { readonly list: readonly PartitionWork[] },
    private readonly dispatch: Dispatch,
    gated: boolean,
  ) {
    this.gate = gated ? new NotBeforeGate(() => this.resumeWhereRoom()) : undefined;
  }

  /** Records of one partition, in offset order. Returns how many were taken or kept (a prefix). */
  accept(part: PartitionWork, records: readonly FetchedMessage[]): number {
    let i = 0;
    const next = part.nextOffset;
    if (next !== undefined) while (i < records.length && Number((records[i] as FetchedMessage).offset) < next) i++;
    if (i >= records.length) return records.length;
    if (this.gate) {
      // Records not yet due are left to Kafka, fetched again once the head is due.
      this.gate.forget(part);
      const { end: due, notBefore } = this.gate.split(records, i);
      // Taken at once or left to Kafka, never buffered: here each job waits for its answer itself.
      void this.dispatch.willRun(part, records, i, due);
      const taken = this.admit(part, records, i, due);
      if (taken > i) part.nextOffset = Number((records[taken - 1] as FetchedMessage).offset) + 1;
      if (taken < records.length) {
        // Cut short by room, it resumes as room frees; only a head not yet due waits for its time.
        if (taken === due && notBefore !== undefined) this.gate.wakeAt(part, notBefore);
        this.pause(part);
      }
      return taken;
    }
    const ready = this.dispatch.willRun(part, records, i, records.length);
    if (ready !== undefined) this.holdUntil(ready, part, Number((records[i] as FetchedMessage).offset));
    // Behind records already buffered, these wait their turn too.
    const taken = part.buffer.size > 0 ? i : this.admit(part, records, i, records.length);
    // What finds no room waits in the fetch buffer, all of it (see FetchBuffer for why and what bounds it).
    if (taken < records.length) part.buffer.keep(records, taken);
    part.nextOffset = Number((records[records.length - 1] as FetchedMessage).offset) + 1;
    if (part.buffer.size > this.maxHeldPerPartition / 2) this.pause(part);
    return records.length;
  }

  /**
   * Takes records[from..to) while there is room, and returns the index reached. While the partition holds
   * nothing, no key of it is running: a record may start at once, and a handler that finishes synchronously
   * leaves the partition empty again for the next one.
   */
  private admit(part: PartitionWork, records: readonly FetchedMessage[], from: number, to: number): number {
    // Records from this offset on are not ready (see holdUntil); it cannot change while this runs.
    const unready = part.unready[0];
    let i = from;
    while (
      i < to &&
      part.held === 0 &&
      this.dispatch.canStart() &&
      this.budget.roomToHold() > 0 &&
      (unready === undefined || Number((records[i] as FetchedMessage).offset) < unready)
    ) {
      this.dispatch.startNow(part, records[i++] as FetchedMessage);
    }
    const room = Math.min(this.maxHeldPerPartition - part.held, this.budget.roomToHold());
    let end = Math.min(to, i + Math.max(0, room));
    if (unready !== undefined) end = readyEnd(records, i, end, unready);
    for (; i < end; i++) this.dispatch.enqueue(part, records[i] as FetchedMessage);
    return i;
  }

  /**
   * The records of a fetch from `offset` on wait in the fetch buffer until `ready` settles (their dedupe answers
   * are in), so that they start as they would without dedupe: inline, while the partition holds nothing, rather
   * than as jobs each waiting for its answer. Fetches are answered in the order they came.
   */
  private holdUntil(ready: Promise<void>, part: PartitionWork, offset: number): void {
    part.unready.push(offset);
    void ready.then(() => {
      part.unready.shift();
      if (part.revoked || this.stopped) return;
      this.roomFreed(part);
      this.dispatch.refilled();
    });
  }

  /** Room grew in this partition: take from its buffer, and resume paused partitions where there is room. */
  roomFreed(part: PartitionWork): void {
    this.refill(part);
    if (part.paused) this.resumeWhereRoom();
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

  private pause(part: PartitionWork): void {
    if (part.paused) return;
    part.paused = true;
    this.consumer.pause(part.tp);
  }

  /** Below the process's low-water mark: refill every partition, and resume those below half their bound. */
  resumeWhereRoom(): void {
    if (this.stopped || !this.budget.belowLowWater) return;
    for (const part of this.parts.list) {
      this.refill(part);
      if (
        part.paused &&
        !part.revoked &&
        part.dueAt === undefined &&
        part.buffer.size <= this.maxHeldPerPartition / 2 &&
        part.held <= this.maxHeldPerPartition / 2
      ) {
        // Resuming before the buffer is empty overlaps the next fetch with the work still buffered.
        part.paused = false;
        // Records fetched while paused may have been dropped by the client: continue exactly after ours.
        if (part.nextOffset !== undefined) this.consumer.seek(part.tp, String(part.nextOffset));
        this.consumer.resume(part.tp);
      }
    }
  }

  /** Takes nothing more: every partition is paused and no wake-up is left. */
  stop(): void {
    this.stopped = true;
    this.gate?.clear();
    for (const part of this.parts.list) this.consumer.pause(part.tp);
  }
}

/** The index of the first record in records[from..to) at or after offset `unready`, or `to`. */
function readyEnd(records: readonly FetchedMessage[], from: number, to: number, unready: number): number {
  let i = from;
  while (i < to && Number((records[i] as FetchedMessage).offset) < unready) i++;
  return i;
}
