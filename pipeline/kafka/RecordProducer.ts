import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { rootLogger } from '../logging/logger.js';
import { RecordTooLargeError, SendFailedError } from '../errors.js';
import { kafkaConnectError } from './connectError.js';
import { assertKafkajsPatched } from './kafkajsPatch.js';
import { createKeyPartitioner } from './KeyPartitioner.js';
import type { OutgoingRecord, RecordPosition } from './records.js';
import { BATCH_OVERHEAD_BYTES, recordBytes, requestEnds } from './RecordSize.js';
import { acknowledgedOutcomes, failedOutcomes, type PickedPartition, type SendOutcome } from './sendOutcomes.js';
import { TopicLimits } from './TopicLimits.js';

export type { SendOutcome } from './sendOutcomes.js';

export interface RecordProducerOptions {
  /** acks=all with sequence numbers, so a retried send never duplicates (default true). */
  readonly idempotent?: boolean;
  readonly compression?: 'none' | 'gzip';
  readonly logger?: Logger;
}

/** A message that remembers the partition the partitioner picked (kafkajs picks once per send, with the patch). */
interface TrackedMessage extends Message, PickedPartition {
  picked: number;
}

/**
 * Sends records and tells, per record, where it landed or why it did not. The promises it keeps:
 * - an acknowledged record is in the log once, and a position is only ever one the broker gave;
 * - a record too large for its topic is refused alone, before sending, and a send too large for one request is
 *   cut into requests the topic accepts, sent in order;
 * - after any failure the next send works: the idempotent producer is replaced (a new producer id), because its
 *   sequence numbers may no longer match what the broker holds for a record whose fate is unknown.
 * Sends run one at a time: an idempotent producer's sequence numbers are only right if a partition is never in
 * two requests at once. Callers that send concurrently coalesce first (LingerBatcher).
 */
export class RecordProducer {
  private producer: Producer;
  private connected: Promise<void> | undefined;
  private readonly limits: TopicLimits;
  private readonly log: Logger;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly address: string,
    private readonly options: RecordProducerOptions = {},
  ) {
    assertKafkajsPatched();
    this.log = (options.logger ?? rootLogger()).child({ component: 'record-producer' });
    this.limits = new TopicLimits(kafka, address, this.log);
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    const partition = createKeyPartitioner();
    return this.kafka.producer({
      idempotent: this.options.idempotent ?? true,
      // kafkajs holds a lock per broker while a produce request of an idempotent producer is out, so one
      // request per broker is in flight whatever this says.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // A failover (a leader's session timing out, a restarted broker recovering its log) can keep a partition
      // without a reachable leader for tens of seconds: wait that out, about two minutes in all as the Java
      // client's delivery.timeout.ms, before a send fails. kafkajs would retry for ever; giving up is safe here
      // because a failed send reports per record and replaces the producer id (see replaceProducer).
      retry: { retries: 30, maxRetryTime: 5000 },
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
      throw kafkaConnectError(this.address, err);
    });
    await this.connected;
  }

  /** Sends every record or throws the first record's failure (others may be stored: use sendSettled to know). */
  async send(records: readonly OutgoingRecord[]): Promise<RecordPosition[]> {
    const outcomes = await this.sendSettled(records);
    return outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o.position;
    });
  }

  /** One outcome per record, in order; rejects only if Kafka cannot be reached at all (nothing was sent). */
  sendSettled(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    const run = this.tail.then(() => this.sendNow(records));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async sendNow(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    await this.connect();
    await this.limits.refresh(topicsOf(records));
    const sizes = records.map(recordBytes);
    // A plain loop: a flatMap returning [] for every record that fits allocated an array per record.
    const tooLarge: { index: number; error: RecordTooLargeError }[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as OutgoingRecord;
      const bytes = BATCH_OVERHEAD_BYTES + (sizes[i] as number);
      const max = this.limits.maxBatchBytes(r.topic);
      if (bytes > max) tooLarge.push({ index: i, error: new RecordTooLargeError(r.topic, bytes, max) });
    }
    if (tooLarge.length === 0) return this.sendInOrder(records, sizes);
    // Rare: the records that fit go on without the ones that do not, which are refused alone.
    const refused = new Map(tooLarge.map((t) => [t.index, t.error]));
    const keep = records.flatMap((_, i) => (refused.has(i) ? [] : [i]));
    const sent = await this.sendInOrder(
      keep.map((i) => records[i] as OutgoingRecord),
      keep.map((i) => sizes[i] as number),
    );
    const outcomes: SendOutcome[] = records.map((_, i) => ({
      ok: false,
      error: refused.get(i) as RecordTooLargeError,
    }));
    keep.forEach((i, j) => (outcomes[i] = sent[j] as SendOutcome));
    return outcomes;
  }

  /** Sends in requests the topics accept, one after the other; after a failure, later requests stay unsent. */
  private async sendInOrder(records: readonly OutgoingRecord[], sizes: readonly number[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = [];
    let start = 0;
    let failed = false;
    for (const end of requestEnds(records, sizes, (t) => this.limits.maxBatchBytes(t))) {
      const request = records.slice(start, end);
      // Sending after a failure could store a key's later task before its earlier one, which the caller may resend.
      const results: SendOutcome[] = failed
        ? request.map(notSentAfterFailure)
        : (await this.sendRequest(request)).map((o, k) =>
            this.withSize(o, request[k] as OutgoingRecord, sizes[start + k]),
          );
      failed ||= results.some((o) => !o.ok);
      outcomes.push(...results);
      start = end;
    }
    if (failed) this.replaceProducer();
    return outcomes;
  }

  /** A broker's "too large" does not say how large: name our count and the limit we know. */
  private withSize(outcome: SendOutcome, record: OutgoingRecord, size: number | undefined): SendOutcome {
    if (outcome.ok || !(outcome.error instanceof RecordTooLargeError) || outcome.error.bytes !== undefined)
      return outcome;
    const bytes = size === undefined ? undefined : BATCH_OVERHEAD_BYTES + size;
    const max = this.limits.maxBatchBytes(record.topic);
    return { ok: false, error: new RecordTooLargeError(record.topic, bytes, max, outcome.error.cause) };
  }

  private async sendRequest(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    const byTopic = new Map<string, TrackedMessage[]>();
    const messages = records.map((r) => {
      // A string key would be turned into bytes twice by kafkajs (to hash it and to write it); once is enough.
      const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
      const m: TrackedMessage = { key, value: r.value, picked: -1 };
      if (r.headers) m.headers = { ...r.headers };
      if (r.partition !== undefined) m.partition = r.partition;
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push(m);
      return m;
    });
    try {
      const metadata = await this.producer.sendBatch({
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
      return acknowledgedOutcomes(records, messages, metadata);
    } catch (err) {
      this.log.warn({ err }, 'a send was not fully acknowledged');
      return failedOutcomes(records, messages, err);
    }
  }

  /** A fresh idempotent producer (new producer id, sequences from zero) for the next send; the old one closes. */
  private replaceProducer(): void {
    const old = this.producer;
    const wasConnected = this.connected !== undefined;
    this.producer = this.createProducer();
    this.connected = undefined;
    // Not awaited: disconnecting waits for the old producer's requests to brokers that may be down, and the next
    // send (a worker's hand-off copies queue behind it) must not wait for that.
    if (wasConnected) void old.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
    await this.limits.close();
  }
}

/** The topics of a send: nearly always one, so no set is built for the common case. */
function topicsOf(records: readonly OutgoingRecord[]): string[] {
  const first = records[0]?.topic;
  return records.every((r) => r.topic === first)
    ? first === undefined
      ? []
      : [first]
    : [...new Set(records.map((r) => r.topic))];
}

function notSentAfterFailure(record: OutgoingRecord): SendOutcome {
  return {
    ok: false,
    error: new SendFailedError(record.topic, false, 'not sent: an earlier request of the same send failed', {
      retriable: true,
    }),
  };
}
