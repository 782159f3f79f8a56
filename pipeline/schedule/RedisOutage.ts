import type { Logger } from '../logging/logger.js';
import { maskUrl } from '../security/maskUrl.js';
import { redisFailure } from '../redis/redisConnection.js';

/**
 * Wraps the scheduler's Redis calls: a failure becomes a ServiceUnavailableError (retriable) or, for a refused
 * login, an AuthenticationError, naming the address, and is logged once per outage, not once per tick (a schedule firing every second would flood the log).
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
      const failure = redisFailure(this.url, err);
      this.failed(failure);
      throw failure;
    }
  }

  failed(err: unknown): void {
    if (!this.down) this.log.warn({ err, url: this.url }, 'Redis failed; not firing, retrying');
    this.down = true;
  }

  answered(): void {
    if (this.down) this.log.info({ url: this.url }, 'Redis answers again');
    this.down = false;
  }
}
