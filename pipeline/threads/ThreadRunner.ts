import type { TransferListItem } from 'node:worker_threads';
import type { TaskContext, TaskHandler } from '../runtime/TaskContext.js';
import type { PayloadOf, TaskDefinition } from '../task/defineTask.js';
import type { ThreadPool } from './ThreadPool.js';
import type { ThreadFunction, ThreadInput, ThreadOutput } from './ThreadPoolSpec.js';

/** A handler's way into its binding's thread pool, tied to the attempt's signal. */
export interface ThreadRunner<F extends ThreadFunction> {
  /**
   * Runs the thread file's function on `input` in a free thread. The attempt's `ctx.signal` (its timeout, a
   * shutdown, a lost partition or lock) comes along: it drops a call still waiting for a thread and terminates
   * a running one. Rejects with the thread's error, class name, code and retriable flag as thrown there.
   */
  run(input: ThreadInput<F>, options?: { readonly transfer?: readonly TransferListItem[] }): Promise<ThreadOutput<F>>;
}

/** A handler that does its CPU-heavy part in threads: it gets the runner as its third argument. */
export type ThreadedHandler<T extends TaskDefinition, F extends ThreadFunction> = (
  payload: PayloadOf<T>,
  ctx: TaskContext,
  threads: ThreadRunner<F>,
) => Promise<void> | void;

/** The handler as the runtime calls it, with a runner on `pool` made for each attempt. */
export function withThreads<T extends TaskDefinition>(
  handler: ThreadedHandler<T, ThreadFunction>,
  pool: ThreadPool,
): TaskHandler<T> {
  return (payload, ctx) =>
    handler(payload, ctx, {
      run: (input, options) => pool.run(input, { signal: ctx.signal, transfer: options?.transfer }),
    });
}
