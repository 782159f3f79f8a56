/**
 * The records of one partition waiting to start, with per-key order: a record may start only when no earlier
 * record of its key is still running (Confluent Parallel Consumer's KEY ordering). Records without a key
 * have no order and start as soon as there is capacity.
 */
export class KeyedQueue<T> {
  private readonly waiting = new Map<string, T[]>();
  private readonly running = new Set<string>();
  /** Keys whose head may start, in the order they became ready; unkeyed items ride here directly. */
  private readonly ready: ({ key: string } | { item: T })[] = [];
  private readyHead = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string | null, item: T): void {
    this.count++;
    if (key === null) {
      this.ready.push({ item });
      return;
    }
    const queue = this.waiting.get(key);
    if (queue) {
      queue.push(item);
      return;
    }
    this.waiting.set(key, [item]);
    if (!this.running.has(key)) this.ready.push({ key });
  }

  /** The next item that may start, or undefined; its key counts as running until `release`. */
  take(): { key: string | null; item: T } | undefined {
    while (this.readyHead < this.ready.length) {
      const entry = this.ready[this.readyHead++] as { key: string } | { item: T };
      this.compact();
      if ('item' in entry) {
        this.count--;
        return { key: null, item: entry.item };
      }
      const queue = this.waiting.get(entry.key);
      if (!queue || queue.length === 0 || this.running.has(entry.key)) continue;
      const item = queue.shift() as T;
      if (queue.length === 0) this.waiting.delete(entry.key);
      this.running.add(entry.key);
      this.count--;
      return { key: entry.key, item };
    }
    return undefined;
  }

  /** The running item of `key` finished: the key's next item may start. */
  release(key: string | null): void {
    if (key === null) return;
    this.running.delete(key);
    if (this.waiting.has(key)) this.ready.push({ key });
  }

  /** Drops everything waiting (the partition was revoked). */
  clear(): void {
    this.waiting.clear();
    this.ready.length = 0;
    this.readyHead = 0;
    this.count = 0;
  }

  private compact(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }
}
