import { randomInt } from 'node:crypto';

/**
 * The Java client's default partitioning (and kafkajs's `DefaultPartitioner`, so partitions stay where they
 * were): an explicit partition wins, a key goes to murmur2(key) mod the partition count, a record without a
 * key goes round robin over partitions that have a leader.
 *
 * Ours because kafkajs's costs more than a small record's whole encoding: its murmur2 multiplies with a
 * 64-bit Long class (several objects per 4 bytes of key), it turns a string key into a Buffer on every call,
 * and it filters the partition list once per record. Here the hash is 32-bit `Math.imul` and the available
 * partitions are filtered once per metadata array.
 */
export interface PartitionInfo {
  readonly partitionId: number;
  readonly leader: number;
}

export interface PartitionArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly PartitionInfo[];
  readonly message: { readonly key?: Buffer | string | null; readonly partition?: number };
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (Utils.murmur2 in the Java client), as a signed 32-bit integer. */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16);
    k |= (data[i + 3] as number) << 24;
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  switch (length & 3) {
    case 3:
      h ^= (data[whole + 2] as number) << 16;
    // falls through
    case 2:
      h ^= (data[whole + 1] as number) << 8;
    // falls through
    case 1:
      h ^= data[whole] as number;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** One partitioner per producer: round-robin counters are per topic, as in kafkajs. */
export function createKeyPartitioner(): (args: PartitionArgs) => number {
  const counters = new Map<string, number>();
  let lastMetadata: readonly PartitionInfo[] | undefined;
  let lastAvailable: readonly PartitionInfo[] = [];
  const nextCount = (topic: string): number => {
    // A random start, as kafkajs does, so producers that start together do not all hit partition 0 first.
    const n = (counters.get(topic) ?? randomInt(2 ** 32)) + 1;
    counters.set(topic, n);
    return n & 0x7fffffff;
  };
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key !== undefined && message.key !== null) {
      const bytes = typeof message.key === 'string' ? Buffer.from(message.key) : message.key;
      return (murmur2(bytes) & 0x7fffffff) % partitionMetadata.length;
    }
    // kafkajs hands the same metadata array to every record of a request.
    if (partitionMetadata !== lastMetadata) {
      lastMetadata = partitionMetadata;
      lastAvailable = partitionMetadata.filter((p) => p.leader >= 0);
    }
    const n = nextCount(topic);
    const available = lastAvailable[n % Math.max(lastAvailable.length, 1)];
    return available ? available.partitionId : n % partitionMetadata.length;
  };
}
