// Guarantee: with lock.onBusy 'reschedule', a task whose lock is busy moves to a retry tier without using an attempt, so later tasks of its key run meanwhile; each reschedule counts a postponement, so its waits grow; and it completes on attempt 1 once the lock is free.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startReading } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe("lock.onBusy 'reschedule'", () => {
  it('hands a task with a busy lock to a retry tier, lets its key move on, and completes it on attempt 1 once the lock is free', async () => {
    const prefix = uniqueName('account');
    const task = noteTask({
      partitions: 1,
      // One lock per note id: only the note whose lock the test holds is busy.
      lock: { key: (n) => `${prefix}:${n.id}`, onBusy: 'reschedule' },
      retry: { maxAttempts: 3, minDelayMs: 200, maxDelayMs: 2000 },
    });
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const busyLock = `taskstream:lock:${prefix}:first`;
    await redis.set(busyLock, 'held-by-the-test', 'PX', 120_000);
    onCleanup(() => redis.del(busyLock));

    const completed: { id: string; attempt: number }[] = [];
    const worker = await startWorker({
      handlers: [handle(task, (n, ctx) => void completed.push({ id: n.id, attempt: ctx.attempt }))],
    });
    const rescheduled: { taskId: string; attempt: number; code: string | undefined }[] = [];
    worker.on('task:retrying', (e) =>
      rescheduled.push({ taskId: e.taskId, attempt: e.attempt, code: (e.error as { code?: string }).code }),
    );
    const retryTier = await startReading(`${task.topic}.retry.200ms`);
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'first', key: 'k', seq: 1 });
    await producer.enqueue(task, { id: 'second', key: 'k', seq: 2 });

    // 'second' shares the ordering key of 'first', which cannot run while the test holds its lock.
    await waitFor('the later task of the key to complete', () => completed.some((c) => c.id === 'second'));
    expect(completed).toEqual([{ id: 'second', attempt: 1 }]);
    expect(rescheduled.length).toBeGreaterThan(0);
    expect(rescheduled.every((r) => r.attempt === 1 && r.code === 'LOCK_BUSY')).toBe(true);
    // Each copy counts one more postponement, and the next wait for the lock grows with that count.
    const copies = await retryTier.until(3);
    expect(copies.slice(0, 3).map((c) => c.headers[HEADER.attempt])).toEqual(['1', '1', '1']);
    expect(copies.slice(0, 3).map((c) => c.headers[HEADER.postponed])).toEqual(['1', '2', '3']);

    await redis.del(busyLock);
    await waitFor('the rescheduled task to complete', () => completed.some((c) => c.id === 'first'));
    expect(completed).toEqual([
      { id: 'second', attempt: 1 },
      { id: 'first', attempt: 1 },
    ]);
  });
});
