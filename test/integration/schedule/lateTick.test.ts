// Guarantee: a schedule with maxLateMs skips a missed tick later than that (claimed, logged, never sent), while a
// schedule without it fires its latest missed tick however late.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { defineSchedule, Scheduler } from '../../../pipeline/schedule/index.js';
import { latestTick } from '../../../pipeline/schedule/cronTicks.js';
import { readTickState, ticksKey } from '../../../pipeline/schedule/TickLedger.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll, startReadingTask } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { services } from '../../support/services.js';

/** Yearly at midnight UTC on the date two days ago: its latest tick is two days late, whatever today is. */
function yearlyTwoDaysAgo(): string {
  const d = new Date(Date.now() - 2 * 24 * 3_600_000);
  return `0 0 ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

describe('a missed tick later than maxLateMs', () => {
  it('is claimed and skipped, not sent, while a schedule without maxLateMs fires its own', async () => {
    const task = noteTask();
    const group = uniqueName('sched');
    const strictName = uniqueName('yearly-strict');
    const lenientName = uniqueName('yearly-any');
    const cron = yearlyTwoDaysAgo();
    const tick = latestTick({ cron, timezone: 'UTC' }, new Date()) as Date;
    const payload = (t: Date) => ({ id: t.toISOString(), key: 'k', seq: 1 });
    const strict = defineSchedule({ name: strictName, task, cron, payload, maxLateMs: 3_600_000 });
    const lenient = defineSchedule({ name: lenientName, task, cron, payload });

    // Both last fired a year before: the latest tick was missed (no scheduler ran then).
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const lastYear = String(tick.getTime() - 365 * 24 * 3_600_000);
    for (const name of [strictName, lenientName]) {
      await redis.hset(ticksKey(group, name), { claimed: lastYear, sent: lastYear });
    }

    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().trim().split('\n'));
          done();
        },
      }),
    );
    const reader = await startReadingTask(task);
    // The strict schedule comes first: the scheduler weighs schedules in order, so by the time the lenient one
    // has fired, the strict one's tick has been decided.
    const scheduler = await using(new Scheduler({ group, schedules: [strict, lenient], logger }));
    await scheduler.start();
    await reader.until(1);

    const ids = (await readAll(task.topic)).map((r) => r.headers[HEADER.id]);
    expect(ids).toEqual([`${lenientName}@${tick.toISOString()}`]);
    expect(await readTickState(redis, group, strictName)).toEqual({ claimed: tick, sent: new Date(Number(lastYear)) });
    const skipped = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.schedule === strictName);
    expect(skipped).toEqual([
      expect.objectContaining({
        msg: 'schedule skipped a tick later than its maxLateMs',
        tick: tick.toISOString(),
        maxLateMs: 3_600_000,
      }),
    ]);
  });
});
