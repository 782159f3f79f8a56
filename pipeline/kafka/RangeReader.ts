import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { TaskstreamError } from '../errors.js';
import { kafkaConnectError } from './connectError.js';
import { FetchedRecord } from './FetchedRecord.js';
import type { IncomingRecord } from './records.js';

/** Offsets `from` up to (not including) `to` of one partition. */
export interface OffsetRange {
  readonly partition: number;
  readonly from: bigint;
  readonly to: bigint;
}

export interface RangeReadResult {
  /** Partitions that stopped before their `to` because nothing more arrived within the idle time. */
  readonly incomplete: readonly { partition: number; reached: bigint; to: bigint }[];
}

export interface RangeReaderOptions {
  /** Give up on partitions that deliver nothing for this long (default 15 s). */
  readonly idleTimeoutMs?: number;
}

/**
 * Reads fixed offset ranges of a topic once, for tools (`taskstream dlq`). kafkajs has no group-less
 * consumer, so it reads through a throwaway group (`taskstream.cli-reader.<uuid>`) that never commits and is
 * deleted when the read ends; no real group's offsets are touched.
 */
export class RangeReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly address: string,
    private readonly options: RangeReaderOptions = {},
  ) {}

  /** Calls `onRecord` for each record in the ranges, in offset order per partition, then resolves. */
  async read(
    topic: string,
    ranges: readonly OffsetRange[],
    onRecord: (record: IncomingRecord) => void,
  ): Promise<RangeReadResult> {
    const wanted = new Map(ranges.filter((r) => r.from < r.to).map((r) => [r.partition, r]));
    if (wanted.size === 0) return { incomplete: [] };
    const reached = new Map<number, bigint>([...wanted].map(([p, r]) => [p, r.from]));
    const groupId = `taskstream.cli-reader.${randomUUID()}`;
    const consumer: Consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    let finish: (() => void) | undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let lastProgress = Date.now();
    const markReached = (partition: number, offset: bigint): void => {
      const range = wanted.get(partition);
      if (!range) return;
      lastProgress = Date.now();
      if (offset + 1n > (reached.get(partition) ?? range.from)) reached.set(partition, offset + 1n);
      if ((reached.get(partition) ?? 0n) >= range.to) {
        wanted.delete(partition);
        consumer.pause([{ topic, partitions: [partition] }]);
        if (wanted.size === 0) finish?.();
      }
    };
    // Batches of only control records never reach eachBatch; this event still says how far a partition got.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic === topic) markReached(e.payload.partition, BigInt(e.payload.lastOffset));
    });
    let crashed: unknown;
    consumer.on(consumer.events.CRASH, (e) => {
      crashed = e.payload.error;
      finish?.();
    });
    const total = new Map(ranges.map((r) => [r.partition, r]));
    try {
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
      } catch (err) {
        throw kafkaConnectError(this.address, err);
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch }) => {
          const range = total.get(batch.partition);
          if (!range || !wanted.has(batch.partition)) return;
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            // A fetch begun before our seek took effect may deliver earlier offsets, or some twice.
            if (offset < (reached.get(batch.partition) ?? range.from)) continue;
            if (offset >= range.to) break;
            onRecord(new FetchedRecord(topic, batch.partition, m));
            reached.set(batch.partition, offset + 1n);
          }
          markReached(batch.partition, BigInt(batch.lastOffset()));
        },
      });
      consumer.pause([{ topic }]);
      consumer.resume([{ topic, partitions: [...wanted.keys()] }]);
      for (const r of wanted.values()) consumer.seek({ topic, partition: r.partition, offset: r.from.toString() });
      const idleMs = this.options.idleTimeoutMs ?? 15_000;
      const idle = setInterval(() => {
        if (Date.now() - lastProgress > idleMs) finish?.();
      }, 200);
      try {
        await finished;
      } finally {
        clearInterval(idle);
      }
      if (crashed !== undefined) {
        const message = (crashed as { message?: string }).message ?? String(crashed);
        throw new TaskstreamError('SERVICE_UNAVAILABLE', `reading ${topic} failed: ${message}`, { cause: crashed });
      }
      return {
        incomplete: [...wanted.values()].map((r) => ({
          partition: r.partition,
          reached: reached.get(r.partition) ?? r.from,
          to: r.to,
        })),
      };
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.deleteGroup(groupId);
    }
  }

  /** The coordinator would drop the empty group within minutes anyway; deleting it keeps group lists clean. */
  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      /* best effort */
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
