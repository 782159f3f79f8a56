// Guarantee: a task's timeout counts from its handler's start: waiting for a rate-limit slot, however long, neither
// times it out nor uses one of its attempts, nor lists it as running or reports it stuck.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { collectOutcomes, noOutcomes } from '../../support/outcomes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('a wait for a rate-limit slot longer than the timeout', () => {
  it('runs every task on its first attempt, with no retry', async () => {
    // One start a second and a one-second timeout: the sixth task waits five seconds for its slot.
    const task = noteTask({ partitions: 1, concurrency: 10, timeoutMs: 1000, rateLimit: { max: 1, perMs: 1000 } });
    const producer = await using(new TaskProducer());
    const runs: { id: string; attempt: number }[] = [];
    const outcomes = noOutcomes();
    await startWorker(
      { handlers: [handle(task, (n, ctx) => void runs.push({ id: n.id, attempt: ctx.attempt }))] },
      (w) => collectOutcomes(w, outcomes),
    );
    await producer.enqueueMany(
      task,
      Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, key: `k${i}`, seq: i })),
    );
    await waitFor('every task completed', () => outcomes.completed.length === 6);
    expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(outcomes.retrying).toEqual([]);
    expect(outcomes.dead).toEqual([]);
  });

  it('lists a task as running only once its handler starts, and never reports a waiting one stuck', async () => {
    // One start a second and an expected duration of 300 ms: the later tasks wait longer than that for a slot.
    const task = noteTask({ partitions: 1, concurrency: 10, expectedMs: 300, rateLimit: { max: 1, perMs: 1000 } });
    const producer = await using(new TaskProducer());
    const outcomes = noOutcomes();
    const worker = await startWorker(
      { handlers: [handle(task, async () => new Promise((resolve) => setTimeout(resolve, 10)))] },
      (w) => collectOutcomes(w, outcomes),
    );
    await producer.enqueueMany(
      task,
      Array.from({ length: 4 }, (_, i) => ({ id: `t${i}`, key: `k${i}`, seq: i })),
    );
    await waitFor('tasks waiting for a slot', () => worker.stats().waitingForSlot >= 2);
    expect(worker.runningTasks().length).toBeLessThanOrEqual(1);
    await waitFor('every task completed', () => outcomes.completed.length === 4);
    const stuck = await worker.metrics.getSingleMetricAsString('taskstream_tasks_stuck_total');
    expect(stuck).not.toMatch(new RegExp(`type="${task.name}"} [1-9]`));
  });
});
