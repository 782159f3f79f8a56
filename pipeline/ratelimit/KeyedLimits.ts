import type { Limit } from './Limit.js';

/**
 * One limit per key (perKey), made on a key's first start. A key's limit is forgotten once idle (nothing waits or
 * runs under it, and its window has no start counted), looked for at most once per `sweepEveryMs` on a start:
 * a stream of one-off keys (a tenant id, a user id) does not grow the map for good.
 */
export class KeyedLimits {
  private readonly limits = new Map<string, Limit>();
  private lastSweep = Date.now();

  constructor(
    private readonly make: (key: string) => Limit,
    private readonly sweepEveryMs: number,
  ) {}

  get size(): number {
    return this.limits.size;
  }

  of(key: string): Limit {
    const now = Date.now();
    if (now - this.lastSweep >= this.sweepEveryMs) this.sweep(now);
    let limit = this.limits.get(key);
    if (limit === undefined) {
      limit = this.make(key);
      this.limits.set(key, limit);
    }
    return limit;
  }

  all(): IterableIterator<Limit> {
    return this.limits.values();
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, limit] of this.limits) if (limit.idle(now)) this.limits.delete(key);
  }
}
