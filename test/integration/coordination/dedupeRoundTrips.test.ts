// Guarantee: with dedupe on, a redelivered batch is checked with one Redis round trip per fetch, not one per task, and the marks of tasks completed together are written together.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startPrivateRedis } from '../../support/privateRedis.js';
import { onCleanup, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

/**
 * Calls per command since the last CONFIG RESETSTAT, from INFO commandstats (`cmdstat_mget:calls=3,...`);
 * commands a script runs count as calls of their own.
 */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  return Object.fromEntries([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

describe('dedupe round trips', () => {
  it('acknowledges a redelivered batch with a check per fetch and no marks', async () => {
    // A Redis of the test's own: the counts are this worker's commands only.
    const privateRedis = await startPrivateRedis();
    const redis = new Redis(privateRedis.url);
    onCleanup(() => redis.quit());
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    const tasks = 300;
    await producer.enqueueMany(
      task,
      Array.from({ length: tasks }, (_, i) => ({ id: `t${i}`, key: `k${i % 10}`, seq: i })),
    );
    const records = recordFile();
    // Commits effectively never happen before the kill: everything completed is redelivered.
    const env = childWorkerEnv(task, records, { COMMIT_INTERVAL_MS: '600000', REDIS_URL: privateRedis.url });
    const count = (event: string): number => records.read().filter((r) => r.event === event).length;

    const first = await startChildWorker(env);
    await waitFor(
      'every task completed and marked',
      async () => count('done') >= tasks && (await redis.dbsize()) >= tasks,
    );
    first.signal('SIGKILL');
    await first.exited;
    const marking = await commandCalls(redis);

    await redis.config('RESETSTAT');
    await startChildWorker(env);
    await waitFor('every redelivery acknowledged', () => count('deduplicated') >= tasks);
    const redelivery = await commandCalls(redis);

    expect(count('done')).toBe(tasks);
    // A script call (a round trip) per event-loop turn: the marks of the tasks completed in it, each a SET there.
    expect(marking.eval ?? 0).toBeLessThan(tasks / 5);
    expect(marking.set ?? 0).toBeGreaterThanOrEqual(tasks);
    // The worker that took over reads how far the partition ran, so it asks about every redelivered task: in a
    // call per fetch (a fetch starts at 16 KiB, so a handful), never one per task, and marks nothing.
    expect(redelivery.exists ?? 0).toBe(tasks);
    expect(redelivery.eval ?? 0).toBeGreaterThan(0);
    expect(redelivery.eval ?? 0).toBeLessThanOrEqual(10);
    expect(redelivery.set ?? 0).toBe(0);
  });
});
