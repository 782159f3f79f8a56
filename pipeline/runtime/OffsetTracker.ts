/**
 * Which offset of one partition is safe to commit. Work completes out of order (different keys run at once),
 * but a commit says "everything before this is done", so only the contiguous prefix of completed offsets may be
 * committed. Offsets are registered in the order they arrive; Kafka offsets may have gaps (transaction
 * markers, compaction), so "contiguous" means contiguous in arrival order, not in numbers.
 */
export class OffsetTracker {
  private readonly pending: bigint[] = [];
  private head = 0;
  private readonly done = new Set<bigint>();
  private lastDone: bigint | undefined;
  private committed: bigint | undefined;

  /** Offsets must be registered in increasing order. */
  add(offset: string): void {
    const o = BigInt(offset);
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && o <= last)
      throw new RangeError(`offset ${offset} registered out of order (after ${last})`);
    this.pending.push(o);
  }

  complete(offset: string): void {
    this.done.add(BigInt(offset));
    while (this.head < this.pending.length && this.done.has(this.pending[this.head] as bigint)) {
      const o = this.pending[this.head] as bigint;
      this.done.delete(o);
      this.lastDone = o;
      this.head++;
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Registered and not yet part of the completed prefix. */
  get outstanding(): number {
    return this.pending.length - this.head;
  }

  /** The next offset to read after the completed prefix, if it moved since the last `markCommitted`. */
  committable(): string | undefined {
    if (this.lastDone === undefined) return undefined;
    const next = this.lastDone + 1n;
    return this.committed !== undefined && next <= this.committed ? undefined : String(next);
  }

  markCommitted(offset: string): void {
    const o = BigInt(offset);
    if (this.committed === undefined || o > this.committed) this.committed = o;
  }
}
