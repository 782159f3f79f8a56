// Guarantee: when Redis restarts and loses the locks, the stale holder's handler is aborted with LOCK_LOST, the task completes later, and every fencing token granted after the loss is greater than every token granted before it.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, type TaskContext } from '../../../pipeline/index.js';
import { nextFencingToken } from '../../../pipeline/locks/fencingToken.js';
import { LockLostError } from '../../../pipeline/errors.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startPrivateRedis } from '../../support/privateRedis.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('Redis restarts and loses the locks', () => {
  it('grants a token after the data loss that is greater than every token granted before it', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 20 });
    onCleanup(() => client.disconnect());
    const lockKey = uniqueName('report');
    let before = 0;
    for (let i = 0; i < 5; i++) before = await nextFencingToken(client, lockKey);

    await redis.restartLosingData();
    expect(await client.exists(`taskstream:fence:${lockKey}`)).toBe(0);

    expect(await nextFencingToken(client, lockKey)).toBeGreaterThan(before);
  });

  it('aborts the stale holder with LOCK_LOST and gives the next holder a greater fencing token', async () => {
    const redis = await startPrivateRedis();
    const lockKey = uniqueName('report');
    const task = noteTask({
      partitions: 1,
      dedupe: false,
      lock: { key: () => lockKey, leaseMs: 1500 },
      retry: { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 100 },
    });
    const producer = await using(new TaskProducer());
    const holders: { attempt: number; token: number }[] = [];
    let staleReason: unknown;
    const handler = async (_note: unknown, ctx: TaskContext): Promise<void> => {
      holders.push({ attempt: ctx.attempt, token: ctx.fencingToken as number });
      if (ctx.attempt > 1) return;
      // The first holder stalls until the runtime tells it the lock is gone.
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      staleReason = ctx.signal.reason;
      throw ctx.signal.reason;
    };
    const worker = await startWorker({ redisUrl: redis.url, handlers: [handle(task, handler)] });
    const completed: number[] = [];
    worker.on('task:completed', (e) => completed.push(e.attempt));
    await producer.enqueue(task, { id: 'report', key: 'k', seq: 1 });

    await waitFor('the first attempt to hold the lock', () => holders.length === 1);
    await redis.restartLosingData();
    await waitFor('the task to complete after the restart', () => completed.length === 1, { timeoutMs: 60_000 });

    expect(staleReason).toBeInstanceOf(LockLostError);
    expect((staleReason as LockLostError).code).toBe('LOCK_LOST');
    const [stale, ...later] = holders;
    expect(stale?.attempt).toBe(1);
    expect(later.length).toBeGreaterThan(0);
    for (const holder of later) expect(holder.token).toBeGreaterThan(stale?.token as number);
  });
});
