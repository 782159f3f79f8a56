// Guarantee: a worker closing with attempts queued behind a rate limit that throttles hard lets them go at once
// (issue 14): it starts none of them, commits none of them, and the next worker of the group runs every task the
// first did not complete, none twice; and the closed worker leaves nothing that keeps its process alive.
import { describe, expect, it } from 'vitest';
import { defineTask, handle, TaskProducer, type RateLimitOptions, type TaskContext } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

type Note = { id: string; key: string; seq: number };

/** A backlog far larger than the limit lets through: most of the running attempts wait for a slot. */
const notes: Note[] = Array.from({ length: 3000 }, (_, i) => ({ id: `t${i}`, key: `k${i % 1000}`, seq: i }));
const ids = notes.map((n) => n.id);

const limits: [string, RateLimitOptions<Note>][] = [
  ['shared through Redis', { max: 1, perMs: 1000, shared: true }],
  // A key's second task waits a minute for its slot.
  ['per key', { max: 1, perMs: 60_000, perKey: (n) => n.key }],
  ['in this process', { max: 1, perMs: 1000 }],
];

/** Takes a while: records and resolves after `ms`, or resolves at once (recording nothing) when aborted. */
function slowHandler(ms: number, ran: string[]) {
  return (note: Note, ctx: TaskContext) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ran.push(note.id);
        resolve();
      }, ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

describe('close() behind a rate limit that throttles hard', () => {
  it.each(limits)(
    '(%s) starts none of the waiting tasks, commits none, and the next worker runs each task once',
    async (_, rateLimit) => {
      const task = noteTask({ partitions: 3, concurrency: 100, rateLimit });
      const producer = await using(new TaskProducer());
      const groupPrefix = uniqueName('g');
      await producer.enqueueMany(task, notes);

      const ranFirst: string[] = [];
      const completedFirst = new Set<string>();
      let closing = false;
      const startedWhileClosing: string[] = [];
      const first = await startWorker(
        // A deadline long enough for a slot or two to come while the running handlers finish.
        { groupPrefix, shutdownDeadlineMs: 5000, handlers: [handle(task, slowHandler(300, ranFirst))] },
        (w) => {
          w.on('task:started', (e) => void (closing && startedWhileClosing.push(e.taskId)));
          w.on('task:completed', (e) => void completedFirst.add(`${e.partition}:${e.offset}`));
        },
      );
      await waitFor('attempts waiting for a slot', () => first.stats().waitingForSlot >= 50);
      closing = true;
      await first.close();
      expect(startedWhileClosing).toEqual([]);
      // Nothing let go was committed: every offset below a partition's committed one completed in the first worker.
      const committed = await committedOffsets(`${groupPrefix}.${task.name}`, task.topic);
      for (const [partition, offset] of committed) {
        for (let o = 0n; o < offset; o++) expect(completedFirst, `${partition}:${o}`).toContain(`${partition}:${o}`);
      }

      // The same task type without the limit, so the rest drains quickly; same name, so the same dedupe marks.
      const unlimited = defineTask({ name: task.name, schema: noteSchema, key: (n) => n.key, partitions: 3 });
      const ranNext: string[] = [];
      await startWorker({ groupPrefix, handlers: [handle(unlimited, (n) => void ranNext.push(n.id))] });
      await waitFor(
        'every task completed by one worker or the other',
        () => missingIds(ids, [...ranFirst, ...ranNext]).length === 0,
      );
      expect(ranFirst.length).toBeLessThan(ids.length);
      expect(duplicateIds([...ranFirst, ...ranNext])).toEqual([]);
    },
  );

  it.each([
    ['shared', '1', '1000'],
    ['per-key', '1', '60000'],
    ['local', '1', '1000'],
  ])('(%s) leaves nothing that keeps the process alive once closed', async (kind, max, perMs) => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes);
    const records = recordFile();
    const env = childWorkerEnv(task, records, {
      CONCURRENCY: '100',
      HANDLER_DELAY_MS: '300',
      SHUTDOWN_DEADLINE_MS: '1000',
      RATE_LIMIT: kind,
      RATE_LIMIT_MAX: max,
      RATE_LIMIT_PER_MS: perMs,
      EXIT_BY_ITSELF: '1',
    });
    const child = await startChildWorker(env);
    await waitFor('a handler to start', () => records.read().some((r) => r.event === 'start'));
    child.signal('SIGTERM');
    // Nothing calls process.exit: the child ends only when close() has closed everything it opened.
    expect(await child.exited).toBe(0);
  });
});
