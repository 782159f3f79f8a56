import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { ServiceUnavailableError, TaskstreamError } from '../errors.js';
import type { OutgoingRecord, RecordPosition } from './records.js';

export interface RecordProducerOptions {
  /** acks=all with sequence numbers, so a retried send never duplicates (default true). */
  readonly idempotent?: boolean;
  readonly compression?: 'none' | 'gzip';
}

/**
 * Sends batches and reports where each record landed. kafkajs only returns a base offset per partition, so
 * we record the partition its partitioner picks for each message and count from the base offset (kafkajs
 * keeps each partition's messages in the order given).
 */
export class RecordProducer {
  private readonly producer: Producer;
  private readonly picked = new WeakMap<Message, number>();
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly address: string,
    private readonly options: RecordProducerOptions = {},
  ) {
    const partitioner = Partitioners.DefaultPartitioner();
    this.producer = kafka.producer({
      idempotent: options.idempotent ?? true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: () => (args) => {
        const partition = partitioner(args);
        this.picked.set(args.message, partition);
        return partition;
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
    const byTopic = new Map<string, Message[]>();
    const messages = records.map((r) => {
      const m: Message = { key: r.key, value: r.value, headers: r.headers ? { ...r.headers } : undefined };
      if (r.partition !== undefined) m.partition = r.partition;
      const list = byTopic.get(r.topic) ?? [];
      list.push(m);
      byTopic.set(r.topic, list);
      return m;
    });
    let metadata;
    try {
      metadata = await this.producer.sendBatch({
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    } catch (err) {
      const e = err as { retriable?: boolean; message?: string };
      throw new TaskstreamError('SERVICE_UNAVAILABLE', `sending to Kafka failed: ${e.message ?? String(err)}`, {
        retriable: e.retriable !== false,
        cause: err,
      });
    }
    const base = new Map(metadata.map((m) => [`${m.topicName}:${m.partition}`, BigInt(m.baseOffset ?? '0')]));
    const seen = new Map<string, bigint>();
    return records.map((r, i) => {
      const m = messages[i] as Message;
      const partition = m.partition ?? (this.picked.get(m) as number);
      const tp = `${r.topic}:${partition}`;
      const n = seen.get(tp) ?? 0n;
      seen.set(tp, n + 1n);
      return { topic: r.topic, partition, offset: String((base.get(tp) ?? 0n) + n) };
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
