// Guarantee: with Redis unreachable, tasks that need a lock wait (no attempt used, nothing dead-lettered) while tasks that need none keep running; dedupe fails open, warned once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('Redis unreachable', () => {
  it('holds locked tasks and runs the rest', async () => {
    const locked = noteTask({ partitions: 1, lock: { key: () => 'nightly-report' }, dedupe: false });
    const plain = noteTask({ partitions: 1, dedupe: false });
    const producer = await using(new TaskProducer());
    await producer.enqueue(locked, { id: 'needs-lock', key: 'k', seq: 1 });
    await producer.enqueueMany(
      plain,
      [1, 2, 3].map((seq) => ({ id: `p${seq}`, key: 'k', seq })),
    );
    const ran: string[] = [];
    const waits: { attempt: number; code: string | undefined }[] = [];
    let deadLettered = 0;
    await startWorker(
      {
        redisUrl: 'redis://127.0.0.1:1',
        handlers: [handle(locked, (n) => void ran.push(n.id)), handle(plain, (n) => void ran.push(n.id))],
      },
      (w) => {
        w.on('task:retrying', (e) => waits.push({ attempt: e.attempt, code: (e.error as { code?: string }).code }));
        w.on('task:dead-lettered', () => deadLettered++);
      },
    );

    await waitFor('the plain tasks and a few lock waits', () => ran.length === 3 && waits.length >= 2, {
      timeoutMs: 30_000,
    });
    expect(ran).toEqual(['p1', 'p2', 'p3']);
    expect(waits.every((w) => w.attempt === 1 && w.code === 'LOCK_UNAVAILABLE')).toBe(true);
    expect(deadLettered).toBe(0);
  });

  it('runs the tasks of a type with dedupe on, unchecked, and warns once for the outage', async () => {
    const deduped = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    const payloads = Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, key: `k${i % 5}`, seq: i }));
    await producer.enqueueMany(deduped, payloads);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const ran: string[] = [];
    const groupPrefix = uniqueName('g');
    const worker = await startWorker({
      groupPrefix,
      redisUrl: 'redis://127.0.0.1:1',
      logger,
      commitIntervalMs: 100,
      handlers: [handle(deduped, (n) => void ran.push(n.id))],
    });

    await waitFor('every task ran', () => ran.length === payloads.length, { timeoutMs: 30_000 });
    // Commits wait for the marks, which fail: they go on all the same, and the warning is not repeated.
    await worker.close();
    expect(ran.sort()).toEqual(payloads.map((p) => p.id).sort());
    expect((await committedOffsets(`${groupPrefix}.${deduped.name}`, deduped.topic)).get(0)).toBe(50n);
    expect(lines.filter((l) => l.includes('dedupe unavailable'))).toHaveLength(1);
  });
});
