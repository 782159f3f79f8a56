// Guarantee: a failing task is retried through the retry tier topics with growing attempts and completes exactly once.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER } from '../../../pipeline/retry/handOffHeaders.js';
import { retryTopics } from '../../../pipeline/task/taskTopics.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('retry tiers', () => {
  it('runs a task that fails twice as attempts 1, 2, 3 and completes it once', async () => {
    const task = noteTask({ partitions: 2, retry: { maxAttempts: 5, minDelayMs: 200, maxDelayMs: 2000 } });
    const producer = await using(new TaskProducer());
    const [sent] = await producer.enqueueMany(task, [{ id: 'flaky', key: 'k', seq: 1 }]);
    const attempts: number[] = [];
    let completions = 0;
    await startWorker({
      handlers: [
        handle(task, (_note, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error(`failure ${ctx.attempt}`);
          completions++;
        }),
      ],
    });
    await waitFor('the third attempt to complete', () => completions === 1);
    await quietPeriod(500, 'no fourth attempt after the completion');
    expect(attempts).toEqual([1, 2, 3]);
    expect(completions).toBe(1);

    // The two copies sit in the tiers, each naming where the task came from and why it failed.
    const tiers = retryTopics(task);
    expect(tiers).toEqual([`${task.topic}.retry.200ms`, `${task.topic}.retry.2s`]);
    const copies = (await Promise.all(tiers.map((t) => readAll(t)))).flat();
    expect(copies).toHaveLength(2);
    for (const c of copies) {
      expect(c.headers['ts-id']).toBe(sent?.taskId);
      expect(c.headers[DLQ_HEADER.originalTopic]).toBe(task.topic);
      expect(c.headers[DLQ_HEADER.originalOffset]).toBe(sent?.offset);
      expect(c.headers[DLQ_HEADER.errorMessage]).toMatch(/^failure [12]$/);
      expect(Number(c.headers[DLQ_HEADER.notBefore])).toBeGreaterThan(0);
      expect(c.headers[DLQ_HEADER.firstFailedAt]).toMatch(/^\d{4}-/);
    }
    expect(copies.map((c) => c.headers['ts-attempt']).sort()).toEqual(['2', '3']);
  });
});
