// Guarantee: with dedupe on, a task redelivered after SIGKILL between handler success and commit does not run again.
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('dedupe across a crash', () => {
  it('acknowledges redelivered completed tasks without running their handler again', async () => {
    const task = noteTask({ partitions: 2 });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 200 }, (_, i) => ({ id: `t${i}`, key: `k${i % 10}`, seq: i }));
    await producer.enqueueMany(task, payloads);
    const records = recordFile();
    // Commits effectively never happen before the kill: everything completed is redelivered.
    const env = childWorkerEnv(task, records, { COMMIT_INTERVAL_MS: '600000' });
    const done = () =>
      records
        .read()
        .filter((r) => r.event === 'done')
        .map((r) => r.id);
    const first = await startChildWorker(env);
    await waitFor(
      'every task completed once',
      () =>
        missingIds(
          payloads.map((p) => p.id),
          done(),
        ).length === 0,
    );
    first.signal('SIGKILL');
    await first.exited;

    await startChildWorker({ ...env, COMMIT_INTERVAL_MS: '200' });
    await waitFor(
      'every redelivery acknowledged',
      () => records.read().filter((r) => r.event === 'deduplicated').length >= 200,
    );
    expect(duplicateIds(done())).toEqual([]);
  });
});
