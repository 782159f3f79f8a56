// Guarantee: of all scheduler instances of a group exactly one fires; a takeover after a clean close never fires a
// tick twice, and after a crash at most re-sends the tick in flight, with the same task id.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { leaseHolder, Scheduler, type ScheduleDefinition } from '../../../pipeline/schedule/index.js';
import { SchedulerLease } from '../../../pipeline/schedule/SchedulerLease.js';
import { HEADER } from '../../../pipeline/task/headers.js';
import { EVERY_SECOND, everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { duplicateIds } from '../../support/invariants.js';
import { readAll, startReadingTask, type SeenRecord } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { startCli, writeCliConfig } from '../../support/runCli.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';

/** The ticks of the records, in topic order (one key, so one partition), from their task ids `<name>@<tick>`. */
function ticksOf(records: readonly SeenRecord[], schedule: ScheduleDefinition): number[] {
  return records.map((r) => {
    const id = r.headers[HEADER.id] ?? '';
    expect(id.startsWith(`${schedule.name}@`), id).toBe(true);
    return Date.parse(id.slice(schedule.name.length + 1));
  });
}

function expectEachTickOnceInOrder(records: readonly SeenRecord[], schedule: ScheduleDefinition): number[] {
  expect(duplicateIds(records.map((r) => r.headers[HEADER.id] ?? ''))).toEqual([]);
  const ticks = ticksOf(records, schedule);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1] as number);
  return ticks;
}

/** Waits until `successor` holds the group's lease and has fired two ticks after `since`. */
async function takenOver(
  redis: Redis,
  group: string,
  successor: Scheduler,
  ticks: () => number[],
  since: number,
): Promise<void> {
  await waitFor(
    'the successor to hold the lease',
    async () => (await leaseHolder(redis, group)) === successor.instanceId,
  );
  await waitFor('two ticks fired after the takeover began', () => ticks().filter((t) => t > since).length >= 2);
}

function redisClient(): Redis {
  const redis = new Redis(services().redisUrl);
  onCleanup(() => redis.quit());
  return redis;
}

describe('scheduler lease', () => {
  it('two instances on one every-second schedule fire each tick exactly once, on whole seconds', async () => {
    const task = noteTask();
    const schedule = everySecond(task);
    const group = uniqueName('sched');
    const reader = await startReadingTask(task);
    const a = await using(new Scheduler({ schedules: [schedule], group }));
    const b = await using(new Scheduler({ schedules: [schedule], group }));
    await Promise.all([a.start(), b.start()]);
    await reader.until(5);
    await Promise.all([a.close(), b.close()]);

    const records = await readAll(task.topic);
    const ticks = expectEachTickOnceInOrder(records, schedule);
    // Consecutive in practice; a holder stalled past a tick (a loaded machine) fires only the latest, by policy.
    for (let i = 1; i < ticks.length; i++) expect(((ticks[i] as number) - (ticks[i - 1] as number)) % 1000).toBe(0);
    expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
  });

  it('a holder that lost its local view of the lease (a renewal failed) renews it, while another token is refused', async () => {
    const redis = redisClient();
    const group = uniqueName('sched');
    const holder = new SchedulerLease(redis, group, 'holder', 60_000);
    expect(await holder.hold()).toBe(true);
    holder.drop(); // what a failed renewal does locally; the key in Redis still carries the holder's token
    expect(await holder.hold()).toBe(true);
    expect(await new SchedulerLease(redis, group, 'other', 60_000).hold()).toBe(false);
    expect(await leaseHolder(redis, group)).toBe('holder');
    await holder.release();
  });

  it('when the lease holder closes, the other instance takes over and fires no tick twice', async () => {
    const task = noteTask();
    const schedule = everySecond(task);
    const group = uniqueName('sched');
    const redis = redisClient();
    const reader = await startReadingTask(task);
    const first = await using(new Scheduler({ schedules: [schedule], group, leaseMs: 1500 }));
    await first.start();
    await waitFor(
      'the first instance to hold the lease',
      async () => (await leaseHolder(redis, group)) === first.instanceId,
    );
    const second = await using(new Scheduler({ schedules: [schedule], group, leaseMs: 1500 }));
    await second.start();
    await reader.until(2);

    await first.close();
    const closedAt = Date.now();
    await takenOver(redis, group, second, () => ticksOf(reader.records, schedule), closedAt);
    await second.close();

    expectEachTickOnceInOrder(await readAll(task.topic), schedule);
  });

  it('when the lease holder crashes (SIGKILL), another instance takes over after the lease expires, re-sending at most the tick it was sending', async () => {
    const name = uniqueName('tick');
    const cfg = writeCliConfig({ partitions: 3, schedule: { name, cron: EVERY_SECOND } });
    const task = noteTask({ name: cfg.name, partitions: 3 });
    const schedule = everySecond(task, name);
    const group = uniqueName('sched');
    const redis = redisClient();
    const reader = await startReadingTask(task);
    const crashing = startCli(['--config', cfg.file, 'schedule', 'run', '--group', group, '--lease', '2s']);
    await waitFor('the child scheduler to hold the lease', async () =>
      ((await leaseHolder(redis, group)) ?? '').includes(`:${crashing.pid}:`),
    );
    const standby = await using(new Scheduler({ schedules: [schedule], group, leaseMs: 2000 }));
    await standby.start();
    await reader.until(2);

    crashing.signal('SIGKILL');
    await crashing.result;
    const crashedAt = Date.now();
    await takenOver(redis, group, standby, () => ticksOf(reader.records, schedule), crashedAt);
    await standby.close();

    // A kill between sending a tick and recording it sent makes the standby send that tick again, with the same
    // task id (at least once per tick; workers with dedupe drop the copy). Nothing else may repeat.
    const records = await readAll(task.topic);
    const repeated = duplicateIds(records.map((r) => r.headers[HEADER.id] ?? ''));
    expect(repeated.length).toBeLessThanOrEqual(1);
    const distinct = [...new Set(ticksOf(records, schedule))];
    for (let i = 1; i < distinct.length; i++) expect(distinct[i]).toBeGreaterThan(distinct[i - 1] as number);
  });
});
