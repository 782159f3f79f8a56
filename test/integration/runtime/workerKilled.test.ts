// Guarantee: a worker killed with SIGKILL mid-batch loses nothing, and repeats only work it had not committed.
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('worker killed with SIGKILL', () => {
  it('completes every task after a restart, repeating only offsets past the last commit', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 3000 }, (_, i) => ({ id: `t${i}`, key: `k${i % 50}`, seq: i }));
    await producer.enqueueMany(task, payloads);
    const records = recordFile();
    const env = childWorkerEnv(task, records, { HANDLER_DELAY_MS: '2' });
    const done = () => records.read().filter((r) => r.event === 'done');

    const first = await startChildWorker(env);
    await waitFor('some progress before the kill', () => done().length >= 600);
    first.signal('SIGKILL');
    await first.exited;
    const committedAtKill = await committedOffsets(`${env.GROUP_PREFIX}.${task.name}`, task.topic);
    const doneBeforeRestart = done().length;

    await startChildWorker(env);
    await waitFor(
      'every task completed',
      () =>
        missingIds(
          payloads.map((p) => p.id),
          done().map((r) => r.id),
        ).length === 0,
    );

    const all = done();
    expect(doneBeforeRestart).toBeLessThan(payloads.length);
    // Duplicates come only from the window the killed worker had not committed.
    const repeated = new Set(duplicateIds(all.map((r) => r.id)));
    for (const r of all.filter((x) => repeated.has(x.id))) {
      expect(BigInt(r.offset)).toBeGreaterThanOrEqual(committedAtKill.get(r.partition) ?? 0n);
    }
  });
});
