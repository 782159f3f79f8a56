import type { IncomingRecord } from '../kafka/records.js';

/**
 * Records of one partition that a fetch brought beyond the room the partition had. Keeping them, rather than
 * dropping them and fetching them again after a resume, is what lets a fetch be large (good for fast handlers)
 * without wasting it when handlers are slow: the partition stays paused until this is drained. Its size is
 * bounded by what one or two fetches bring (fetchBytesPerPartition), not by the backlog; the tasks held for
 * processing (maxHeldTasks) do not include it, like a Kafka client's fetch buffer is not part of max.poll.records.
 */
export class FetchBuffer {
  private records: IncomingRecord[] = [];
  private head = 0;

  get size(): number {
    return this.records.length - this.head;
  }

  /** Keeps `records[from..]`, after whatever it holds already. */
  keep(records: readonly IncomingRecord[], from: number): void {
    if (this.size === 0) {
      this.records = records.slice(from);
      this.head = 0;
      return;
    }
    for (let i = from; i < records.length; i++) this.records.push(records[i] as IncomingRecord);
  }

  /** The records still kept, and the index of the first: pass the index reached to `consumedTo`. */
  view(): { readonly records: readonly IncomingRecord[]; readonly from: number } {
    return { records: this.records, from: this.head };
  }

  consumedTo(index: number): void {
    this.head = index;
    if (this.head >= this.records.length) this.clear();
  }

  clear(): void {
    this.records = [];
    this.head = 0;
  }
}
