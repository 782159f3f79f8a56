// Guarantee: a rate limit's maxConcurrent bounds the handlers running at once under it (per key with perKey), for
// starts taken at once as for starts that waited.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, type RateLimitOptions } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { collectOutcomes, noOutcomes } from '../../support/outcomes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

type Note = { id: string; key: string; seq: number };

const limits: [string, RateLimitOptions<Note>, (n: Note) => string][] = [
  ['one limit for the type', { max: 1000, perMs: 1000, maxConcurrent: 3 }, () => 'type'],
  [
    'per key',
    { max: 1000, perMs: 1000, maxConcurrent: 2, perKey: (n) => n.key.split('/')[0] as string },
    (n) => n.key.split('/')[0] as string,
  ],
];

describe('a rate limit with maxConcurrent', () => {
  it.each(limits)('(%s) never has more handlers running at once than it allows', async (_, rateLimit, limitKey) => {
    const task = noteTask({ partitions: 2, concurrency: 20, rateLimit });
    const producer = await using(new TaskProducer());
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const outcomes = noOutcomes();
    await startWorker(
      {
        handlers: [
          handle(task, async (n) => {
            const key = limitKey(n);
            running.set(key, (running.get(key) ?? 0) + 1);
            most.set(key, Math.max(most.get(key) ?? 0, running.get(key) as number));
            await new Promise((resolve) => setTimeout(resolve, 20));
            running.set(key, (running.get(key) as number) - 1);
          }),
        ],
      },
      (w) => collectOutcomes(w, outcomes),
    );
    // Two tenants, ordering keys of their own, so that the task type's concurrency (20) is not what binds.
    await producer.enqueueMany(
      task,
      Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, key: `${i % 2 === 0 ? 'a' : 'b'}/k${i}`, seq: i })),
    );
    await waitFor('every task completed', () => outcomes.completed.length === 40);
    for (const [key, n] of most) expect(n, key).toBeLessThanOrEqual(rateLimit.maxConcurrent as number);
  });
});
