// Guarantee: with ordered retries, a task whose handler throws once is retried in place and completes, and nothing after it in its partition is committed first.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { uniqueName, using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('a handler throws once (ordered retries, in place)', () => {
  it('retries the task, completes it, and commits nothing past it while it waits', async () => {
    const task = noteTask({
      partitions: 1,
      retry: { maxAttempts: 3, minDelayMs: 1500, maxDelayMs: 1500, ordered: true },
    });
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueueMany(
      task,
      Array.from({ length: 10 }, (_, seq) => ({ id: `t${seq}`, key: `k${seq}`, seq })),
    );
    const failing = sent[3];
    const attempts = new Map<string, number[]>();
    let release: () => void = () => undefined;
    const secondAttemptMayFinish = new Promise<void>((r) => (release = r));
    const groupPrefix = uniqueName('g');
    await startWorker({
      groupPrefix,
      commitIntervalMs: 100,
      handlers: [
        handle(task, async (note, ctx) => {
          attempts.set(note.id, [...(attempts.get(note.id) ?? []), ctx.attempt]);
          if (note.id !== 't3') return;
          if (ctx.attempt === 1) throw new Error('transient failure');
          await secondAttemptMayFinish;
        }),
      ],
    });
    const groupId = `${groupPrefix}.${task.name}`;

    await waitFor(
      't3 on its second attempt and every later task done',
      () => attempts.size === 10 && attempts.get('t3')?.length === 2,
    );
    await quietPeriod(500, 'several commit intervals pass while t3 waits: no commit past it');
    const whileWaiting = (await committedOffsets(groupId, task.topic)).get(0) ?? -1n;
    expect(whileWaiting).toBeLessThanOrEqual(BigInt(failing?.offset ?? 0));
    release();

    await waitFor('t3 to complete on its second attempt', () => (attempts.get('t3') ?? []).length === 2);
    expect(attempts.get('t3')).toEqual([1, 2]);
    for (const [id, a] of attempts) if (id !== 't3') expect(a).toEqual([1]);
    await waitFor('everything committed', async () => (await committedOffsets(groupId, task.topic)).get(0) === 10n);
  });
});
