// Guarantee: scaling a group from 1 to 3 workers mid-stream and back to 1 loses no task and keeps each key in order.
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { keysOutOfOrder, missingIds } from '../../support/invariants.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('scaling out and in', () => {
  it('spreads partitions over new members and hands them back without loss', async () => {
    const task = noteTask({ partitions: 6 });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 6000 }, (_, i) => ({ id: `t${i}`, key: `k${i % 60}`, seq: i }));
    // Tasks arrive in three waves, so there is work left whenever the group changes.
    await producer.enqueueMany(task, payloads.slice(0, 2000));
    const records = recordFile();
    const env = childWorkerEnv(task, records, { HANDLER_DELAY_MS: '10' });
    const done = () => records.read().filter((r) => r.event === 'done');

    const first = await startChildWorker(env);
    await waitFor('progress with one worker', () => done().length >= 500);
    const [second, third] = await Promise.all([startChildWorker(env), startChildWorker(env)]);
    await producer.enqueueMany(task, payloads.slice(2000, 4000));
    await waitFor('all three workers completing tasks', () => new Set(done().map((r) => r.pid)).size === 3);
    second.signal('SIGTERM');
    third.signal('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await third.exited).toBe(0);
    await producer.enqueueMany(task, payloads.slice(4000));
    await waitFor(
      'every task completed',
      () =>
        missingIds(
          payloads.map((p) => p.id),
          done().map((r) => r.id),
        ).length === 0,
      {
        timeoutMs: 90_000,
      },
    );

    expect(new Set(done().map((r) => r.pid))).toContain(first.pid);
    expect(keysOutOfOrder(done())).toEqual([]);
  });
});
