import type { Admin, Kafka } from 'kafkajs';
import { ServiceUnavailableError } from '../errors.js';

/**
 * A kafkajs admin client connected on first use; a failed connect is reported as the broker being
 * unreachable (one line naming the address) and retried on the next call. The admin classes of this folder
 * build on it.
 */
export abstract class AdminConnection {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    protected readonly address: string,
  ) {
    this.admin = kafka.admin();
  }

  protected async ready(): Promise<Admin> {
    this.connected ??= this.admin.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw new ServiceUnavailableError('Kafka', this.address, err);
    });
    await this.connected;
    return this.admin;
  }

  /** Never throws: closing is cleanup, and a broker that went away has nothing to close. */
  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }
}
