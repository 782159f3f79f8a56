// Guarantee: a worker killed between copying a task to a retry tier and committing the source offset neither loses the task nor lets two copies both complete.
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';

describe('killed between hand-off and commit', () => {
  it('completes the task exactly once after a restart', async () => {
    const task = noteTask({ partitions: 1, retry: { maxAttempts: 3, minDelayMs: 100, maxDelayMs: 100 } });
    const producer = await using(new TaskProducer());
    const [sent] = await producer.enqueueMany(task, [{ id: 'fragile', key: 'k', seq: 1 }]);
    const records = recordFile();
    const env = childWorkerEnv(task, records, { FAIL_FIRST_ATTEMPT_OF: 'fragile' });
    const first = await startChildWorker({ ...env, HANG_AFTER_HANDOFF: '1' });
    await waitFor('the retry copy to be handed off', () => records.read().some((r) => r.event === 'handed-off'));
    first.signal('SIGKILL');
    await first.exited;

    // The source offset was never committed: the restarted worker sees the task again and hands it off again.
    await startChildWorker(env);
    await waitFor('a completion, and the second copy acknowledged without running', () => {
      const r = records.read();
      return r.some((x) => x.event === 'done') && r.filter((x) => x.event === 'deduplicated').length >= 1;
    });
    await quietPeriod(1000, 'no second run of the handed-off task');
    const all = records.read();
    expect(all.filter((r) => r.event === 'done').map((r) => r.id)).toEqual(['fragile']);
    expect(all.filter((r) => r.event === 'handed-off')).toHaveLength(1);
    // However the two copies interleave, every extra one is acknowledged without running.
    expect([...new Set(all.filter((r) => r.event === 'deduplicated').map((r) => r.id))]).toEqual([sent?.taskId]);
  });
});
