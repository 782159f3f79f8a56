import type { IncomingRecord } from '../kafka/records.js';

/**
 * Records of one partition that a fetch brought beyond the room the partition had. Keeping them, rather than
 * dropping them and fetching them again after a resume, is what keeps a fetch from being wasted when handlers
 * are slower than fetching: the partition stays paused until this is drained. It is bounded in records (the
 * runner passes maxHeldPerPartition), so what a worker has in memory is bounded whatever the backlog and
 * however small the records; the tasks held for processing (maxHeldTasks) do not include it, as a Kafka
 * client's fetch buffer is not part of max.poll.records.
 */
export class FetchBuffer {
  private records: IncomingRecord[] = [];
  private head = 0;

  get size(): number {
    return this.records.length - this.head;
  }

  /**
   * Keeps `records[from..]` after whatever it holds already, as long as it holds fewer than `limit`; returns
   * the index after the last record kept (the rest is fetched again later).
   */
  keep(records: readonly IncomingRecord[], from: number, limit: number): number {
    const end = Math.min(records.length, from + Math.max(0, limit - this.size));
    if (this.size === 0) {
      this.records = records.slice(from, end);
      this.head = 0;
      return end;
    }
    for (let i = from; i < end; i++) this.records.push(records[i] as IncomingRecord);
    return end;
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
