// Guarantee: the dashboard shows, per task type, what the brokers say: workers, lag, retries waiting, dead letters.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, UnrecoverableError } from '../../../pipeline/index.js';
import { GroupAdmin } from '../../../pipeline/kafka/GroupAdmin.js';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../../pipeline/logging/logger.js';
import { startDashboard } from '../../../ops/dashboard/DashboardServer.js';
import type { HttpEndpoint } from '../../../ops/server/HttpEndpoint.js';
import type { Overview, ScheduleSource } from '../../../ops/dashboard/Overview.js';
import { Scheduler } from '../../../pipeline/schedule/index.js';
import { Redis } from 'ioredis';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { rawKafka } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { brokers, services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

async function dashboardFor(tasks: readonly TaskDefinition[], schedules?: ScheduleSource): Promise<HttpEndpoint> {
  const address = brokers().join(',');
  const admins = { groups: new GroupAdmin(rawKafka(), address), topics: new TopicAdmin(rawKafka(), address) };
  onCleanup(() => Promise.all([admins.groups.close(), admins.topics.close()]));
  const server = await startDashboard({ tasks, admins, schedules, port: 0, log: createLogger() });
  onCleanup(() => server.close());
  return server;
}

describe('dashboard', () => {
  it('shows lag with no worker running, and the dead letters, of a task type', async () => {
    const task = noteTask({ partitions: 2 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'a', key: 'a', seq: 1 },
      { id: 'poison', key: 'p', seq: 1 },
    ]);
    const settled = new Set<string>();
    // The default group prefix, so the dashboard finds the group as it would a real worker's.
    const worker = await startWorker(
      {
        groupPrefix: 'taskstream',
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

    const server = await dashboardFor([task]);
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as Overview;
    expect(overview.types).toEqual([
      {
        type: task.name,
        topic: task.topic,
        topicExists: true,
        group: `taskstream.${task.name}`,
        groupState: 'Empty',
        members: 0,
        lag: 2,
        retrying: 0,
        deadLetters: 1,
      },
    ]);
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain(`data-type="${task.name}"`);
    expect(page).toContain('tasks waiting and no worker running');
  });

  it('says which topic is missing and the command that creates it', async () => {
    const task = noteTask(); // never enqueued to: its topics do not exist
    const server = await dashboardFor([task]);
    const overview = (await (await fetch(`${server.url}/api/overview`)).json()) as Overview;
    expect(overview.types[0]).toMatchObject({ type: task.name, topicExists: false, lag: 0, deadLetters: 0 });
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain(`topic missing: taskstream topics create ${task.name}`);
  });

  it('shows each schedule with its next tick, its last fired tick and the instance that fires it', async () => {
    const task = noteTask();
    const schedule = everySecond(task);
    const group = uniqueName('sched');
    const redis = new Redis(services().redisUrl);
    onCleanup(() => redis.quit());
    const server = await dashboardFor([task], { schedules: [schedule], redis, group });
    const overviewNow = async (): Promise<Overview> =>
      (await (await fetch(`${server.url}/api/overview`)).json()) as Overview;
    expect((await overviewNow()).schedules).toMatchObject({ group, leaseHolder: null });
    expect(await (await fetch(`${server.url}/`)).text()).toContain('no scheduler holds the lease');

    const scheduler = await using(new Scheduler({ schedules: [schedule], group }));
    await scheduler.start();
    await waitFor('a tick fired and shown', async () => {
      const listing = (await overviewNow()).schedules;
      return listing !== null && !('error' in listing) && listing.schedules[0]?.lastFired != null;
    });
    const listing = (await overviewNow()).schedules;
    expect(listing).toMatchObject({ group, leaseHolder: scheduler.instanceId });
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain(schedule.name);
    expect(page).toContain(`fired by ${scheduler.instanceId}`);
  });
});
