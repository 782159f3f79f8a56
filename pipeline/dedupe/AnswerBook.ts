/**
 * One partition's dedupe answers by offset: true done, false not, or what will tell (`P`, a pending round).
 * Kept by the partition, so dropped with it when it is revoked.
 *
 * Records are asked about as they are fetched, in increasing offset order, and their answers are taken as their
 * jobs start, in about that order (a record waiting for its key can hold the head back). So an array from the
 * oldest answer not taken to the newest is enough: a Map keyed by offset cost a quarter of a microsecond per
 * record more (measured), as hashing the task id strings had cost more still.
 */
export class AnswerBook<P> {
  private slots: (boolean | P | undefined)[] = [];
  /** The offset of slots[0]. */
  private base = 0;
  /** Slots before this index are taken. */
  private head = 0;
  /** The id bytes of a record without an id of its own, before its offset (see IdList.addPosition). */
  readonly idPrefixBytes: Buffer;
  /**
   * Offsets after this one never ran to an end in this group and epoch (read from Redis when the partition was
   * assigned; see DedupeStore's `ran` key): a record there without an id of its own cannot be done, so it is not
   * asked about. Undefined until read.
   */
  freshAfter: number | undefined;
  /** Its `ran` key is being read. */
  reading = false;

  /**
   * @param idPrefix `<topic>-<partition>-`: with an offset, the id of a record without one of its own.
   * @param partitionName `<topic>:<partition>`, which names its `ran` key.
   */
  constructor(
    readonly idPrefix: string,
    readonly partitionName: string,
  ) {
    this.idPrefixBytes = Buffer.from(idPrefix);
  }

  /** A record at this offset without an id of its own is known not to be done. */
  isFresh(offset: number): boolean {
    return this.freshAfter !== undefined && offset > this.freshAfter;
  }

  get(offset: number): boolean | P | undefined {
    return this.slots[offset - this.base];
  }

  /**
   * Sets an offset's answer. A new offset must come after every other in the book; an offset before them (a
   * retry of a record whose answer was taken) is not kept, and get() keeps answering undefined for it.
   */
  set(offset: number, answer: boolean | P): void {
    if (this.head === this.slots.length) {
      // Empty: start again at this offset.
      this.slots = [];
      this.base = offset;
      this.head = 0;
    }
    const i = offset - this.base;
    if (i < this.head) return;
    // Offsets may skip (compaction, transaction markers): the gap stays empty.
    while (this.slots.length < i) this.slots.push(undefined);
    this.slots[i] = answer;
  }

  /** Removes and returns an offset's answer. */
  take(offset: number): boolean | P | undefined {
    const i = offset - this.base;
    const answer = this.slots[i];
    if (answer === undefined) return undefined;
    this.slots[i] = undefined;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
    if (this.head > 4096 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return answer;
  }

  /** Answers not taken yet (including empty gaps between them). */
  get size(): number {
    return this.slots.length - this.head;
  }
}
