// Guarantee: a handler that runs for twice the session timeout keeps its group membership and runs once.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('a handler longer than the session timeout', () => {
  it('completes once, with no rebalance while it runs', async () => {
    const sessionTimeoutMs = 6000;
    const task = noteTask({ partitions: 1, timeoutMs: 60_000 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'slow', key: 'k', seq: 0 });
    let runs = 0;
    let finished = false;
    const worker = await startWorker({
      sessionTimeoutMs,
      heartbeatIntervalMs: 1000,
      handlers: [
        handle(task, async () => {
          runs++;
          await new Promise((r) => setTimeout(r, sessionTimeoutMs * 2));
          finished = true;
        }),
      ],
    });
    const revoked: number[][] = [];
    worker.on('partitions:revoked', (e) => revoked.push([...e.partitions]));

    await waitFor('the slow task to finish', () => finished, { timeoutMs: 60_000 });
    await quietPeriod(1000, 'no second run and no revocation after the slow task');
    expect(runs).toBe(1);
    expect(revoked).toEqual([]);
  });
});
