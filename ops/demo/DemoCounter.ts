import type { DemoFeed } from './DemoFeed.js';
import type { DemoProcesses } from './DemoProcesses.js';
import type { DemoRow } from './demoTable.js';
import { scrapeWorker, type TypeCounts } from './workerCounts.js';

const TYPES = ['send-email', 'generate-report', 'resize-image'] as const;
const RATE_WINDOW_MS = 5_000;

/**
 * The live numbers. Enqueued: what the feed had acknowledged plus what the scheduler fired. Done, retried,
 * dead-lettered: the workers' own Prometheus counters, summed over the workers; a worker that misses a scrape
 * keeps the numbers it last reported (its counters only grow).
 */
export class DemoCounter {
  private readonly lastSeen = new Map<string, Map<string, TypeCounts>>();
  private readonly history: { at: number; done: Map<string, number> }[] = [];
  private enqueued = new Map<string, number>();

  constructor(private readonly processes: DemoProcesses) {}

  async sample(feed: DemoFeed): Promise<void> {
    await Promise.all(
      this.processes.workers.map(async (w) => {
        const counts = await scrapeWorker(w.url);
        if (counts) this.lastSeen.set(w.url, counts);
      }),
    );
    this.enqueued = new Map(
      TYPES.map((t) => [t, (feed.enqueued.get(t) ?? 0) + (this.processes.scheduled.get(t) ?? 0)]),
    );
    const now = Date.now();
    this.history.push({ at: now, done: new Map(TYPES.map((t) => [t, this.counts(t).completed])) });
    while (this.history.length > 2 && (this.history[1]?.at ?? now) <= now - RATE_WINDOW_MS) this.history.shift();
  }

  counts(type: string): TypeCounts {
    const sum: TypeCounts = { completed: 0, retried: 0, deadLettered: 0 };
    for (const worker of this.lastSeen.values()) {
      const c = worker.get(type);
      if (!c) continue;
      sum.completed += c.completed;
      sum.retried += c.retried;
      sum.deadLettered += c.deadLettered;
    }
    return sum;
  }

  rows(): DemoRow[] {
    const first = this.history[0];
    const last = this.history[this.history.length - 1];
    const seconds = first && last ? (last.at - first.at) / 1000 : 0;
    return TYPES.map((type) => ({
      type,
      enqueued: this.enqueued.get(type) ?? 0,
      counts: this.counts(type),
      rate: seconds > 0 ? ((last?.done.get(type) ?? 0) - (first?.done.get(type) ?? 0)) / seconds : 0,
    }));
  }

  /** Tasks enqueued that the workers have not yet done or dead-lettered: waiting, running or retrying. */
  unsettled(): number {
    return TYPES.reduce((n, type) => {
      const c = this.counts(type);
      return n + Math.max(0, (this.enqueued.get(type) ?? 0) - c.completed - c.deadLettered);
    }, 0);
  }
}
