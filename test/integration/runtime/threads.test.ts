// Guarantee: a handler's work in its thread pool is stopped by the attempt's signal: at the task's timeout the
// task fails as timed out and the pool runs the next task on a fresh thread; at shutdown the worker closes
// within its deadline, threads and all.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, threadPool, type WorkerEvents } from '../../../pipeline/index.js';
import type { compute } from '../../support/fixtures/threadFunctions.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** One thread computing for `seq` milliseconds per task: a task of 60,000 would hold it for a minute. */
const computeSeq = threadPool<typeof compute>(new URL('../../support/fixtures/threadFunctions.ts', import.meta.url), {
  export: 'compute',
  size: 1,
});

describe('work in threads', () => {
  it("times out a task computing in a thread, and the pool's only thread is free for the next task", async () => {
    // Long enough for the second task to wait out the fresh thread's start (it loads tsx and the file again).
    const task = noteTask({ partitions: 1, timeoutMs: 4000, retry: { maxAttempts: 1 } });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'a minute', key: 'k', seq: 60_000 });
    await producer.enqueue(task, { id: 'a moment', key: 'k', seq: 1 });
    const dead: WorkerEvents['task:dead-lettered'][] = [];
    const completed: string[] = [];
    await startWorker(
      {
        handlers: [
          handle(task, async (note, _ctx, threads) => void (await threads.run(note.seq)), { threads: computeSeq }),
        ],
      },
      (w) => {
        w.on('task:dead-lettered', (e) => dead.push(e));
        w.on('task:completed', (e) => completed.push(e.offset));
      },
    );
    // Well under the minute the first task would have held the thread for.
    await waitFor('the second task completed', () => completed.length === 1, { timeoutMs: 30_000 });
    expect(completed).toEqual(['1']);
    expect(dead.map((e) => [e.offset, (e.error as Error & { code?: string }).code])).toEqual([
      ['0', 'HANDLER_TIMEOUT'],
    ]);
  });

  it('closes within its shutdown deadline while a thread computes, without completing the task', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'a minute', key: 'k', seq: 60_000 });
    const completed: string[] = [];
    let started = false;
    const worker = await startWorker(
      {
        shutdownDeadlineMs: 300,
        handlers: [
          handle(task, async (note, _ctx, threads) => void (await threads.run(note.seq)), { threads: computeSeq }),
        ],
      },
      (w) => {
        w.on('task:started', () => (started = true));
        w.on('task:completed', (e) => completed.push(e.offset));
      },
    );
    await waitFor('the task started', () => started);
    // Resolving at all is the point: the thread computing for a minute was ended with the pool.
    await worker.close();
    expect(completed).toEqual([]);
  });
});
