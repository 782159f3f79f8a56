import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { cancelCountKey, cancelSetKey } from './cancelKeys.js';

/**
 * A worker's copy of its task type's cancelled ids. A fetch's tasks start only once a read has completed that
 * began after the fetch was sent (`readSince`), so a cancel that completed before the worker asked Kafka for a
 * task is honoured. While a consumer is busy the read is begun with the fetch (`fetchStarting`), so it is
 * usually in by the time the records are: waiting for a read begun after they arrived added a Redis round trip
 * to every start (p99 enqueue-to-start at 1,000 tasks/s 13-15 ms against 9-10 without it). It is also read once
 * a second while idle (for tasks already in memory), and afresh before a delayed task starts if the copy is
 * older than `maxAgeMs`. A failed read keeps the last copy: Redis being away does not stop tasks.
 */
export class CancelWatch {
  private ids: ReadonlySet<string> = new Set();
  private count: string | null = null;
  /** When the last read that succeeded began. */
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  /** Reads are numbered in the order they begin: what a fetch waits for is a read numbered at least its ticket. */
  private begun = 0;
  private readingNumber = -1;
  private lastCompleted = -1;
  private next: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly groupId: string,
    private readonly log: Logger,
    private readonly maxAgeMs = 250,
  ) {}

  /** Reads again every intervalMs, so a task waiting in memory sees a cancel within that long. */
  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** By the copy in hand: no round trip. */
  cancelled(taskId: string): boolean {
    return this.ids.size > 0 && this.ids.has(taskId);
  }

  /** By a copy begun less than maxAgeMs ago; reads one (shared with whoever else asks) if the copy is older. */
  fresh(taskId: string): boolean | Promise<boolean> {
    if (Date.now() - this.readAt < this.maxAgeMs) return this.cancelled(taskId);
    return this.refresh().then(() => this.cancelled(taskId));
  }

  /**
   * A consumer is about to send a fetch: returns the ticket its records pass to `readSince`. `readNow` begins a
   * read at once (a busy consumer, whose records are likely to come), so that it overlaps the fetch.
   */
  fetchStarting(readNow: boolean): number {
    const ticket = this.begun;
    if (readNow) void this.refresh();
    return ticket;
  }

  /** Returns, if not at once, when a read numbered at least `ticket` (begun after that fetch was sent) is in. */
  readSince(ticket: number): Promise<void> | undefined {
    if (this.lastCompleted >= ticket) return undefined;
    if (this.reading !== undefined && this.readingNumber >= ticket) return this.reading;
    return this.refresh();
  }

  /** A read begun now, or right after the one under way (which may have been sent before what asks for it). */
  refresh(): Promise<void> {
    if (this.reading === undefined) {
      const startedAt = Date.now();
      const number = this.begun++;
      this.readingNumber = number;
      this.reading = this.read(startedAt).finally(() => {
        this.reading = undefined;
        this.lastCompleted = Math.max(this.lastCompleted, number);
      });
      return this.reading;
    }
    this.next ??= this.reading.then(() => {
      this.next = undefined;
      return this.refresh();
    });
    return this.next;
  }

  private async read(startedAt: number): Promise<void> {
    try {
      const count = await this.redis.get(cancelCountKey(this.groupId));
      if (count !== this.count) {
        const ids = count === null ? [] : await this.redis.zrangebyscore(cancelSetKey(this.groupId), startedAt, '+inf');
        this.ids = new Set(ids);
        this.count = count;
      }
      this.readAt = startedAt;
    } catch (err) {
      this.log.warn({ err }, 'cannot read cancelled task ids; going by the last ones read');
    }
  }
}
