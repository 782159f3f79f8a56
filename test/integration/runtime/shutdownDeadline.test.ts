// Guarantee: a handler still running when a worker's shutdown deadline passes is aborted and let go: no dead
// letter, no retry copy, its offset not committed, and the next worker of the group runs it.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('shutdown deadline with a handler still running', () => {
  it('aborts the handler without dead-lettering it, and the next worker runs the task', async () => {
    // Dedupe off: the rerun must come from the uncommitted offset.
    const task = noteTask({ partitions: 1, dedupe: false });
    const producer = await using(new TaskProducer());
    const groupPrefix = uniqueName('g');
    const runs: { worker: string; aborted: boolean }[] = [];
    const stuck = await startWorker({
      groupPrefix,
      shutdownDeadlineMs: 300,
      handlers: [
        handle(task, (_note, ctx) => {
          runs.push({ worker: 'stuck', aborted: false });
          // Never finishes on its own: only the deadline's abort ends it.
          return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        }),
      ],
    });
    await producer.enqueue(task, { id: 'long', key: 'k', seq: 1 });
    await waitFor('the handler to start', () => stuck.runningTasks().length === 1);
    await stuck.close();

    const next = await startWorker({
      groupPrefix,
      handlers: [handle(task, () => void runs.push({ worker: 'next', aborted: false }))],
    });
    await waitFor('the next worker to run the task', () => runs.some((r) => r.worker === 'next'));
    await next.close();
    expect(runs.map((r) => r.worker)).toEqual(['stuck', 'next']);
    expect(await readAll(dlqTopicOf(task.topic))).toEqual([]);
  });
});
