import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { RateLimitOptions } from '../task/defineTask.js';
import { SlotLine } from './SlotLine.js';

/**
 * A task type's rate limit on bottleneck: at most `max` starts per `perMs`, and at most `maxConcurrent` at
 * once; with `perKey`, one such limit for each key (a tenant, say) instead of one for the type. With `shared`,
 * the reservoirs live in Redis and hold across every worker instance. Bottleneck refills a Redis reservoir
 * only on its heartbeat, so the heartbeat runs at least as often as the window (with the 5 s default, 100/s
 * ran at a fifth of its rate).
 *
 * Starts wait in a line of ours in front of bottleneck (SlotLine, one per key), so that one whose attempt is
 * aborted leaves at once: bottleneck cannot take back a queued job, and a job left there would hold its place
 * (at a throttled rate, minutes of them) and use a start slot when it came.
 */
export class TaskRateLimiter {
  private readonly limiter: Bottleneck | undefined;
  private readonly group: Bottleneck.Group | undefined;
  private readonly connection: Bottleneck.IORedisConnection | undefined;
  /** By limit key ('' without `perKey`); a key's line is forgotten while it has no one waiting. */
  private readonly lines = new Map<string, SlotLine>();
  private stopReason: Error | undefined;

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

  /**
   * Waits for a start slot (of the payload's key, with `perKey`), then runs `fn` under the limit. Aborting
   * `signal` while it waits takes it out of the line at once: the promise rejects with the signal's reason and
   * `fn` never runs. After `stop`, rejects at once with the stop's reason.
   */
  run<T>(payload: unknown, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.stopReason) return Promise.reject(this.stopReason);
    const key = this.group ? (this.options.perKey?.(payload as never) ?? '') : '';
    let line = this.lines.get(key);
    if (line === undefined) {
      const limiter = this.group ? this.group.key(key) : (this.limiter as Bottleneck);
      line = new SlotLine(
        (take) => limiter.schedule(take),
        (empty) => {
          if (this.lines.get(key) === empty) this.lines.delete(key);
        },
      );
      this.lines.set(key, line);
    }
    return line.join(fn, signal);
  }

  /** Starts waiting now, across keys. */
  get waiting(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.waiting;
    return n;
  }

  /**
   * Starts nothing more: every start still waiting is rejected with `reason` at once, and bottleneck drops the
   * slots asked for them (`stop({ dropWaitingJobs: true })`). What already runs under the limit goes on.
   */
  stop(reason: Error): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    for (const line of [...this.lines.values()]) line.dropAll(reason);
    const limiters = this.group ? this.group.limiters().map((l) => l.limiter) : [this.limiter as Bottleneck];
    // Its promise settles when the jobs still executing end; nothing waits for it (close does not wait for
    // bottleneck's bookkeeping), and the slots it drops reject into the lines, which have no one left.
    for (const limiter of limiters) limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  /** Stops (if not yet), then leaves Redis: a shared limit's connection is closed, or the process cannot exit. */
  async close(): Promise<void> {
    this.stop(new Error('rate limiter closed'));
    if (this.limiter) await this.limiter.disconnect(false);
    if (this.group) await Promise.all(this.group.limiters().map(({ limiter }) => limiter.disconnect(false)));
    await this.connection?.disconnect(false);
  }
}
