import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { SlotLine } from './SlotLine.js';

/**
 * `maxConcurrent` across every worker instance, on bottleneck's Redis datastore: a bottleneck job per start, held
 * while it runs (a Lua round trip to start it and one to end it), one limiter per key with `perKey`. Each running
 * job is tracked in Redis, so a crashed instance's jobs expire instead of holding their slots.
 *
 * Starts wait in a line of ours in front of bottleneck (SlotLine, one per key), so that one whose attempt is
 * aborted leaves at once: bottleneck cannot take back a queued job.
 */
export class SharedConcurrency {
  private readonly limiter: Bottleneck | undefined;
  private readonly group: Bottleneck.Group | undefined;
  private readonly connection: Bottleneck.IORedisConnection;
  /** By limit key; a key's line is forgotten while it has no one waiting. */
  private readonly lines = new Map<string, SlotLine>();

  /** `redis` is closed with this (bottleneck's connection closes the client it was given). */
  constructor(taskName: string, maxConcurrent: number, perKey: boolean, redis: Redis) {
    this.connection = new Bottleneck.IORedisConnection({ client: redis });
    const settings: Bottleneck.ConstructorOptions = {
      id: `taskstream:concurrency:${taskName}`,
      maxConcurrent,
      datastore: 'ioredis',
      connection: this.connection,
      clearDatastore: false,
      timeout: 10 * 60_000,
    };
    if (perKey) {
      this.group = new Bottleneck.Group(settings);
      this.group.on('created', (limiter) => limiter.on('error', () => undefined));
    } else {
      this.limiter = new Bottleneck(settings);
      this.limiter.on('error', () => undefined);
    }
  }

  /** Runs `fn` in a slot of `key` (ignored without perKey); an abort of `signal` while it waits takes it out. */
  run<T>(key: string, fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
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

  get waiting(): number {
    let n = 0;
    for (const line of this.lines.values()) n += line.waiting;
    return n;
  }

  /** Rejects every start waiting with `reason`; bottleneck drops the slots asked for them. Running ones go on. */
  stop(reason: unknown): void {
    for (const line of [...this.lines.values()]) line.dropAll(reason);
    const limiters = this.group ? this.group.limiters().map((l) => l.limiter) : [this.limiter as Bottleneck];
    // Its promise settles when the jobs still executing end; nothing waits for it (close does not wait for
    // bottleneck's bookkeeping), and the slots it drops reject into the lines, which have no one left.
    for (const limiter of limiters) limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.limiter) await this.limiter.disconnect(false);
    if (this.group) await Promise.all(this.group.limiters().map(({ limiter }) => limiter.disconnect(false)));
    await this.connection.disconnect(false);
  }
}
