// Guarantee: while resizes fill the resize-image thread pool and queue behind it, another task type on the same
// worker keeps flowing: its tasks complete before the resizes do.
//
// How long the event loop was held up is a timing, which this shared machine cannot assert on (a run under a
// load average of 17 saw 650 ms with nothing wrong); `npm run bench -- resize` reports the longest loop delay.
// sharp runs libvips off the event loop even on the main thread; test/unit/ThreadPool.test.ts shows, with code
// that computes in JavaScript, what the pool keeps off the loop.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { resizeImageHandler } from '../../../consumers/image/resizeImageHandler.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { resizeImageTask, tempDir, writeBusyJpeg } from '../../support/images.js';
import { collectOutcomes, noOutcomes } from '../../support/outcomes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/**
 * Sized as the default sizes a pool, leaving a core to the main thread (on a 2-core machine like CI's, one
 * thread), and at most 4, so that 8 resizes always fill it and queue.
 */
const THREADS = Math.max(1, Math.min(4, os.availableParallelism() - 1));

describe('resize-image beside a cheap task type', () => {
  it('completes the cheap tasks while 8 resizes saturate the thread pool', async () => {
    const [sources, out] = [await tempDir(), await tempDir()];
    const source = await writeBusyJpeg(path.join(sources, 'big.jpg'));
    const resize = resizeImageTask();
    const ping = noteTask({ partitions: 1, dedupe: false });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(
      resize,
      Array.from({ length: 8 }, () => ({ imageUrl: source, widths: [2000, 1000, 500, 250] })),
    );
    await producer.prepare(ping);
    const outcomes = noOutcomes();
    const startedResizes = new Set<string>();
    await startWorker(
      { handlers: [resizeImageHandler({ dir: out, threads: THREADS, task: resize }), handle(ping, () => undefined)] },
      (w) => {
        collectOutcomes(w, outcomes);
        w.on('task:started', (e) => e.type === resize.name && startedResizes.add(e.taskId));
      },
    );
    const done = (type: string) => outcomes.completed.filter((e) => e.type === type).length;
    // Some resizing in threads, the rest waiting for one.
    await waitFor('all 8 resizes started', () => startedResizes.size === 8);

    await producer.enqueueMany(
      ping,
      Array.from({ length: 20 }, (_, i) => ({ id: `ping-${i}`, key: `k${i}`, seq: i })),
    );
    await waitFor('the pings completed', () => done(ping.name) === 20);
    const resizesDoneWhenPingsWere = done(resize.name);
    await waitFor('the resizes completed', () => done(resize.name) === 8);

    expect(resizesDoneWhenPingsWere).toBeLessThan(8);
    expect(outcomes.dead).toEqual([]);
  });
});
