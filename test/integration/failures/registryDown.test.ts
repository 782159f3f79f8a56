// Guarantee: while the registry is down, tasks of cached schemas keep flowing, the rest wait (never dead-lettered), and all complete once it is back.
import { describe, expect, it } from 'vitest';
import { defineTask, handle, TaskProducer } from '../../../pipeline/index.js';
import { endOffsets } from '../../support/groups.js';
import { ownsRegistry, singleNodeStack } from '../../support/localStack.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { quietPeriod, waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';

const v1 = {
  type: 'record',
  name: 'Invoice',
  namespace: 'test.taskstream',
  fields: [{ name: 'id', type: 'string' }],
} as const;
const v2 = { ...v1, fields: [...v1.fields, { name: 'note', type: 'string', default: '' }] } as const;

describe.runIf(ownsRegistry())("registry stops mid-stream (needs a registry started by this checkout's stack)", () => {
  it('keeps cached schemas flowing, holds the others without dead-lettering, and completes them after restart', async () => {
    const name = uniqueName('invoice');
    const old = defineTask({ name, schema: v1, partitions: 1, key: (i) => i.id });
    const evolved = defineTask({ name, schema: v2, partitions: 1, key: (i) => i.id });
    const producer = await using(new TaskProducer());
    const evolvedProducer = await using(new TaskProducer());
    await producer.enqueue(old, { id: 'warm-up' });

    const done: string[] = [];
    const doneAt = new Map<string, number>();
    // A worker that knows v1 only (it warms its cache with the subject's latest schema at start, v1 then).
    const worker = await startWorker({
      handlers: [
        handle(old, (i) => {
          done.push(i.id);
          doneAt.set(i.id, Date.now());
        }),
      ],
    });
    await waitFor('the first v1 task', () => done.includes('warm-up'));
    // v2 is registered now (so its producer can write it while the registry is down): its id is not in the
    // worker's cache, and no v2 record exists yet.
    await evolvedProducer.prepare(evolved);
    const stack = singleNodeStack();
    await stack.registry.process.stop();
    onCleanup(() => stack.up());

    await producer.enqueueMany(old, [{ id: 'v1-a' }, { id: 'v1-b' }]);
    await evolvedProducer.enqueueMany(evolved, [{ id: 'v2-a', note: 'x' }]);
    await waitFor('v1 tasks to flow while the registry is down', () => done.includes('v1-a') && done.includes('v1-b'));

    await quietPeriod(2000, 'v2-a does not run while the registry is down');
    expect(done).not.toContain('v2-a'); // its schema id cannot be resolved while the registry is down
    const restartedAt = Date.now();
    await stack.up();
    await waitFor('the held v2 task to complete after the restart', () => done.includes('v2-a'), { timeoutMs: 90_000 });
    expect(doneAt.get('v2-a')).toBeGreaterThan(restartedAt);
    expect((await endOffsets(dlqTopicOf(old.topic))).get(0)).toBe(0n);
    expect(worker.stats().held).toBe(0);
    // Longer than the stack's own waits plus the 90 s above, so a slow restart fails naming what was not ready.
  }, 300_000);
});
