/**
 * Coalesces single items from many callers into batches: kafkajs sends every `send()` as its own request
 * and never lingers (kafkajs #1161, #772). An item waits at most `lingerMs`, a batch holds at most
 * `maxBatch` items, and one flush runs at a time: items that arrive during a flush form the next batch.
 */
export interface LingerBatcherOptions {
  readonly lingerMs: number;
  readonly maxBatch: number;
}

interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class LingerBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly options: LingerBatcherOptions,
    private readonly flushBatch: (items: readonly T[]) => Promise<readonly R[]>,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.lingerMs);
    });
  }

  /** Sends everything queued and waits for it. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      this.kick();
      await this.flushing;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.flushing = this.run(batch).finally(() => {
      this.flushing = undefined;
      // What arrived while we were sending has already waited; send it now.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.flushBatch(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
