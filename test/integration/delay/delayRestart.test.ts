// Guarantee: delayed tasks live in Kafka, not in a worker's memory: a worker SIGKILLed while they wait and
// started again runs every one of them, none before its time and (dedupe on) none twice.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { childWorkerEnv, recordFile, startChildWorker } from '../../support/childWorker.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { duplicateIds, missingIds } from '../../support/invariants.js';
import { onCleanup, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';

describe('delayed tasks across a worker crash', () => {
  it('all run after a SIGKILL and restart, none early, none twice', async () => {
    const maxDelayMs = 60_000;
    const task = noteTask({ partitions: 3, maxDelayMs });
    const producer = await using(new TaskProducer());
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    onCleanup(() => redis.quit());
    // A first wave due within 3 s, then a gap, then the rest: the kill comes in the gap, when no task is running
    // and every completed one is marked done (a task killed mid-run would run again, dedupe or not). The gap is
    // wide because a loaded machine takes a while to send 10,000 tasks and start a worker.
    const first = 200;
    const count = 10_000;
    const payloads = Array.from({ length: count }, (_, i) => ({ id: `t${i}`, key: `k${i % 50}`, seq: i }));
    const delays = payloads.map((_, i) => ({
      delayMs: i < first ? 500 + Math.floor(Math.random() * 2500) : 25_000 + Math.floor(Math.random() * 20_000),
    }));
    const enqueued = await producer.enqueueMany(task, payloads, { delays });
    const runAt = new Map(enqueued.map((e, i) => [`t${i}`, e.runAt ?? 0]));
    const records = recordFile();
    const env = childWorkerEnv(task, records, { MAX_DELAY_MS: String(maxDelayMs) });
    const done = () => records.read().filter((r) => r.event === 'done');
    const marks = async () => (await redis.keys(`taskstream:done:${env.GROUP_PREFIX}.${task.name}:*`)).length;

    const worker = await startChildWorker(env);
    await waitFor('the first wave ran and is marked done', async () => (await marks()) >= first);
    worker.signal('SIGKILL');
    await worker.exited;
    // The rest were waiting in delay tiers, hopping, or in memory: none had started.
    expect(done().length).toBe(first);

    await startChildWorker(env);
    const ids = payloads.map((p) => p.id);
    await waitFor(
      'every delayed task ran',
      () =>
        missingIds(
          ids,
          done().map((r) => r.id),
        ).length === 0,
      {
        timeoutMs: 90_000,
      },
    );
    const starts = records.read().filter((r) => r.event === 'start');
    expect(starts.filter((r) => r.at < (runAt.get(r.id) ?? 0))).toEqual([]);
    expect(duplicateIds(done().map((r) => r.id))).toEqual([]);
  });
});
