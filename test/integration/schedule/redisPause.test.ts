// Guarantee: while Redis does not answer, a scheduler fires nothing it cannot fence; once Redis answers again
// it fires on, and no tick is sent twice.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../pipeline/schedule/index.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { duplicateIds } from '../../support/invariants.js';
import { startPrivateRedis } from '../../support/privateRedis.js';
import { readAll, startReadingTask } from '../../support/readTopic.js';
import { uniqueName, using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';

describe('scheduler while Redis does not answer', () => {
  it('stops firing while Redis is frozen, fires again once it answers, and sends no tick twice', async () => {
    const redis = await startPrivateRedis();
    const task = noteTask();
    const schedule = everySecond(task);
    const reader = await startReadingTask(task);
    const scheduler = await using(
      new Scheduler({ schedules: [schedule], group: uniqueName('sched'), leaseMs: 1500, redisUrl: redis.url }),
    );
    await scheduler.start();
    await reader.until(2);

    redis.pause();
    // Longer than the lease: the holder can no longer prove it holds it, so it must stop firing.
    await new Promise((r) => setTimeout(r, 3000));
    const sentWhilePaused = reader.records.length;
    await quietPeriod(2000, 'no fire while Redis is frozen and the lease has run out');
    // Nothing new while frozen (a fire already past its claim may land, so compare after the lease ran out).
    expect(reader.records.length).toBe(sentWhilePaused);
    redis.resume();

    await waitFor('two more ticks after Redis answers again', () => reader.records.length >= sentWhilePaused + 2);
    await scheduler.close();
    const ids = (await readAll(task.topic)).map((r) => r.headers[HEADER.id] ?? '');
    expect(duplicateIds(ids)).toEqual([]);
  });
});
