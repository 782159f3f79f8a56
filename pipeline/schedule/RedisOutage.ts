import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { maskUrl } from '../security/maskUrl.js';

/**
 * Wraps the scheduler's Redis calls: a failure becomes a retriable ServiceUnavailableError naming the address,
 * and is logged once per outage, not once per tick (a schedule firing every second would flood the log).
 */
export class RedisOutage {
  private down = false;
  /** The address as printed: its password masked. */
  private readonly url: string;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.url = maskUrl(url);
  }

  async call<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.answered();
      return result;
    } catch (err) {
      this.failed(err);
      throw new ServiceUnavailableError('Redis', this.url, err);
    }
  }

  failed(err: unknown): void {
    if (!this.down) this.log.warn({ err, url: this.url }, 'Redis does not answer; not firing, retrying');
    this.down = true;
  }

  answered(): void {
    if (this.down) this.log.info({ url: this.url }, 'Redis answers again');
    this.down = false;
  }
}
