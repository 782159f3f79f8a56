import type { Admin, Kafka } from 'kafkajs';
import { kafkaConnectError } from './connectError.js';

/**
 * A kafkajs admin client connected on first use; a failed connect is reported as the broker being
 * unreachable (one line naming the address) and retried on the next call. The admin classes of this folder
 * build on it.
 */
const LEADERSHIP_SETTLING = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION']);

export abstract class AdminConnection {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(
    protected readonly kafka: Kafka,
    protected readonly address: string,
  ) {
    this.admin = kafka.admin();
  }

  protected async ready(): Promise<Admin> {
    this.connected ??= this.admin.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw kafkaConnectError(this.address, err);
    });
    await this.connected;
    return this.admin;
  }

  /**
   * Runs an admin call, retrying while partition leadership is still settling (a topic created a moment ago,
   * a broker that just failed over): kafkajs gives up on these without refreshing its metadata.
   */
  protected async settled<T>(topic: string, call: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.ready();
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(admin);
      } catch (err) {
        const type = (err as { type?: string }).type;
        if (attempt >= 8 || !type || !LEADERSHIP_SETTLING.has(type)) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
        await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      }
    }
  }

  /** Never throws: closing is cleanup, and a broker that went away has nothing to close. */
  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }
}
