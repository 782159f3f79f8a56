// Guarantee: on SIGTERM a worker finishes its in-flight tasks, commits all it completed and exits; nothing runs twice after restart.
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('SIGTERM with handlers in flight', () => {
  it('drains, commits exactly what completed, exits 0, and the next worker repeats nothing', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 400 }, (_, i) => ({ id: `t${i}`, key: `k${i % 40}`, seq: i }));
    await producer.enqueueMany(task, payloads);
    const records = recordFile();
    const env = childWorkerEnv(task, records, { HANDLER_DELAY_MS: '150' });
    const groupId = `${env.GROUP_PREFIX}.${task.name}`;
    const events = () => records.read();

    const worker = await startChildWorker(env);
    await waitFor('handlers in flight', () => events().filter((r) => r.event === 'done').length >= 30);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);

    const before = events();
    const started = before.filter((r) => r.event === 'start').map((r) => r.id);
    const completed = before.filter((r) => r.event === 'done');
    // Every handler that started before the signal finished.
    expect(
      missingIds(
        started,
        completed.map((r) => r.id),
      ),
    ).toEqual([]);
    // What completed is exactly what is committed: per partition, the done offsets are the prefix below the commit.
    const committed = await committedOffsets(groupId, task.topic);
    for (const r of completed) expect(BigInt(r.offset)).toBeLessThan(committed.get(r.partition) ?? 0n);
    const completedCount = completed.length;
    const committedCount = [...committed.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n);
    expect(BigInt(completedCount)).toBe(committedCount);

    await startChildWorker(env);
    await waitFor(
      'every task completed',
      () =>
        missingIds(
          payloads.map((p) => p.id),
          events()
            .filter((r) => r.event === 'done')
            .map((r) => r.id),
        ).length === 0,
    );
    expect(
      duplicateIds(
        events()
          .filter((r) => r.event === 'done')
          .map((r) => r.id),
      ),
    ).toEqual([]);
  });
});
