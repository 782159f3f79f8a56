import type { GroupListener, PartitionRef } from '../../pipeline/kafka/GroupConsumer.js';
import type { FetchedMessage } from '../../pipeline/kafka/records.js';

/** Records per partition and fetch: what a producer batch of the runtime bench holds. */
const FETCH_RECORDS = 1667;

/**
 * Stands in for GroupConsumer in the core bench: assigns every partition at start, then, one turn of the event
 * loop after another, hands each partition that is not paused its next records, continuing after what the
 * runner took (or where it seeked), as kafkajs does.
 */
export class FakeFetcher {
  private listener: GroupListener | undefined;
  private readonly paused = new Set<number>();
  private readonly next: number[];
  delivered = 0;
  cpuUsMakingRecords = 0;

  constructor(
    private readonly topic: string,
    private readonly partitions: number,
    private readonly values: readonly Buffer[],
    private readonly keys: readonly Buffer[] | undefined,
  ) {
    this.next = new Array<number>(partitions).fill(0);
  }

  start(listener: GroupListener): Promise<void> {
    this.listener = listener;
    listener.onAssigned(Array.from({ length: this.partitions }, (_, partition) => ({ topic: this.topic, partition })));
    return Promise.resolve();
  }

  /** Delivers until `finished` says so. */
  run(finished: () => boolean): void {
    const turn = (): void => {
      if (finished()) return;
      for (let partition = 0; partition < this.partitions; partition++) {
        if (this.paused.has(partition)) continue;
        const records = this.fetch(partition);
        const taken = this.listener?.onRecords({ topic: this.topic, partition }, records) ?? 0;
        if (taken > 0) this.next[partition] = Number((records[taken - 1] as FetchedMessage).offset) + 1;
      }
      setImmediate(turn);
    };
    turn();
  }

  private fetch(partition: number): FetchedMessage[] {
    const cpu = process.cpuUsage();
    const from = this.next[partition] as number;
    const records: FetchedMessage[] = [];
    for (let offset = from; offset < from + FETCH_RECORDS; offset++) {
      const k = (offset * this.partitions + partition) % this.values.length;
      records.push({
        offset: String(offset),
        key: this.keys ? (this.keys[k] as Buffer) : null,
        value: this.values[k] as Buffer,
        timestamp: '0',
      });
    }
    this.delivered += records.length;
    const used = process.cpuUsage(cpu);
    this.cpuUsMakingRecords += used.user + used.system;
    return records;
  }

  pause(tp: PartitionRef): void {
    this.paused.add(tp.partition);
  }

  resume(tp: PartitionRef): void {
    this.paused.delete(tp.partition);
  }

  seek(tp: PartitionRef, offset: string): void {
    this.next[tp.partition] = Number(offset);
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
