import type { Logger } from '../logging/logger.js';
import { AdminConnection } from './AdminConnection.js';

/** Kafka's default `message.max.bytes` (1 MiB plus the log overhead), used when a topic's own cannot be read. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** A limit can be raised by an operator at any time; a long-running producer learns of it within this long. */
const REFRESH_MS = 5 * 60_000;
/** After a failed read (a broker down, no DescribeConfigs permission), try again this much later. */
const RETRY_MS = 30_000;

interface Known {
  readonly bytes: number;
  readonly until: number;
}

/** Each topic's `max.message.bytes` (the largest record batch the topic accepts), read once and kept a while. */
export class TopicLimits extends AdminConnection {
  private readonly known = new Map<string, Known>();
  private readonly reading = new Map<string, Promise<void>>();

  constructor(
    kafka: ConstructorParameters<typeof AdminConnection>[0],
    address: string,
    private readonly log: Logger,
  ) {
    super(kafka, address);
  }

  /** The limit of a topic already read: a lookup with no round trip, for every record of a send. */
  maxBatchBytes(topic: string): number {
    return this.known.get(topic)?.bytes ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Reads the limits of the topics not known (or known too long ago); never throws. */
  async refresh(topics: Iterable<string>): Promise<void> {
    const now = Date.now();
    const due = [...new Set(topics)].filter((t) => (this.known.get(t)?.until ?? 0) <= now);
    await Promise.all(due.map((topic) => this.read(topic)));
  }

  private read(topic: string): Promise<void> {
    let p = this.reading.get(topic);
    if (!p) {
      p = this.describe(topic).finally(() => this.reading.delete(topic));
      this.reading.set(topic, p);
    }
    return p;
  }

  private async describe(topic: string): Promise<void> {
    try {
      const admin = await this.ready();
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* ConfigResourceTypes.TOPIC */, name: topic, configNames: ['max.message.bytes'] }],
      });
      const value = Number(
        res.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue,
      );
      const bytes = Number.isSafeInteger(value) && value > 0 ? value : KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
      this.known.set(topic, { bytes, until: Date.now() + REFRESH_MS });
    } catch (err) {
      // Sending goes on with Kafka's default; a record the broker refuses is still refused alone.
      this.log.warn({ err, topic }, 'could not read max.message.bytes; assuming the Kafka default for now');
      this.known.set(topic, { bytes: this.maxBatchBytes(topic), until: Date.now() + RETRY_MS });
    }
  }
}
