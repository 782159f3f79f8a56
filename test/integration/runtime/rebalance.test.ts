// Guarantee: a member that loses a partition while a slow handler runs never commits that partition again, so the new owner runs the task itself.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
import { uniqueName, using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('rebalance while a slow handler runs', () => {
  it('does not commit the revoked partition when the old owner finishes, and the new owner reruns the task', async () => {
    // Dedupe off: a rerun must come from the offset, not be masked by a done mark.
    const task = noteTask({ partitions: 2, dedupe: false });
    const producer = await using(new TaskProducer());
    const groupPrefix = uniqueName('g');
    const runs: { worker: string; id: string; partition: number; aborted: boolean }[] = [];
    let release: () => void = () => undefined;
    const slowMayFinish = new Promise<void>((r) => (release = r));
    const handlerOf = (name: string) =>
      handle(task, async (note, ctx) => {
        if (name === 'first') await slowMayFinish;
        runs.push({ worker: name, id: note.id, partition: ctx.partition, aborted: ctx.signal.aborted });
      });
    const first = await startWorker({ groupPrefix, commitIntervalMs: 100, handlers: [handlerOf('first')] });
    await waitFor('first owns both partitions', () => (first.assignment()[task.name] ?? []).length === 2);
    // Slow tasks on both partitions, so whichever partition moves has one in flight.
    const sent = await producer.enqueueMany(
      task,
      Array.from({ length: 8 }, (_, i) => ({ id: `slow${i}`, key: `k${i}`, seq: i })),
    );
    expect(new Set(sent.map((s) => s.partition)).size).toBe(2);
    await waitFor('the slow tasks to start', () => first.runningTasks().length === 8);

    const second = await startWorker({ groupPrefix, commitIntervalMs: 100, handlers: [handlerOf('second')] });
    let moved = -1;
    await waitFor('a partition to move to the new member, as both members see it', () => {
      const mine = second.assignment()[task.name] ?? [];
      const theirs = first.assignment()[task.name] ?? [];
      moved = mine.find((p) => !theirs.includes(p)) ?? -1;
      return moved >= 0;
    });
    release();
    const movedIds = sent.flatMap((s, i) => (s.partition === moved ? [`slow${i}`] : []));
    await waitFor('the new owner to rerun every task of the moved partition', () =>
      movedIds.every((id) => runs.some((r) => r.worker === 'second' && r.id === id)),
    );
    // Only the moved partition's tasks ran again: the other partition's completions were committed by their owner.
    await quietPeriod(500, 'no rerun of the partition that did not move');
    expect(
      runs
        .filter((r) => r.worker === 'second')
        .map((r) => r.id)
        .sort(),
    ).toEqual([...movedIds].sort());
    // The old owner's handlers of that partition had their signal aborted when it was revoked.
    const firstOnMoved = runs.filter((r) => r.worker === 'first' && r.partition === moved);
    expect(firstOnMoved.length).toBe(movedIds.length);
    expect(firstOnMoved.every((r) => r.aborted)).toBe(true);
    // Let go, not failed: no dead letter for the tasks the revoked member aborted.
    expect(await readAll(dlqTopicOf(task.topic))).toEqual([]);
  });
});
