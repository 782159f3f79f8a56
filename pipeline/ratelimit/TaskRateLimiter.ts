import type { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';
import type { RateLimitOptions } from '../task/defineTask.js';
import { KeyedLimits } from './KeyedLimits.js';
import type { Limit } from './Limit.js';
import { LocalLimit } from './LocalLimit.js';
import { SharedConcurrency } from './SharedConcurrency.js';
import { SharedLimit } from './SharedLimit.js';
import { SharedWindow } from './SharedWindow.js';

/** A shared limit takes at most this share of `max` in one batch, so that one worker cannot take a window alone. */
const BATCH_SHARE = 20;

/**
 * A task type's rate limit: at most `max` starts per window of `perMs` (windows aligned on the clock), and at most
 * `maxConcurrent` at once; with `perKey`, one such limit for each key (a tenant, say) instead of one for the type.
 * In process (LocalLimit), a start with a permit free starts at once. With `shared`, the windows are counted in
 * Redis for every worker instance (SharedWindow), their permits taken in batches; `maxConcurrent` with `shared`
 * holds across instances too, through bottleneck (SharedConcurrency), at two Redis round trips per start.
 *
 * A start whose attempt is aborted while it waits leaves at once: it rejects with the abort's reason and never runs.
 */
export class TaskRateLimiter {
  private readonly single: Limit | undefined;
  private readonly keyed: KeyedLimits | undefined;
  private readonly concurrency: SharedConcurrency | undefined;
  private stopReason: Error | undefined;

  /** With `shared`, `redis` is a client this limiter owns and closes. */
  constructor(
    taskName: string,
    private readonly options: RateLimitOptions,
    private readonly redis?: Redis,
  ) {
    const { max, perMs, maxConcurrent } = options;
    let make: (key: string) => Limit;
    if (options.shared) {
      if (redis === undefined) throw new ConfigError(`task "${taskName}": a shared rate limit needs Redis`);
      const window = new SharedWindow(redis, max, perMs);
      const batchMax = Math.max(1, Math.floor(max / BATCH_SHARE));
      const prefix = `taskstream:rate:${taskName}`;
      make = (key) => new SharedLimit(window, options.perKey ? `${prefix}:key:${key}` : prefix, batchMax);
      if (maxConcurrent !== undefined)
        this.concurrency = new SharedConcurrency(taskName, maxConcurrent, options.perKey !== undefined, redis);
    } else {
      make = () => new LocalLimit(max, perMs, maxConcurrent);
    }
    if (options.perKey) this.keyed = new KeyedLimits(make, Math.max(perMs, 1000));
    else this.single = make('');
  }

  /**
   * Waits for a start (of the payload's key, with `perKey`), then runs `fn` under the limit. Aborting `signal`
   * while it waits takes it out of the line at once: the promise rejects with the signal's reason and `fn` never
   * runs. After `stop`, rejects at once with the stop's reason.
   */
  run<T>(payload: unknown, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopReason) return Promise.reject(this.stopReason);
    const key = this.keyOf(payload);
    // The rate is asked for inside the concurrency slot: a permit is good only in its window, and must not be
    // spent waiting for a slot.
    if (this.concurrency) return this.concurrency.run(key, () => this.limitOf(key).run(fn, signal), signal);
    return this.limitOf(key).run(fn, signal);
  }

  /**
   * Takes a start now if one is free and no start waits before it (never with `shared` and `maxConcurrent`):
   * the caller then starts at once, with no promise, and calls `ended` with the same payload when it ends.
   */
  tryStart(payload: unknown): boolean {
    if (this.stopReason || this.concurrency) return false;
    return this.limitOf(this.keyOf(payload)).tryStart();
  }

  /** Whether a run started by `tryStart` must report its end (`maxConcurrent` counts runs). */
  get countsRuns(): boolean {
    return this.options.maxConcurrent !== undefined;
  }

  /** A run started by `tryStart` ended. */
  ended(payload: unknown): void {
    this.limitOf(this.keyOf(payload)).ended();
  }

  private keyOf(payload: unknown): string {
    return this.keyed ? (this.options.perKey?.(payload as never) ?? '') : '';
  }

  private limitOf(key: string): Limit {
    return this.single ?? (this.keyed as KeyedLimits).of(key);
  }

  /** Starts waiting now, across keys. */
  get waiting(): number {
    let n = this.concurrency?.waiting ?? 0;
    if (this.single) n += this.single.waiting;
    for (const limit of this.keyed?.all() ?? []) n += limit.waiting;
    return n;
  }

  /** Starts nothing more: every start still waiting is rejected with `reason` at once. What runs goes on. */
  stop(reason: Error): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.concurrency?.stop(reason);
    this.single?.stop(reason);
    for (const limit of this.keyed?.all() ?? []) limit.stop(reason);
  }

  /** Stops (if not yet), then leaves Redis: a shared limit's connection is closed, or the process cannot exit. */
  async close(): Promise<void> {
    this.stop(new Error('rate limiter closed'));
    await this.concurrency?.close();
    if (this.redis && this.redis.status !== 'end') await this.redis.quit().catch(() => undefined);
  }
}
