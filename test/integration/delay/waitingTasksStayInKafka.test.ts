// Guarantee: delayed tasks wait in Kafka, not in a worker: with a large number of them waiting, the worker holds
// and buffers within its bounds (in fact only the tasks that come due), and tasks due meanwhile still run, none
// before its time.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { onCleanup, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const HOUR = 3_600_000;

describe('delayed tasks waiting', () => {
  it('150,000 waiting hours ahead: the worker holds only the tasks due meanwhile, which run, none early', async () => {
    const task = noteTask({ partitions: 3, maxDelayMs: 2 * HOUR });
    const producer = await using(new TaskProducer());
    const waiting = 150_000;
    const chunk = 10_000;
    const tiers = new Set<string>();
    for (let from = 0; from < waiting; from += chunk) {
      const payloads = Array.from({ length: chunk }, (_, i) => ({ id: `w${from + i}`, key: `k${i % 100}`, seq: i }));
      // 1-2 h ahead: every one waits in the 1h tier, whose head is not due for an hour.
      const delays = payloads.map(() => ({ delayMs: HOUR + Math.floor(Math.random() * HOUR) }));
      for (const e of await producer.enqueueMany(task, payloads, { delays })) tiers.add(e.topic);
    }
    expect([...tiers]).toEqual([`${task.topic}.delay.1h`]);

    // Bounds the waiting tasks alone would fill: three 1h-tier partitions of 20 each are more than the process's
    // 40, so a worker that kept them in memory until due would leave no room for the tasks that come due.
    const maxHeldTasks = 40;
    const maxHeldPerPartition = 20;
    const started = new Map<string, number>();
    const worker = await startWorker({
      maxHeldTasks,
      maxHeldPerPartition,
      handlers: [handle(task, (note) => void started.set(note.id, Date.now()))],
    });
    let maxHeld = 0;
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      const stats = worker.stats();
      maxHeld = Math.max(maxHeld, stats.held);
      maxBuffered = Math.max(maxBuffered, stats.buffered);
    }, 20);
    onCleanup(() => clearInterval(sampler));

    // Due within seconds: through the 5s and 1s tiers and a wait in memory, past the 1h tier's paused partitions.
    const due = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, key: `k${i}`, seq: i }));
    const enqueued = await producer.enqueueMany(task, due, {
      delays: due.map(() => ({ delayMs: 2000 + Math.floor(Math.random() * 6000) })),
    });
    const runAt = new Map(enqueued.map((e, i) => [`d${i}`, e.runAt ?? 0]));
    await waitFor('every task due meanwhile started', () => started.size >= due.length, { timeoutMs: 90_000 });
    clearInterval(sampler);

    expect([...started.keys()].sort()).toEqual(due.map((d) => d.id).sort());
    expect([...started].filter(([id, at]) => at < (runAt.get(id) ?? Infinity))).toEqual([]);
    const stats = worker.stats();
    expect(Math.max(maxHeld, stats.peakHeld)).toBeLessThanOrEqual(maxHeldTasks);
    // Not a bound but the guarantee: no waiting task was ever taken into memory, only the ones that came due.
    expect(stats.peakHeld).toBeLessThanOrEqual(due.length);
    // A delay tier takes a record or leaves it to Kafka (fetched again when due); it never keeps one buffered.
    expect(maxBuffered).toBe(0);
  });
});
