import { createLogger, handle, TaskProducer, Worker } from '../../pipeline/index.js';
import { benchTask } from '../runtime/benchTask.js';
import type { LatencyRun } from './openLoop.js';

/**
 * taskstream: single `enqueue` calls and a Worker with defaults in the same process; dedupe on as a task type has
 * it unless it opts out, or off to show what it adds.
 */
export async function taskstreamLatency(name: string, dedupe: boolean): Promise<LatencyRun> {
  const task = benchTask(name, { with: dedupe ? ['dedupe'] : [] });
  const logger = createLogger();
  logger.level = 'warn';
  const producer = new TaskProducer({ logger });
  await producer.enqueue(task, { n: -1, key: 'warm', sentAt: Date.now() });
  const starts: number[] = [];
  const worker = new Worker({
    groupPrefix: `bench-lat-${Date.now()}`,
    logger,
    handlers: [
      handle(task, (t) => {
        if (t.n >= 0) starts.push(Date.now() - t.sentAt);
      }),
    ],
  });
  await worker.start();
  return {
    starts,
    send: (n, due) => producer.enqueue(task, { n, key: `k${n % 100}`, sentAt: due }),
    close: async () => {
      await worker.close();
      await producer.close();
    },
  };
}
