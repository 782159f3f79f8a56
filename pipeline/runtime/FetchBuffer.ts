import type { FetchedMessage } from '../kafka/records.js';

/**
 * Records of one partition that a fetch brought beyond the room the partition had. All of them are kept:
 * dropping the rest of a fetch and fetching it again after a resume decodes it twice, and more than that,
 * because Kafka answers a fetch from the middle of a record batch with the whole batch (in the runtime bench a
 * quarter of all records were decoded twice). The partition is paused while this holds more than half its
 * bound of tasks, so it holds at most that half plus one fetch: bounded in bytes by the fetch size per
 * partition, as the Java client's fetch buffer is, whatever the backlog. The tasks held for processing
 * (maxHeldTasks) do not include it, as a Kafka client's fetch buffer is not part of max.poll.records.
 */
export class FetchBuffer {
  private records: FetchedMessage[] = [];
  private head = 0;

  get size(): number {
    return this.records.length - this.head;
  }

  /**
   * Keys and values of the records kept, in bytes. Summed when asked (for stats), not kept up to date: reading
   * each record's sizes as it came and went touched every record once more, cold, and cost a tenth of an
   * asynchronous task.
   */
  get bytes(): number {
    let bytes = 0;
    for (let i = this.head; i < this.records.length; i++) {
      const record = this.records[i] as FetchedMessage;
      bytes += (record.value?.length ?? 0) + (record.key?.length ?? 0);
    }
    return bytes;
  }

  /** Keeps `records[from..]` after whatever it holds already. */
  keep(records: readonly FetchedMessage[], from: number): void {
    if (this.size === 0) {
      this.records = records.slice(from);
      this.head = 0;
    } else {
      for (let i = from; i < records.length; i++) this.records.push(records[i] as FetchedMessage);
    }
  }

  /** The records still kept, and the index of the first: pass the index reached to `consumedTo`. */
  view(): { readonly records: readonly FetchedMessage[]; readonly from: number } {
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
