// Guarantee: tasks with one key complete in the order they were enqueued, while different keys run concurrently.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('per-key order', () => {
  it('completes each key in sequence under concurrency with random handler delays', async () => {
    const task = noteTask({ partitions: 3, concurrency: 16 });
    const producer = await using(new TaskProducer());
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const payloads = Array.from({ length: 20 }, (_, seq) =>
      keys.map((key) => ({ id: `${key}/${seq}`, key, seq })),
    ).flat();
    await producer.enqueueMany(task, payloads);

    const completed = new Map<string, number[]>();
    let running = 0;
    let peakRunning = 0;
    await startWorker({
      handlers: [
        handle(task, async (note) => {
          running++;
          peakRunning = Math.max(peakRunning, running);
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          running--;
          completed.set(note.key, [...(completed.get(note.key) ?? []), note.seq]);
        }),
      ],
    });
    await waitFor(
      'every task completed',
      () => [...completed.values()].reduce((n, s) => n + s.length, 0) >= payloads.length,
    );

    for (const key of keys) expect(completed.get(key)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peakRunning).toBeGreaterThan(1);
  });
});
