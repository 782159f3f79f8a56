// Guarantee: memory stays bounded whatever the backlog, and pausing/resuming partitions skips or repeats no offset.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets, endOffsets } from '../../support/groups.js';
import { uniqueName, using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('backpressure', () => {
  it('never holds more tasks than maxHeldTasks with a slow handler and a 200,000-task backlog', async () => {
    const task = noteTask({ partitions: 6, concurrency: 20 });
    const producer = await using(new TaskProducer());
    const total = 200_000;
    // Chunks of 6,000 make record batches of about 1,000 records a partition, well under the fetch size: Kafka
    // returns a first batch whole even when it is larger, which would blur the byte bound asserted below.
    const chunk = 6_000;
    for (let from = 0; from < total; from += chunk) {
      await producer.enqueueMany(
        task,
        Array.from({ length: chunk }, (_, i) => ({ id: `t${from + i}`, key: `k${(from + i) % 500}`, seq: from + i })),
      );
    }
    const maxHeldTasks = 2000;
    const fetchBytesPerPartition = 256 * 1024;
    let completed = 0;
    const worker = await startWorker({
      maxHeldTasks,
      maxHeldPerPartition: 500,
      fetchBytesPerPartition,
      handlers: [
        handle(task, async () => {
          await new Promise((r) => setTimeout(r, 2));
          completed++;
        }),
      ],
    });
    let sampledMax = 0;
    let bufferedMax = 0;
    let bufferedBytesMax = 0;
    const sampler = setInterval(() => {
      const { held, buffered, bufferedBytes } = worker.stats();
      sampledMax = Math.max(sampledMax, held);
      bufferedMax = Math.max(bufferedMax, buffered);
      bufferedBytesMax = Math.max(bufferedBytesMax, bufferedBytes);
    }, 5);
    await waitFor('a few thousand tasks through the bound', () => completed >= 5000, { timeoutMs: 90_000 });
    clearInterval(sampler);
    const stats = worker.stats();
    process.stdout.write(
      `backpressure: peak held ${stats.peakHeld} (bound ${maxHeldTasks}), peak buffered ${bufferedMax} records (${bufferedBytesMax} bytes), rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB, completed ${completed}\n`,
    );
    expect(stats.peakHeld).toBeLessThanOrEqual(maxHeldTasks);
    expect(sampledMax).toBeLessThanOrEqual(maxHeldTasks);
    expect(stats.peakHeld).toBeGreaterThan(maxHeldTasks / 2); // the bound was reached, not merely never approached
    // Fetched records waiting for room are bounded too, by the fetch size and not the backlog: per partition at
    // most one fetch, plus the half of its bound it may hold when resumed (far below a fetch in bytes here).
    expect(bufferedBytesMax).toBeLessThanOrEqual(task.partitions * 2 * fetchBytesPerPartition);
    expect(bufferedBytesMax).toBeGreaterThan(0); // it did buffer: the bound was exercised
  });

  it('processes every offset exactly once through many pause and resume cycles', async () => {
    const task = noteTask({ partitions: 3, concurrency: 8 });
    const producer = await using(new TaskProducer());
    const total = 3000;
    await producer.enqueueMany(
      task,
      Array.from({ length: total }, (_, i) => ({ id: `t${i}`, key: `k${i % 30}`, seq: i })),
    );
    const seen = new Map<string, number>();
    const groupPrefix = uniqueName('g');
    const worker = await startWorker({
      groupPrefix,
      maxHeldTasks: 60,
      maxHeldPerPartition: 20,
      commitIntervalMs: 100,
      handlers: [
        handle(task, async (_note, ctx) => {
          await new Promise((r) => setTimeout(r, Math.random() * 2));
          const at = `${ctx.partition}:${ctx.offset}`;
          seen.set(at, (seen.get(at) ?? 0) + 1);
        }),
      ],
    });
    // A rebalance (a member evicted on a loaded machine, say) legitimately redelivers what was not committed:
    // exactly once holds only while this worker keeps its partitions, which is what pause and resume must not break.
    let revocations = 0;
    worker.on('partitions:revoked', () => revocations++);
    await waitFor('every task handled', () => seen.size >= total, { timeoutMs: 90_000 });
    const ends = await endOffsets(task.topic);
    for (const [partition, end] of ends) {
      for (let o = 0n; o < end; o++) {
        const times = seen.get(`${partition}:${o}`);
        if (revocations === 0) expect(times, `partition ${partition} offset ${o}`).toBe(1);
        else
          expect(times, `partition ${partition} offset ${o} (after ${revocations} revocations)`).toBeGreaterThanOrEqual(
            1,
          );
      }
    }
    await waitFor('commits reach the end of every partition', async () => {
      const committed = await committedOffsets(`${groupPrefix}.${task.name}`, task.topic);
      return [...ends].every(([p, end]) => committed.get(p) === end);
    });
  });
});
