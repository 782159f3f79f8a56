import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { RateLimitOptions } from '../task/defineTask.js';

/**
 * A task type's rate limit on bottleneck: at most `max` starts per `perMs`, and at most `maxConcurrent` at
 * once; with `perKey`, one such limit for each key (a tenant, say) instead of one for the type. With `shared`,
 * the reservoirs live in Redis and hold across every worker instance. Bottleneck refills a Redis reservoir
 * only on its heartbeat, so the heartbeat runs at least as often as the window (with the 5 s default, 100/s
 * ran at a fifth of its rate).
 */
export class TaskRateLimiter {
  private readonly limiter: Bottleneck | undefined;
  private readonly group: Bottleneck.Group | undefined;
  private readonly connection: Bottleneck.IORedisConnection | undefined;

  /** With `shared`, `redis` is a client this limiter owns and closes. */
  constructor(
    taskName: string,
    private readonly options: RateLimitOptions,
    redis?: Redis,
  ) {
    const base: Bottleneck.ConstructorOptions = {
      id: `taskstream:rate:${taskName}`,
      maxConcurrent: options.maxConcurrent ?? null,
      reservoir: options.max,
      reservoirRefreshAmount: options.max,
      reservoirRefreshInterval: options.perMs,
    };
    let settings = base;
    if (options.shared) {
      this.connection = new Bottleneck.IORedisConnection({ client: redis });
      settings = {
        ...base,
        datastore: 'ioredis',
        connection: this.connection,
        clearDatastore: false,
        heartbeatInterval: Math.min(1000, Math.max(50, Math.floor(options.perMs / 2))),
        // Each running job is tracked in Redis; a crashed instance's jobs expire instead of holding slots.
        timeout: 10 * 60_000,
      };
    }
    if (options.perKey) {
      this.group = new Bottleneck.Group(settings);
      this.group.on('created', (limiter) => limiter.on('error', () => undefined));
    } else {
      this.limiter = new Bottleneck(settings);
      this.limiter.on('error', () => undefined);
    }
  }

  /** Waits for a start slot (of the payload's key, with `perKey`), then runs `fn` under the limit. */
  run<T>(payload: unknown, fn: () => Promise<T>): Promise<T> {
    const limiter = this.group ? this.group.key(this.options.perKey?.(payload as never) ?? '') : this.limiter;
    return (limiter as Bottleneck).schedule(fn);
  }

  async close(): Promise<void> {
    if (this.limiter) await this.limiter.disconnect(false);
    if (this.group) {
      await Promise.all(this.group.limiters().map(({ limiter }) => limiter.disconnect(false)));
      await this.connection?.disconnect(false);
    }
  }
}
