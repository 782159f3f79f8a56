import { Worker, type WorkerOptions } from '../../pipeline/index.js';
import { onCleanup, uniqueName } from './resources.js';

/**
 * A worker with a group of its own, closed after the test. `listen` attaches listeners before it starts: a
 * worker may run its first tasks before `start()` resolves (its main group can be fetching while its retry
 * group still joins), and an event emitted with no listener is gone.
 */
export async function startWorker(
  options: Omit<WorkerOptions, 'groupPrefix'> & { groupPrefix?: string },
  listen?: (worker: Worker) => void,
): Promise<Worker> {
  const worker = new Worker({ groupPrefix: uniqueName('g'), shutdownDeadlineMs: 5000, ...options });
  onCleanup(() => worker.close());
  // A test fails on unexpected error events rather than swallowing them.
  worker.on('error', ({ error, restarting }) => {
    if (!restarting) throw error;
  });
  listen?.(worker);
  await worker.start();
  return worker;
}
