// Guarantee: a delayed task never starts before its time, whichever delay tiers it hops through; a time already
// past runs at once; a delay longer than the task type accepts is refused before anything is sent.
import { describe, expect, it } from 'vitest';
import { DelayTooLongError } from '../../../pipeline/delay/DelayTooLongError.js';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { startWorker } from '../../support/workers.js';
import { waitFor } from '../../support/waitFor.js';

/**
 * Clock granularity allowed for "not before": none. The producer and the handler read Date.now() in one process
 * here, and the worker compares the task's time with Date.now() again after each wait (a timer that fires a
 * millisecond early just waits that millisecond more), so a start is never early by construction.
 */
const GRANULARITY_MS = 0;

describe('delayed tasks', () => {
  it('start no earlier than their time, from 0 to 50 s in random order, through every tier', async () => {
    const task = noteTask({ partitions: 2, maxDelayMs: 60_000 });
    const producer = await using(new TaskProducer());
    const count = 300;
    // Random order: each one's delay is drawn independently, so later enqueues are often due earlier.
    const delays = Array.from({ length: count }, () => Math.floor(Math.random() * 50_000));
    const payloads = delays.map((_, i) => ({ id: `t${i}`, key: `k${i % 7}`, seq: i }));
    const started = new Map<string, number>();
    await startWorker({
      handlers: [handle(task, (note) => void started.set(note.id, Date.now()))],
    });
    const enqueued = await producer.enqueueMany(task, payloads, { delays: delays.map((delayMs) => ({ delayMs })) });
    const runAt = new Map(enqueued.map((e, i) => [`t${i}`, e.runAt ?? 0]));
    // Tasks due within a second went to the task's topic, the rest to their first tier.
    expect(new Set(enqueued.map((e) => e.topic.slice(task.topic.length)))).toContain('.delay.30s');

    await waitFor('every delayed task started', () => started.size === count, { timeoutMs: 90_000 });
    const early = [...started].filter(([id, at]) => at + GRANULARITY_MS < (runAt.get(id) ?? 0));
    expect(early).toEqual([]);
    // Due order across tiers: no task started before one due more than a second earlier had.
    const byStart = [...started].sort((a, b) => a[1] - b[1]).map(([id]) => runAt.get(id) ?? 0);
    const inversions = byStart.filter((due, i) => byStart.slice(i + 1).some((later) => later < due - 1000));
    expect(inversions).toEqual([]);
  });

  it('runs a task whose time is past at once, from its own topic', async () => {
    const task = noteTask({ partitions: 1, maxDelayMs: 60_000 });
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { id: 'past', key: 'k', seq: 0 }, { runAt: new Date(Date.now() - 1000) });
    expect(sent.topic).toBe(task.topic);
    expect(sent.runAt).toBeUndefined();
  });

  it('refuses a delay longer than maxDelayMs with DELAY_TOO_LONG, not retriable', async () => {
    const task = noteTask({ partitions: 1, maxDelayMs: 60_000 });
    const producer = await using(new TaskProducer());
    const refused = producer.enqueue(task, { id: 'far', key: 'k', seq: 0 }, { delayMs: 61_000 });
    await expect(refused).rejects.toBeInstanceOf(DelayTooLongError);
    await expect(refused).rejects.toMatchObject({ code: 'DELAY_TOO_LONG', retriable: false });
  });
});
