import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { RateLimitOptions } from '../task/defineTask.js';

/**
 * A task type's rate limit on bottleneck: at most `max` starts per `perMs`, and at most `maxConcurrent` at
 * once. With `shared`, the reservoir lives in Redis and holds across every worker instance. Bottleneck
 * refills a Redis reservoir only on its heartbeat, so the heartbeat runs at least as often as the window
 * (with the 5 s default, 100/s ran at a fifth of its rate).
 */
export class TaskRateLimiter {
  private readonly limiter: Bottleneck;

  /** With `shared`, `redis` is a client this limiter owns and closes. */
  constructor(taskName: string, options: RateLimitOptions, redis?: Redis) {
    const base: Bottleneck.ConstructorOptions = {
      id: `taskstream:rate:${taskName}`,
      maxConcurrent: options.maxConcurrent ?? null,
      reservoir: options.max,
      reservoirRefreshAmount: options.max,
      reservoirRefreshInterval: options.perMs,
    };
    this.limiter = options.shared
      ? new Bottleneck({
          ...base,
          datastore: 'ioredis',
          connection: new Bottleneck.IORedisConnection({ client: redis }),
          clearDatastore: false,
          heartbeatInterval: Math.min(1000, Math.max(50, Math.floor(options.perMs / 2))),
          // Each running job is tracked in Redis; a crashed instance's jobs expire instead of holding slots.
          timeout: 10 * 60_000,
        })
      : new Bottleneck(base);
    this.limiter.on('error', () => undefined);
  }

  /** Waits for a start slot, then runs `fn` under the limit. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter.schedule(fn);
  }

  async close(): Promise<void> {
    await this.limiter.disconnect(false);
  }
}
