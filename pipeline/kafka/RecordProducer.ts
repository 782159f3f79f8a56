import { CompressionTypes, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { RecordTooLargeError, ServiceUnavailableError, TaskstreamError } from '../errors.js';
import { createKeyPartitioner } from './KeyPartitioner.js';
import type { OutgoingRecord, RecordPosition } from './records.js';

export interface RecordProducerOptions {
  /** acks=all with sequence numbers, so a retried send never duplicates (default true). */
  readonly idempotent?: boolean;
  readonly compression?: 'none' | 'gzip';
}

/** A message that remembers the partition the partitioner picked on the latest attempt. */
interface TrackedMessage extends Message {
  picked: number;
}

/**
 * Sends batches and reports where each record landed. kafkajs only returns a base offset per partition, so
 * the partitioner notes on each message the partition it picked (on a retry it picks again and the note
 * follows), and we count from the base offset (kafkajs keeps each partition's messages in the order given).
 */
export class RecordProducer {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly address: string,
    private readonly options: RecordProducerOptions = {},
  ) {
    const partition = createKeyPartitioner();
    this.producer = kafka.producer({
      idempotent: options.idempotent ?? true,
      // kafkajs holds a lock per broker while a produce request of an idempotent producer is out, so one
      // request per broker is in flight whatever this says. Fuller requests help only so far: kafkajs groups a
      // request's records per partition in quadratic time (requests of 10,000 send slower than of 1,000).
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: () => (args) => {
        const picked = partition(args);
        (args.message as TrackedMessage).picked = picked;
        return picked;
      },
    });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw new ServiceUnavailableError('Kafka', this.address, err);
    });
    await this.connected;
  }

  async send(records: readonly OutgoingRecord[]): Promise<RecordPosition[]> {
    await this.connect();
    const byTopic = new Map<string, TrackedMessage[]>();
    const messages = records.map((r) => {
      // A string key would be turned into bytes twice by kafkajs (to hash it and to write it); once is enough.
      const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
      const m: TrackedMessage = { key, value: r.value, picked: r.partition ?? -1 };
      if (r.headers) m.headers = { ...r.headers };
      if (r.partition !== undefined) m.partition = r.partition;
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push(m);
      return m;
    });
    let metadata: RecordMetadata[];
    try {
      metadata = await this.producer.sendBatch({
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    } catch (err) {
      if (hasKafkaErrorType(err, 'MESSAGE_TOO_LARGE'))
        throw new RecordTooLargeError([...byTopic.keys()].join(', '), err);
      const e = err as { retriable?: boolean; message?: string };
      throw new TaskstreamError('SERVICE_UNAVAILABLE', `sending to Kafka failed: ${e.message ?? String(err)}`, {
        retriable: e.retriable !== false,
        cause: err,
      });
    }
    const next = nextOffsets(metadata, records.length);
    return records.map((r, i) => {
      const partition = (messages[i] as TrackedMessage).picked;
      const cursors = next.get(r.topic) ?? [];
      const offset = cursors[partition] ?? 0;
      cursors[partition] = typeof offset === 'number' ? offset + 1 : offset + 1n;
      return { topic: r.topic, partition, offset: String(offset) };
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}

/**
 * Each partition's base offset, by topic and partition. A double counts offsets exactly up to 2^53 (centuries
 * of a million records a second), and is far cheaper per record than a BigInt; past that, BigInt.
 */
function nextOffsets(metadata: readonly RecordMetadata[], count: number): Map<string, (number | bigint)[]> {
  const next = new Map<string, (number | bigint)[]>();
  for (const m of metadata) {
    let cursors = next.get(m.topicName);
    if (!cursors) next.set(m.topicName, (cursors = []));
    const base = Number(m.baseOffset ?? '0');
    cursors[m.partition] = Number.isSafeInteger(base + count) ? base : BigInt(m.baseOffset ?? '0');
  }
  return next;
}

/** Whether kafkajs's error, or one it wraps (retries, aggregates), is of a protocol error type. */
function hasKafkaErrorType(err: unknown, type: string, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (e.type === type) return true;
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => hasKafkaErrorType(i, type, depth + 1));
}
