import { createLogger, TaskProducer, type DelayOptions } from '../../pipeline/index.js';
import type { benchTask } from './benchTask.js';

/**
 * Enqueues `count` bench tasks (keys over 1,000 values) with enqueueMany in batches of 10,000, before any
 * contender starts; returns the enqueue rate in tasks per second. `delay(n)`, if given, delays task n.
 */
export async function enqueueBacklog(
  task: ReturnType<typeof benchTask>,
  count: number,
  delay?: (n: number) => DelayOptions,
): Promise<number> {
  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  process.stderr.write(`enqueueing ${count} tasks to ${task.topic}…\n`);
  const t0 = performance.now();
  const chunk = 10_000;
  try {
    for (let from = 0; from < count; from += chunk) {
      const n = Math.min(chunk, count - from);
      await producer.enqueueMany(
        task,
        Array.from({ length: n }, (_, i) => ({ n: from + i, key: `k${(from + i) % 1000}`, sentAt: Date.now() })),
        delay ? { delays: Array.from({ length: n }, (_, i) => delay(from + i)) } : {},
      );
    }
    return (count / (performance.now() - t0)) * 1000;
  } finally {
    await producer.close();
  }
}
