// Guarantee: with dedupe on, a task's done mark is stored before its offset is committed; a worker SIGKILLed after tasks completed and before their commit does not run them again when restarted, and runs every task that had not completed.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { bumpEpoch } from '../../../pipeline/dedupe/DedupeEpoch.js';
import { DedupeStore } from '../../../pipeline/dedupe/DedupeStore.js';
import { IdList } from '../../../pipeline/dedupe/IdList.js';
import { childWorkerEnv, recordFile, startChildWorker, type HandlerRecord } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { startPrivateRedis } from '../../support/privateRedis.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

/** A Redis of the test's own, so that every done mark in it is this test's worker's. */
async function privateMarks() {
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  onCleanup(() => redis.quit());
  return {
    url: server.url,
    redis,
    /** The positions (`<partition>:<offset>`) of the tasks marked done: their ids are their positions. */
    positions: async (topic: string): Promise<Set<string>> => {
      const keys = await redis.keys('taskstream:done:*');
      const ids = keys.map((k) => k.slice(k.lastIndexOf(':') + 1));
      return new Set(ids.map((id) => id.slice(topic.length + 1).replace('-', ':')));
    },
  };
}

const at = (r: HandlerRecord): string => `${r.partition}:${r.offset}`;

/** The ids of the tasks whose handler completed, in any worker, as often as it did. */
const completedIds = (records: { read(): HandlerRecord[] }): string[] =>
  records
    .read()
    .filter((r) => r.event === 'done')
    .map((r) => r.id);

const allCompleted = (payloads: readonly { id: string }[], records: { read(): HandlerRecord[] }): boolean =>
  missingIds(
    payloads.map((p) => p.id),
    completedIds(records),
  ).length === 0;

/** `count` note tasks enqueued on a new task type, a private Redis for the marks, a file for the handler records. */
async function enqueued(count: number, partitions: number, keys: number) {
  const marks = await privateMarks();
  const task = noteTask({ partitions });
  const producer = await using(new TaskProducer());
  const payloads = Array.from({ length: count }, (_, i) => ({ id: `t${i}`, key: `k${i % keys}`, seq: i }));
  await producer.enqueueMany(task, payloads);
  return { marks, task, payloads, records: recordFile() };
}

describe('dedupe across a crash', () => {
  it('acknowledges redelivered completed tasks without running their handler again', async () => {
    const { marks, task, payloads, records } = await enqueued(200, 2, 10);
    // Commits effectively never happen before the kill: everything completed is redelivered.
    const env = childWorkerEnv(task, records, { COMMIT_INTERVAL_MS: '600000', REDIS_URL: marks.url });
    const first = await startChildWorker(env);
    // A mark is written a moment after its handler returns (with the others of its turn); the guarantee is that
    // it is stored before the offset is committed, so the kill comes once every mark is in.
    await waitFor(
      'every task completed once and marked',
      async () => allCompleted(payloads, records) && (await marks.positions(task.topic)).size === payloads.length,
    );
    first.signal('SIGKILL');
    await first.exited;

    await startChildWorker({ ...env, COMMIT_INTERVAL_MS: '200' });
    await waitFor(
      'every redelivery acknowledged',
      () => records.read().filter((r) => r.event === 'deduplicated').length >= 200,
    );
    expect(duplicateIds(completedIds(records))).toEqual([]);
  });

  it('killed while Redis holds marks back: committed offsets are all marked, marked tasks never run again, the rest all run', async () => {
    const { marks, task, payloads, records } = await enqueued(6000, 3, 50);
    const env = childWorkerEnv(task, records, {
      HANDLER_DELAY_MS: '5',
      COMMIT_INTERVAL_MS: '100',
      REDIS_URL: marks.url,
    });
    const done = () => completedIds(records).length;
    const first = await startChildWorker(env);
    await waitFor('some progress', () => done() >= 800);
    // Redis stops storing (reads still answer): tasks go on completing, their marks wait, and so must every
    // commit of their offsets. Without the wait, commits would go on over unmarked tasks here.
    await marks.redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    const atPause = done();
    await waitFor('tasks completing while their marks wait', () => done() >= atPause + 300);
    await new Promise((resolve) => setTimeout(resolve, 300)); // three commit intervals
    first.signal('SIGKILL');
    await first.exited;
    // Some tasks had not completed: they must run after the restart.
    expect(done()).toBeLessThan(payloads.length);
    const committed = await committedOffsets(`${env.GROUP_PREFIX}.${task.name}`, task.topic);
    const marked = await marks.positions(task.topic);
    await marks.redis.call('CLIENT', 'UNPAUSE');

    // Stored before commit: every offset below a committed one is marked.
    const unmarkedBelowCommit: string[] = [];
    for (const [partition, offset] of committed) {
      for (let o = 0n; o < offset; o++) {
        if (!marked.has(`${partition}:${o}`)) unmarkedBelowCommit.push(`${partition}:${o}`);
      }
    }
    expect([...committed.values()].some((o) => o > 0n)).toBe(true);
    expect(unmarkedBelowCommit).toEqual([]);
    const isCommitted = (position: string): boolean => {
      const [partition, offset] = position.split(':') as [string, string];
      return BigInt(offset) < (committed.get(Number(partition)) ?? 0n);
    };
    // Completed and marked, not committed: redelivered to the next worker, which must not run them.
    const markedUncommitted = [...marked].filter((p) => !isCommitted(p));
    expect(markedUncommitted.length).toBeGreaterThan(0);

    const second = await startChildWorker(env);
    const afterRestart = () => records.read().filter((r) => r.pid === second.pid);
    const taken = () =>
      new Set(
        afterRestart()
          .filter((r) => r.event === 'start' || r.event === 'deduplicated')
          .map(at),
      );
    await waitFor('every task completed', () => allCompleted(payloads, records));
    // The tasks that had completed before the kill may all be done by then: wait for the redelivered ones too.
    await waitFor('every redelivered marked task taken', () => markedUncommitted.every((p) => taken().has(p)));
    const ranAgain = afterRestart()
      .filter((r) => r.event === 'start' && marked.has(at(r)))
      .map(at);
    expect(ranAgain).toEqual([]);
  });

  it('a running worker uses an epoch bumped by an offsets reset at once, not from its next start', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    onCleanup(() => redis.quit());
    const group = uniqueName('g');
    const store = new DedupeStore(redis, group, 60_000);
    const ids = (...list: string[]): IdList => {
      const l = new IdList();
      for (const id of list) l.add(id);
      return l;
    };
    const none = new IdList();
    const isDone = async (id: string) =>
      (await store.flush({ ran: none, marks: none, reads: none, checks: ids(id) })).done;

    await store.flush({ ran: none, marks: ids('t1'), reads: none, checks: none });
    expect(await isDone('t1')).toEqual([true]);
    await bumpEpoch(redis, group);
    expect(await isDone('t1')).toEqual([false]);
  });
});
