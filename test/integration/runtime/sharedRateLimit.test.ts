// Guarantee: a shared rate limit holds across worker instances through Redis.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, type Worker } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** The most starts inside any window of `windowMs`. */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('shared rate limit', () => {
  it('keeps two instances together within max starts per interval', async () => {
    const max = 10;
    const perMs = 1000;
    const task = noteTask({ partitions: 4, concurrency: 20, rateLimit: { max, perMs, shared: true } });
    const producer = await using(new TaskProducer());
    const total = 60;
    const starts: { at: number; worker: number }[] = [];
    const groupPrefix = uniqueName('g');
    const workers: Worker[] = [];
    for (const n of [1, 2]) {
      workers.push(
        await startWorker({
          groupPrefix,
          handlers: [handle(task, () => void starts.push({ at: Date.now(), worker: n }))],
        }),
      );
    }
    // Enqueue once both instances own partitions, so both take part in the limit.
    await waitFor('both instances to own partitions', () =>
      workers.every((w) => (w.assignment()[task.name] ?? []).length > 0),
    );
    await producer.enqueueMany(
      task,
      Array.from({ length: total }, (_, i) => ({ id: `t${i}`, key: `k${i}`, seq: i })),
    );
    await waitFor('every task started', () => starts.length >= total, { timeoutMs: 60_000 });

    expect(new Set(starts.map((s) => s.worker)).size).toBe(2);
    // A sliding window of perMs straddles two of the limit's windows (aligned on the clock), hence 2 × max.
    expect(
      busiestWindow(
        starts.map((s) => s.at),
        perMs,
      ),
    ).toBeLessThanOrEqual(2 * max);
    expect(
      busiestWindow(
        starts.map((s) => s.at),
        3 * perMs,
      ),
    ).toBeLessThanOrEqual(4 * max);
  });
});

describe('per-key rate limit', () => {
  it('gives each key (a tenant, say) its own limit instead of one for the task type', async () => {
    const max = 2;
    const perMs = 1000;
    const task = noteTask({ partitions: 1, concurrency: 20, rateLimit: { max, perMs, perKey: (n) => n.key } });
    const producer = await using(new TaskProducer());
    const starts: { at: number; key: string }[] = [];
    await startWorker({ handlers: [handle(task, (n) => void starts.push({ at: Date.now(), key: n.key }))] });
    // The limit key is the tenant (here also the ordering key, which is fine: the limit, not the order, spaces them).
    await producer.enqueueMany(
      task,
      Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, key: i % 2 === 0 ? 'tenant-a' : 'tenant-b', seq: i })),
      {},
    );
    await waitFor('every task started', () => starts.length === 12, { timeoutMs: 30_000 });
    // A window can straddle two refills, hence 2 × max; without the limit all six would start at once.
    for (const tenant of ['tenant-a', 'tenant-b']) {
      expect(
        busiestWindow(
          starts.filter((s) => s.key === tenant).map((s) => s.at),
          perMs,
        ),
        tenant,
      ).toBeLessThanOrEqual(2 * max);
    }
    // More than `max` started in the first half window (each tenant its own `max`): one limit for the whole
    // task type would have allowed only `max`.
    const first = Math.min(...starts.map((s) => s.at));
    expect(starts.filter((s) => s.at - first < perMs / 2).length).toBeGreaterThan(max);
  });
});
