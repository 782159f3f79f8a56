// Guarantee: producers and schedulers report what they sent in Prometheus metrics, beside the worker's.
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, Scheduler, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { everySecond } from '../../support/fixtures/schedules.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('producer and scheduler metrics', () => {
  it('count the tasks a producer stored and the ones it refused, by type and code', async () => {
    const task = noteTask({ maxBytes: 200 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'a', key: 'k', seq: 1 });
    await producer.enqueueMany(task, [
      { id: 'b', key: 'k', seq: 2 },
      { id: 'c', key: 'k', seq: 3 },
    ]);
    await expect(producer.enqueue(task, { id: 'x'.repeat(500), key: 'k', seq: 4 })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );

    const text = await producer.metrics.metrics();
    expect(text).toContain(`taskstream_tasks_enqueued_total{type="${task.name}"} 3`);
    expect(text).toContain(`taskstream_enqueue_failures_total{type="${task.name}",code="PAYLOAD_TOO_LARGE"} 1`);
  });

  it('count the ticks a scheduler fired, per schedule, and show that it holds the lease', async () => {
    const task = noteTask();
    const schedule = everySecond(task);
    const scheduler = await using(new Scheduler({ schedules: [schedule], group: uniqueName('sched') }));
    await scheduler.start();

    const firedCount = async (): Promise<number> => {
      const line = (await scheduler.metrics.metrics())
        .split('\n')
        .find((l) => l.startsWith(`taskstream_schedule_ticks_fired_total{schedule="${schedule.name}"}`));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    };
    await waitFor('two ticks fired', async () => (await firedCount()) >= 2);
    const text = await scheduler.metrics.metrics();
    expect(text).toContain('taskstream_scheduler_lease_held 1');
    // Its producer's counts are in the same registry: every fired tick was an acknowledged enqueue.
    const enqueued = text.match(new RegExp(`taskstream_tasks_enqueued_total\\{type="${task.name}"\\} (\\d+)`));
    expect(Number(enqueued?.[1])).toBeGreaterThanOrEqual(2);
  });
});
