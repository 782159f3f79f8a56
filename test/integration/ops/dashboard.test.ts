// Guarantee: the dashboard's overview shows, per task type, what the brokers and Redis say: workers, lag, retries
// waiting, dead letters not yet replayed, under the config's group prefix.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, UnrecoverableError } from '../../../pipeline/index.js';
import type { RatedOverview } from '../../../ops/dashboard/OverviewCache.js';
import { dashboardFor } from '../../support/dashboard.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardHandler } from '../../../ops/dashboard/index.js';
import { pausedKey } from '../../../pipeline/runtime/pausedTypes.js';
import { Scheduler } from '../../../pipeline/schedule/index.js';
import { Redis } from 'ioredis';
import { everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('dashboard', () => {
  it('shows lag with no worker running, and the dead letters, of a task type under a custom group prefix', async () => {
    const task = noteTask({ partitions: 2 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'a', key: 'a', seq: 1 },
      { id: 'poison', key: 'p', seq: 1 },
    ]);
    const settled = new Set<string>();
    const groupPrefix = uniqueName('custom');
    const worker = await startWorker(
      {
        groupPrefix,
        handlers: [
          handle(task, (note) => {
            if (note.id === 'poison') throw new UnrecoverableError('never works');
          }),
        ],
      },
      (w) => {
        w.on('task:completed', (e) => settled.add(e.taskId));
        w.on('task:dead-lettered', (e) => settled.add(e.taskId));
      },
    );
    await waitFor('both tasks to settle', () => settled.size === 2);
    await worker.close(); // commits, leaves the group
    await producer.enqueueMany(task, [
      { id: 'late-1', key: 'x', seq: 1 },
      { id: 'late-2', key: 'y', seq: 1 },
    ]);

    const server = await dashboardFor([task], { groupPrefix });
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    expect(overview.types).toMatchObject([
      {
        type: task.name,
        topic: task.topic,
        topicExists: true,
        group: `${groupPrefix}.${task.name}`,
        groupState: 'Empty',
        members: 0,
        workers: [],
        lag: 2,
        retrying: 0,
        deadLetters: 1,
        deadLettersStored: 1,
        processed: 2,
        failed: 1,
        paused: false,
      },
    ]);
  });

  it('counts only the dead letters that were not replayed', async () => {
    const cli = writeCliConfig({ partitions: 1 });
    const task = noteTask({ name: cli.name, partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'bad-1', key: 'a', seq: 1 },
      { id: 'bad-2', key: 'b', seq: 1 },
    ]);
    const groupPrefix = uniqueName('g');
    const dead = new Set<string>();
    const worker = await startWorker(
      {
        groupPrefix,
        handlers: [
          handle(task, () => {
            throw new UnrecoverableError('never works');
          }),
        ],
      },
      (w) => w.on('task:dead-lettered', (e) => dead.add(e.taskId)),
    );
    await waitFor('both tasks dead-lettered', () => dead.size === 2);
    await worker.close(); // so the replayed copy stays on the task topic instead of failing again
    const replay = await runCli([
      '--config',
      cli.file,
      'dlq',
      'replay',
      task.name,
      '--task-id',
      [...dead][0] as string,
      '--execute',
    ]);
    expect(replay.code, replay.stderr).toBe(0);

    const server = await dashboardFor([task], { groupPrefix });
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    expect(overview.types[0]).toMatchObject({ deadLettersStored: 2, deadLetters: 1 });
  });

  it('shows how many delayed tasks wait in the delay tiers and the earliest time among their next records', async () => {
    const task = noteTask({ partitions: 2, maxDelayMs: 3 * 3_600_000 });
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueueMany(
      task,
      ['a', 'b', 'c', 'now'].map((id, seq) => ({ id, key: id, seq })),
      // The earliest is sent first: it is a tier head whichever partition it lands on, so the page names it.
      { delays: [{ delayMs: 12 * 60_000 }, { delayMs: 20 * 60_000 }, { delayMs: 2 * 3_600_000 }, undefined] },
    );
    expect(sent.map((s) => s.topic.slice(task.topic.length))).toEqual(['.delay.10m', '.delay.10m', '.delay.1h', '']);

    const server = await dashboardFor([task], { groupPrefix: uniqueName('g') }); // no worker: nothing hops
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    const earliest = Math.min(...sent.flatMap((s) => (s.runAt === undefined ? [] : [s.runAt])));
    expect(overview.types[0]).toMatchObject({
      lag: 1,
      delayed: { waiting: 3, nextDueAt: new Date(earliest).toISOString() },
    });
  });

  it('shows no delayed count for a task type that accepts no delays', async () => {
    const task = noteTask({ partitions: 1 });
    await (await using(new TaskProducer())).enqueue(task, { id: 'a', key: 'a', seq: 1 });
    const server = await dashboardFor([task]);
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    expect(overview.types[0]).toMatchObject({ lag: 1, delayed: null });
  });

  it('says which topic is missing and the command that creates it', async () => {
    const task = noteTask(); // never enqueued to: its topics do not exist
    const server = await dashboardFor([task]);
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    expect(overview.types[0]).toMatchObject({ type: task.name, topicExists: false, lag: 0, deadLetters: 0 });
  });

  it('shows each schedule with its next tick, its last fired tick and the instance that fires it', async () => {
    const task = noteTask();
    const schedule = everySecond(task);
    const group = uniqueName('sched');
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const server = await dashboardFor([task], { schedules: { schedules: [schedule], group }, cache: { maxAgeMs: 0 } });
    const overviewNow = async (): Promise<RatedOverview> =>
      (await (await fetch(`${server.url}/api/overview`)).json()) as RatedOverview;
    expect((await overviewNow()).schedules).toMatchObject({ group, leaseHolder: null });

    const scheduler = await using(new Scheduler({ schedules: [schedule], group }));
    await scheduler.start();
    await waitFor('a tick fired and shown', async () => {
      const listing = (await overviewNow()).schedules;
      return listing !== null && !('error' in listing) && listing.schedules[0]?.lastFired != null;
    });
    const listing = (await overviewNow()).schedules;
    expect(listing).toMatchObject({ group, leaseHolder: scheduler.instanceId });
  });

  it('mounted in an HTTP server of its own under a path, serves the page and the overview there', async () => {
    const task = noteTask();
    const server = await mounted([task], undefined);
    const page = await fetch(`${server}/ops/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<tbody id="types">');
    const overview = (await (await fetch(`${server}/ops/api/overview`)).json()) as RatedOverview;
    expect(overview.types.map((t) => t.type)).toEqual([task.name]);
  });

  it('refuses an action from another site or without its token, and takes one from the page with it', async () => {
    const task = noteTask();
    const server = await mounted([task], 'the-token');
    const pause = (headers: Record<string, string>) =>
      fetch(`${server}/ops/api/types/${task.name}/pause`, { method: 'POST', headers });
    const page = { 'x-taskstream-action': '1', origin: server };
    expect((await pause({ ...page, authorization: 'Bearer the-token', origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await pause({ authorization: 'Bearer the-token' })).status).toBe(403);
    expect((await pause(page)).status).toBe(401);
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const group = `taskstream.${task.name}`;
    onCleanup(() => redis.del(pausedKey(group)));
    expect(await redis.exists(pausedKey(group))).toBe(0);
    expect((await pause({ ...page, authorization: 'Bearer the-token' })).status).toBe(200);
    expect(await redis.exists(pausedKey(group))).toBe(1);
  });
});

/** The exported handler mounted under /ops in a plain Node server; its base URL. */
async function mounted(tasks: Parameters<typeof dashboardHandler>[0]['tasks'], token: string | undefined) {
  const handler = dashboardHandler({ tasks, basePath: '/ops', token, registry: { url: services().registryUrl } });
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/ops')) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(async () => {
    await new Promise((resolve) => server.close(resolve));
    await handler.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
