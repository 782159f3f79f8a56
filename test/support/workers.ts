import { Worker, type WorkerOptions } from '../../pipeline/index.js';
import { onCleanup, uniqueName } from './resources.js';

/** A worker with a group of its own, closed after the test. */
export async function startWorker(
  options: Omit<WorkerOptions, 'groupPrefix'> & { groupPrefix?: string },
): Promise<Worker> {
  const worker = new Worker({ groupPrefix: uniqueName('g'), shutdownDeadlineMs: 5000, ...options });
  onCleanup(() => worker.close());
  // A test fails on unexpected error events rather than swallowing them.
  worker.on('error', ({ error, restarting }) => {
    if (!restarting) throw error;
  });
  await worker.start();
  return worker;
}
