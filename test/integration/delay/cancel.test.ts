// Guarantee: a cancelled task that has not started never runs (whether it waits in a delay tier, in a worker's
// memory, or across a worker restart); the worker counts it as cancelled and moves past it; the rest run.
// Cancelling a finished task or an id no task has says so.
import { describe, expect, it } from 'vitest';
import { ConfigError, handle, TaskProducer, type Worker } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { uniqueName, using } from '../../support/resources.js';
import { startWorker } from '../../support/workers.js';
import { waitFor } from '../../support/waitFor.js';

const note = (id: string, seq = 0) => ({ id, key: `k${seq % 5}`, seq });

/** A worker of `task` in `groupPrefix` that notes which notes ran and which task ids it saw cancelled. */
async function watchingWorker(task: ReturnType<typeof noteTask>, groupPrefix: string) {
  const ran: string[] = [];
  const cancelled: string[] = [];
  const worker = await startWorker({ groupPrefix, handlers: [handle(task, (n) => void ran.push(n.id))] }, (w: Worker) =>
    w.on('task:cancelled', (e) => cancelled.push(e.taskId)),
  );
  return { worker, ran, cancelled };
}

describe('cancel', () => {
  it('keeps cancelled delayed tasks from running and runs the rest', async () => {
    const task = noteTask({ partitions: 2, maxDelayMs: 60_000 });
    const groupPrefix = uniqueName('g');
    const producer = await using(new TaskProducer({ groupPrefix }));
    const payloads = Array.from({ length: 40 }, (_, i) => note(`t${i}`, i));
    const sent = await producer.enqueueMany(task, payloads, { delayMs: 6000 });
    const toCancel = sent.filter((_, i) => i % 2 === 0);
    for (const s of toCancel) expect(await producer.cancel(task, s.taskId)).toBe('cancelled');
    const { ran, cancelled } = await watchingWorker(task, groupPrefix);

    await waitFor('every task ran or was cancelled', () => ran.length + cancelled.length >= payloads.length);
    expect(ran.sort()).toEqual(
      payloads
        .filter((_, i) => i % 2 === 1)
        .map((p) => p.id)
        .sort(),
    );
    expect(cancelled.sort()).toEqual(toCancel.map((s) => s.taskId).sort());
  });

  it('reaches a delayed task already fetched into a worker memory', async () => {
    const task = noteTask({ partitions: 1, maxDelayMs: 60_000 });
    const groupPrefix = uniqueName('g');
    const producer = await using(new TaskProducer({ groupPrefix }));
    const { worker, ran, cancelled } = await watchingWorker(task, groupPrefix);
    // Under a second away: written to the task's topic, fetched at once, and waited for in the worker's memory.
    const ids = ['m0', 'm1', 'm2'];
    for (const id of ids) await producer.enqueue(task, note(id), { id, delayMs: 900 });
    await waitFor('the worker holds them', () => worker.stats().held === ids.length || ran.length > 0);
    for (const id of ids) expect(await producer.cancel(task, id)).toBe('cancelled');

    await waitFor('all cancelled', () => cancelled.length + ran.length >= ids.length);
    expect(ran).toEqual([]);
    expect(cancelled.sort()).toEqual(ids);
  });

  it('still holds after the worker restarts', async () => {
    const task = noteTask({ partitions: 1, maxDelayMs: 60_000 });
    const groupPrefix = uniqueName('g');
    const producer = await using(new TaskProducer({ groupPrefix }));
    const first = await watchingWorker(task, groupPrefix);
    const sent = await producer.enqueueMany(task, [note('a', 0), note('b', 1), note('c', 2)], { delayMs: 4000 });
    expect(await producer.cancel(task, (sent[1] as { taskId: string }).taskId)).toBe('cancelled');
    await first.worker.close();

    const second = await watchingWorker(task, groupPrefix);
    await waitFor('the others ran', () => second.ran.length >= 2);
    await waitFor('the cancelled one was reached', () => second.cancelled.length >= 1);
    expect([...first.ran, ...second.ran].sort()).toEqual(['a', 'c']);
  });

  it('says finished for a task that completed, and cancels nothing', async () => {
    const task = noteTask({ partitions: 1 });
    const groupPrefix = uniqueName('g');
    const producer = await using(new TaskProducer({ groupPrefix }));
    const { ran } = await watchingWorker(task, groupPrefix);
    const sent = await producer.enqueue(task, note('done'));
    await waitFor('it ran', () => ran.length === 1);
    await waitFor('its done mark is stored', async () => (await producer.cancel(task, sent.taskId)) === 'finished');
  });

  it('says unknown for a position past the end of the task topic', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.prepare(task);
    expect(await producer.cancel(task, `${task.topic}-0-999`)).toBe('unknown');
  });

  it('refuses a task type with dedupe off', async () => {
    const task = noteTask({ partitions: 1, dedupe: false });
    const producer = await using(new TaskProducer());
    await expect(producer.cancel(task, 'x')).rejects.toBeInstanceOf(ConfigError);
  });
});
