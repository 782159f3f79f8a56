// Guarantee: tasks sharing a lock key never run at once, fencing tokens grow with each grant, and a lost lock aborts its handler.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, type TaskContext, type Worker } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('task locks', () => {
  it('serialises two workers on one lock key, with strictly growing fencing tokens', async () => {
    const lockKey = uniqueName('report');
    const task = noteTask({ partitions: 4, concurrency: 4, lock: { key: () => lockKey, leaseMs: 2000 } });
    const producer = await using(new TaskProducer());
    const runs: { start: number; end: number; token: number }[] = [];
    const handler = async (_n: unknown, ctx: TaskContext): Promise<void> => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 30));
      runs.push({ start, end: Date.now(), token: ctx.fencingToken as number });
    };
    const groupPrefix = uniqueName('g');
    const workers: Worker[] = [];
    for (let i = 0; i < 2; i++) workers.push(await startWorker({ groupPrefix, handlers: [handle(task, handler)] }));
    await waitFor('both workers own partitions', () =>
      workers.every((w) => (w.assignment()[task.name] ?? []).length > 0),
    );
    // Different ordering keys, one lock key: only the lock keeps them apart.
    await producer.enqueueMany(
      task,
      Array.from({ length: 16 }, (_, i) => ({ id: `t${i}`, key: `k${i}`, seq: i })),
    );
    await waitFor('every task ran', () => runs.length === 16, { timeoutMs: 90_000 });

    const byStart = [...runs].sort((a, b) => a.start - b.start);
    for (let i = 1; i < byStart.length; i++) {
      expect(byStart[i]?.start).toBeGreaterThanOrEqual(byStart[i - 1]?.end as number);
      expect(byStart[i]?.token).toBeGreaterThan(byStart[i - 1]?.token as number);
    }
  });

  it('aborts the handler through ctx.signal when its lock is overwritten, then completes the task on a later attempt', async () => {
    const lockKey = uniqueName('report');
    const task = noteTask({
      partitions: 1,
      lock: { key: () => lockKey, leaseMs: 600 },
      retry: { maxAttempts: 3, minDelayMs: 100, maxDelayMs: 100 },
    });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'long', key: 'k', seq: 1 });
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const outcomes: { attempt: number; aborted: string | undefined }[] = [];
    await startWorker({
      handlers: [
        handle(task, async (_n, ctx) => {
          if (ctx.attempt === 1) {
            // Another client takes the lock over while we hold it.
            await redis.set(`taskstream:lock:${lockKey}`, 'someone-else', 'PX', 5000);
            await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
            outcomes.push({ attempt: 1, aborted: (ctx.signal.reason as { code?: string }).code });
            throw ctx.signal.reason;
          }
          outcomes.push({ attempt: ctx.attempt, aborted: undefined });
        }),
      ],
    });
    // The overwritten key expires after 5 s; the retry then takes the lock again.
    await waitFor('a later attempt to complete', () => outcomes.some((o) => o.attempt > 1), { timeoutMs: 30_000 });
    expect(outcomes[0]).toEqual({ attempt: 1, aborted: 'LOCK_LOST' });
  });
});
