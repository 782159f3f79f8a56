// Guarantee: a worker's /metrics counts what happened to its tasks, /readyz says whether it takes work, and
// /healthz whether it should be restarted.
import { describe, expect, it } from 'vitest';
import { createLogger, handle, TaskProducer, UnrecoverableError, Worker } from '../../../pipeline/index.js';
import { startOpsServer } from '../../../ops/server/OpsServer.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { parseSamples } from '../../support/prometheus.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** GET /metrics, as a scraper does. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseSamples(await res.text());
}

describe('worker metrics endpoint', () => {
  it('counts completed, retried and dead-lettered tasks as they happened, with their durations', async () => {
    const task = noteTask({ partitions: 3, retry: { maxAttempts: 3, minDelayMs: 100, maxDelayMs: 100 } });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [
      { id: 'a', key: 'a', seq: 1 },
      { id: 'b', key: 'b', seq: 1 },
      { id: 'flaky', key: 'c', seq: 1 },
      { id: 'poison', key: 'd', seq: 1 },
    ]);
    const settled = new Set<string>();
    const worker = await startWorker(
      {
        handlers: [
          handle(task, async (note, ctx) => {
            await new Promise((r) => setTimeout(r, 20));
            if (note.id === 'poison') throw new UnrecoverableError('this task can never succeed');
            if (note.id === 'flaky' && ctx.attempt === 1) throw new Error('first attempt fails');
          }),
        ],
      },
      (w) => {
        w.on('task:completed', (e) => settled.add(e.taskId));
        w.on('task:dead-lettered', (e) => settled.add(e.taskId));
      },
    );
    const ops = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log: createLogger() });
    onCleanup(() => ops.close());
    await waitFor('every task to settle', () => settled.size === 4);

    const samples = await scrape(ops.url);
    const type = `type="${task.name}"`;
    expect(samples.get(`taskstream_tasks_completed_total{${type}}`)).toBe(3);
    expect(samples.get(`taskstream_tasks_retried_total{${type},via="retry_topic"}`)).toBe(1);
    expect(samples.get(`taskstream_tasks_retried_total{${type},via="in_place"}`)).toBe(0);
    expect(samples.get(`taskstream_tasks_dead_lettered_total{${type},code="UNRECOVERABLE"}`)).toBe(1);
    // The handler waited 20 ms: no completed task fits the 5 ms bucket, all fit 250 ms.
    expect(samples.get(`taskstream_task_duration_seconds_count{${type}}`)).toBe(3);
    expect(samples.get(`taskstream_task_duration_seconds_bucket{le="0.005",${type}}`)).toBe(0);
    expect(samples.get(`taskstream_task_duration_seconds_bucket{le="0.25",${type}}`)).toBe(3);
    expect(samples.get(`taskstream_partitions_assigned{${type}}`)).toBe(3);
    expect(samples.get(`taskstream_tasks_held{${type}}`)).toBe(0);
    // Node's own process metrics come with them.
    expect(samples.has('process_cpu_seconds_total')).toBe(true);
  });

  it('counts a task whose id completed before as completed and deduplicated, with no duration', async () => {
    const task = noteTask(); // dedupe is on by default
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'once', key: 'k', seq: 1 }, { id: 'same-task' });
    await producer.enqueue(task, { id: 'twice', key: 'k', seq: 2 }, { id: 'same-task' });
    let runs = 0;
    const worker = await startWorker({
      handlers: [
        handle(task, async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 5));
        }),
      ],
    });
    const ops = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log: createLogger() });
    onCleanup(() => ops.close());
    await waitFor('both records to be acknowledged', () => worker.counters().get(task.name)?.completed === 2);

    const samples = await scrape(ops.url);
    const type = `type="${task.name}"`;
    expect(runs).toBe(1);
    expect(samples.get(`taskstream_tasks_completed_total{${type}}`)).toBe(2);
    expect(samples.get(`taskstream_tasks_deduplicated_total{${type}}`)).toBe(1);
    expect(samples.get(`taskstream_task_duration_seconds_count{${type}}`)).toBe(1);
  });

  it('reports the lag of the partitions it owns, and it falls to 0 once the tasks complete and commit', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(
      task,
      Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, key: `k${i}`, seq: i })),
    );
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let started = 0;
    const worker = await startWorker({
      handlers: [
        handle(task, async () => {
          started++;
          await released;
        }),
      ],
    });
    const ops = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log: createLogger() });
    onCleanup(() => ops.close());
    const totalLag = async (): Promise<number> => {
      let sum = 0;
      for (const [name, value] of await scrape(ops.url)) {
        if (name.startsWith(`taskstream_partition_lag{type="${task.name}"`)) sum += value;
      }
      return sum;
    };

    await waitFor('all five tasks to start', () => started === 5);
    expect(await totalLag()).toBe(5); // running, so not committed
    release();
    await waitFor('the lag to fall to 0 after the commits', async () => (await totalLag()) === 0);
  });

  it('answers /healthz, and /readyz with 200 while the worker runs and 503 once it closes', async () => {
    const task = noteTask();
    const worker = await startWorker({ handlers: [handle(task, () => undefined)] });
    const ops = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log: createLogger() });
    onCleanup(() => ops.close());

    expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(200);
    await worker.close();
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${ops.url}/nowhere`)).status).toBe(404);
  });

  it('answers /healthz with 503 once a consumer crashed and kafkajs will not restart it', async () => {
    const task = noteTask();
    // Longer than the broker's group.max.session.timeout.ms (30 min by default): the join is refused with
    // INVALID_SESSION_TIMEOUT, which kafkajs does not retry, so this type's consumer stops for good.
    const worker = new Worker({
      groupPrefix: uniqueName('g'),
      sessionTimeoutMs: 1_800_001,
      shutdownDeadlineMs: 5000,
      handlers: [handle(task, () => undefined)],
    });
    onCleanup(() => worker.close());
    const crashes: { code: unknown; restarting: boolean }[] = [];
    worker.on('error', ({ error, restarting }) =>
      crashes.push({ code: (error as { type?: unknown }).type, restarting }),
    );
    const ops = await startOpsServer({ worker, port: 0, host: '127.0.0.1', log: createLogger() });
    onCleanup(() => ops.close());

    // start() resolves: kafkajs reports the refused join as a crash, not as an error of run().
    await worker.start();
    await waitFor('the consumer to crash with no restart', () => crashes.some((c) => !c.restarting));
    expect(crashes).toContainEqual({ code: 'INVALID_SESSION_TIMEOUT', restarting: false });
    const health = await fetch(`${ops.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'consumer crashed' });
    expect((await fetch(`${ops.url}/readyz`)).status).toBe(503);
  });
});
