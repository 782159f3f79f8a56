/**
 * The records of one partition waiting to start, with per-key order: an item may start only when no earlier
 * item of its key is still running (Confluent Parallel Consumer's KEY ordering). Items without a key have no
 * order and start as soon as there is capacity.
 *
 * Pushing is only an append of the raw item (a fetched record): `reach` turns it into what runs (a job) and
 * its key is looked at only when `take` comes to it, in push order. Most items come to the head with their key
 * free and start from there, so the per-key bookkeeping (a list per key, a ready list) is paid only by items
 * whose key is busy when their turn comes. Doing that work when a fetch arrived, as this class did, was most of
 * what the runtime spent per asynchronous task: a job made then is cold in the CPU's caches by the time it runs.
 */
export class KeyedQueue<R, T = R, K = string> {
  /** Raw items not yet reached, in push order, from `pendingHead`. */
  private pending: R[] = [];
  private pendingHead = 0;
  /** Items reached while their key was busy, per key, in push order. */
  private readonly waiting = new Map<K, T[]>();
  private readonly running = new Set<K>();
  /** Keys released while items of theirs wait: their head may start. */
  private ready: K[] = [];
  private readyHead = 0;
  private count = 0;

  constructor(
    private readonly reach: (raw: R) => T,
    private readonly keyOf: (item: T) => K | null,
  ) {}

  get size(): number {
    return this.count;
  }

  push(raw: R): void {
    this.count++;
    this.pending.push(raw);
  }

  /** The next item that may start, or undefined; a keyed item's key counts as running until `release`. */
  take(): T | undefined {
    // A ready key's head came before anything of its key still pending.
    while (this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++] as K;
      this.compactReady();
      const queue = this.waiting.get(key);
      if (!queue || this.running.has(key)) continue;
      const item = queue.shift() as T;
      if (queue.length === 0) this.waiting.delete(key);
      this.running.add(key);
      this.count--;
      return item;
    }
    while (this.pendingHead < this.pending.length) {
      const item = this.reach(this.pending[this.pendingHead++] as R);
      this.compactPending();
      const key = this.keyOf(item);
      if (key === null) {
        this.count--;
        return item;
      }
      // Most of the time nothing waits at all, and the lookup is skipped.
      const queue = this.waiting.size === 0 ? undefined : this.waiting.get(key);
      if (queue) {
        queue.push(item);
        continue;
      }
      if (this.running.has(key)) {
        this.waiting.set(key, [item]);
        continue;
      }
      this.running.add(key);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** An item of `key` starts without passing through the queue (the caller knows nothing of its key waits). */
  markRunning(key: K | null): void {
    if (key !== null) this.running.add(key);
  }

  /** The running item of `key` finished: the key's next item may start. */
  release(key: K | null): void {
    if (key === null) return;
    this.running.delete(key);
    if (this.waiting.size > 0 && this.waiting.has(key)) this.ready.push(key);
  }

  /** Drops everything waiting (the partition was revoked). */
  clear(): void {
    this.pending = [];
    this.pendingHead = 0;
    this.waiting.clear();
    this.ready = [];
    this.readyHead = 0;
    this.count = 0;
  }

  // Heads advance instead of shifting (shift is linear); the arrays are cut down once mostly consumed.
  private compactPending(): void {
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private compactReady(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }
}
