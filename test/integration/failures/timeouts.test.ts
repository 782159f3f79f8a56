// Guarantee: a task's timeout aborts its handler through ctx.signal and counts as a retriable failure.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('task timeout', () => {
  it('aborts the first attempt once its timeout has passed, not before, and completes on the retry', async () => {
    const task = noteTask({ partitions: 1, timeoutMs: 300, retry: { maxAttempts: 3, minDelayMs: 50, maxDelayMs: 50 } });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'sleepy', key: 'k', seq: 1 });
    const seen: { attempt: number; reason?: string }[] = [];
    let abortedAfterMs = 0;
    const retried: string[] = [];
    await startWorker(
      {
        handlers: [
          handle(task, async (_n, ctx) => {
            if (ctx.attempt === 1) {
              const started = performance.now();
              await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
              abortedAfterMs = performance.now() - started;
              seen.push({ attempt: 1, reason: (ctx.signal.reason as { code?: string }).code });
              return;
            }
            seen.push({ attempt: ctx.attempt });
          }),
        ],
      },
      // Before start: the first attempt can time out before start() resolves.
      (worker) =>
        worker.on('task:retrying', (e) => retried.push((e.error as Error & { code?: string }).code ?? e.error.name)),
    );
    await waitFor('the second attempt', () => seen.some((s) => s.attempt === 2));
    expect(seen[0]).toEqual({ attempt: 1, reason: 'HANDLER_TIMEOUT' });
    expect(retried).toEqual(['HANDLER_TIMEOUT']);
    // Never before the timeout; timers count whole milliseconds, hence the few ms of slack.
    expect(abortedAfterMs).toBeGreaterThanOrEqual(295);
  });
});
