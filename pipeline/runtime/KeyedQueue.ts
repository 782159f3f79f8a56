/**
 * The records of one partition waiting to start, with per-key order: a record may start only when no earlier
 * record of its key is still running (Confluent Parallel Consumer's KEY ordering). Records without a key
 * have no order and start as soon as there is capacity.
 */
export class KeyedQueue<T> {
  private readonly waiting = new Map<string, T[]>();
  private readonly running = new Set<string>();
  /** Keys whose head may start, in the order they became ready. */
  private ready: string[] = [];
  private readyHead = 0;
  private unkeyed: T[] = [];
  private unkeyedHead = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string | null, item: T): void {
    this.count++;
    if (key === null) {
      this.unkeyed.push(item);
      return;
    }
    const queue = this.waiting.get(key);
    if (queue) {
      queue.push(item);
      return;
    }
    this.waiting.set(key, [item]);
    if (!this.running.has(key)) this.ready.push(key);
  }

  /** The next item that may start, or undefined; a keyed item's key counts as running until `release`. */
  take(): T | undefined {
    if (this.unkeyedHead < this.unkeyed.length) {
      const item = this.unkeyed[this.unkeyedHead++] as T;
      if (this.unkeyedHead > 1024 && this.unkeyedHead * 2 > this.unkeyed.length) {
        this.unkeyed = this.unkeyed.slice(this.unkeyedHead);
        this.unkeyedHead = 0;
      }
      this.count--;
      return item;
    }
    while (this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++] as string;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      const queue = this.waiting.get(key);
      if (!queue || this.running.has(key)) continue;
      const item = queue.shift() as T;
      if (queue.length === 0) this.waiting.delete(key);
      this.running.add(key);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** An item of `key` starts without passing through the queue (the caller knows nothing of its key waits). */
  markRunning(key: string | null): void {
    if (key !== null) this.running.add(key);
  }

  /** The running item of `key` finished: the key's next item may start. */
  release(key: string | null): void {
    if (key === null) return;
    this.running.delete(key);
    if (this.waiting.has(key)) this.ready.push(key);
  }

  /** Drops everything waiting (the partition was revoked). */
  clear(): void {
    this.waiting.clear();
    this.ready = [];
    this.readyHead = 0;
    this.unkeyed = [];
    this.unkeyedHead = 0;
    this.count = 0;
  }
}
