// Guarantee: a delayed task never starts before its time, whichever delay tiers it hops through; a time already
// past runs at once; a delay longer than the task type accepts is refused before anything is sent.
//
// The order the design guarantees, and so the only order asserted here (nothing timed): every copy of a task waits
// in the longest tier not longer than what is left of its wait when it was written (so no tier holds it past its
// time), and a tier partition is passed on in offset order, each record no earlier than its own not-before and
// that of every record ahead of it (the gate stops at the first record not yet due). Between tasks in different
// tiers or partitions there is no order: a task due a second before another can start after it whenever the
// worker is late by more than that second, and how late it is has no bound the design sets (a fetch, a full
// worker, a loaded machine), so asserting one would be a timing.
import { describe, expect, it } from 'vitest';
import {
  delayTierFor,
  delayTiers,
  delayTopicOf,
  runAtOf,
  type DelayTier,
} from '../../../pipeline/delay/DelayLadder.js';
import { DelayTooLongError } from '../../../pipeline/delay/DelayTooLongError.js';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER } from '../../../pipeline/retry/handOffHeaders.js';
import { defaultTaskId, HEADER } from '../../../pipeline/task/headers.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readAll } from '../../support/readTopic.js';
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
  });

  it('wait in the longest tier that fits what is left, and leave a tier partition in offset order, each once it and all ahead are due', async () => {
    const maxDelayMs = 60_000;
    const tiers = delayTiers(maxDelayMs);
    const task = noteTask({ partitions: 2, maxDelayMs });
    const producer = await using(new TaskProducer());
    const count = 200;
    const delays = Array.from({ length: count }, () => Math.floor(Math.random() * 40_000));
    const payloads = delays.map((_, i) => ({ id: `t${i}`, key: `k${i % 7}`, seq: i }));
    // When the worker took each record up to run it, by position: the copy a task started from, or (for a second
    // copy, should a redelivery make one) was acknowledged as done from.
    const taken = new Map<string, number>();
    let startedCount = 0;
    await startWorker({ handlers: [handle(task, () => undefined)] }, (w) => {
      const take = (e: { topic: string; partition: number; offset: string }): void =>
        void taken.set(`${e.topic}:${e.partition}:${e.offset}`, Date.now());
      w.on('task:started', (e) => {
        startedCount++;
        take(e);
      });
      w.on('task:deduplicated', take);
    });
    await producer.enqueueMany(task, payloads, { delays: delays.map((delayMs) => ({ delayMs })) });
    await waitFor('every delayed task started', () => startedCount >= count, { timeoutMs: 90_000 });

    const copies = (await Promise.all(tiers.map((tier) => tierCopies(task.topic, tier)))).flat();
    expect(new Set(copies.map((c) => c.tier.name))).toEqual(new Set(tiers.map((t) => t.name)));
    // The ladder: what was left when the copy was written (its not-before less its tier's delay) selects its tier.
    const misplaced = copies.filter((c) => delayTierFor(tiers, c.runAt - c.writtenAt) !== c.tier);
    expect(misplaced).toEqual([]);

    // The gate: when a copy was passed on (its task started from it, or its next copy was written), it and every
    // copy ahead of it in its tier partition were due.
    const passedOn = (c: TierCopy): number => {
      const ran = taken.get(`${delayTopicOf(task.topic, c.tier)}:${c.partition}:${c.offset}`);
      if (ran !== undefined) return ran;
      const later = copies.filter((o) => o.taskId === c.taskId && o.writtenAt > c.writtenAt);
      return later.length > 0 ? Math.min(...later.map((o) => o.writtenAt)) : -Infinity;
    };
    const tooEarly: { copy: string; passedOn: number; dueAhead: number }[] = [];
    for (const partition of groupBy(copies, (c) => `${c.tier.name}:${c.partition}`)) {
      let dueAhead = -Infinity;
      for (const c of partition.sort((a, b) => a.offset - b.offset)) {
        dueAhead = Math.max(dueAhead, c.notBefore);
        const at = passedOn(c);
        if (at < dueAhead) tooEarly.push({ copy: `${c.tier.name}:${c.partition}:${c.offset}`, passedOn: at, dueAhead });
      }
    }
    expect(tooEarly).toEqual([]);
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

interface TierCopy {
  readonly tier: DelayTier;
  readonly partition: number;
  readonly offset: number;
  readonly taskId: string;
  readonly runAt: number;
  readonly notBefore: number;
  /** When the copy was written, by the writer's clock: a tier's record is due exactly its delay after that. */
  readonly writtenAt: number;
}

/** Every record of one delay tier. A hop's copy carries the task id; the producer's first copy is named by its position. */
async function tierCopies(taskTopic: string, tier: DelayTier): Promise<TierCopy[]> {
  const topic = delayTopicOf(taskTopic, tier);
  return (await readAll(topic)).map((r) => {
    const notBefore = Number(r.headers[DLQ_HEADER.notBefore]);
    return {
      tier,
      partition: r.partition,
      offset: Number(r.offset),
      taskId: r.headers[HEADER.id] ?? defaultTaskId(topic, r.partition, r.offset),
      runAt: runAtOf(r.headers) ?? NaN,
      notBefore,
      writtenAt: notBefore - tier.delayMs,
    };
  });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}
