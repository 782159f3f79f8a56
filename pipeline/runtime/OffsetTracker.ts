/**
 * Which offset of one partition is safe to commit. Work completes out of order (different keys run at once),
 * but a commit says "everything before this is done", so only the contiguous prefix of completed offsets may be
 * committed. Offsets are registered in the order they arrive; Kafka offsets may have gaps (transaction
 * markers, compaction), so "contiguous" means contiguous in arrival order, not in numbers.
 *
 * `add` hands out a ticket and `complete` takes it back, so the hot path is array indexing: no maps, no
 * BigInt (offsets stay far below 2^53 in practice; they are checked on the way in).
 */
export class OffsetTracker {
  private offsets: number[] = [];
  private done: boolean[] = [];
  /** Ticket of offsets[0]. */
  private base = 0;
  /** Index of the first entry not yet in the completed prefix. */
  private head = 0;
  private lastDone = -1;
  private committed = -1;

  /** Registers the next offset (in increasing order) and returns its ticket. */
  add(offset: string): number {
    const o = Number(offset);
    if (!Number.isSafeInteger(o)) throw new RangeError(`offset ${offset} is beyond what this tracker handles`);
    const last = this.offsets.length > 0 ? (this.offsets[this.offsets.length - 1] as number) : this.lastDone;
    if (o <= last) throw new RangeError(`offset ${offset} registered out of order (after ${last})`);
    this.offsets.push(o);
    this.done.push(false);
    return this.base + this.offsets.length - 1;
  }

  complete(ticket: number): void {
    const i = ticket - this.base;
    if (i < this.head || i >= this.offsets.length) return;
    this.done[i] = true;
    while (this.head < this.offsets.length && this.done[this.head]) {
      this.lastDone = this.offsets[this.head] as number;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.done = this.done.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /** Registered and not yet part of the completed prefix. */
  get outstanding(): number {
    return this.offsets.length - this.head;
  }

  /** The next offset to read after the completed prefix, if it moved since the last `markCommitted`. */
  committable(): string | undefined {
    if (this.lastDone < 0 || this.lastDone + 1 <= this.committed) return undefined;
    return String(this.lastDone + 1);
  }

  markCommitted(offset: string): void {
    this.committed = Math.max(this.committed, Number(offset));
  }
}
