import type { Enqueued, InputOf, TaskDefinition, TaskProducer } from '../../pipeline/index.js';
import { EnqueueManyError } from '../../pipeline/index.js';

export interface LoadResult {
  /** Acknowledged tasks by id, with where enqueue said they are. */
  readonly acknowledged: Map<string, Enqueued>;
  /** Tasks whose enqueue failed, by id: `maybeStored` when no answer came, so they may be in the log anyway. */
  readonly failed: Map<string, { readonly maybeStored: boolean; readonly message: string }>;
}

export interface EnqueueLoad {
  /** Stops starting new enqueues and waits for those under way. */
  stop(): Promise<LoadResult>;
  readonly result: LoadResult;
}

/**
 * Enqueues tasks without pause until stopped, both ways at once, as a busy application would: `singles` loops of
 * single `enqueue` calls (which share requests through the producer's linger) and one loop of `enqueueMany`
 * calls of `batch` tasks, each loop pausing `pauseMs` between calls (0: none, as fast as the producer goes).
 * `payload(i)` makes task i; its `id` field names it.
 */
export function startEnqueueLoad<T extends TaskDefinition>(
  producer: TaskProducer,
  task: T,
  payload: (i: number) => InputOf<T> & { id: string },
  { singles = 20, batch = 500, pauseMs = 0 }: { singles?: number; batch?: number; pauseMs?: number } = {},
): EnqueueLoad {
  const result: LoadResult = { acknowledged: new Map(), failed: new Map() };
  let next = 0;
  let running = true;
  const fail = (id: string, err: unknown) => {
    const e = err as { maybeStored?: boolean; message?: string };
    result.failed.set(id, { maybeStored: e.maybeStored !== false, message: e.message ?? String(err) });
  };
  const pause = () => (pauseMs > 0 ? new Promise((r) => setTimeout(r, pauseMs)) : Promise.resolve());
  const singleLoop = async () => {
    while (running) {
      await pause();
      const p = payload(next++);
      await producer.enqueue(task, p).then(
        (e) => result.acknowledged.set(p.id, e),
        (err: unknown) => fail(p.id, err),
      );
    }
  };
  const manyLoop = async () => {
    while (running) {
      await pause();
      const payloads = Array.from({ length: batch }, () => payload(next++));
      try {
        const enqueued = await producer.enqueueMany(task, payloads);
        enqueued.forEach((e, i) => result.acknowledged.set((payloads[i] as { id: string }).id, e));
      } catch (err) {
        if (!(err instanceof EnqueueManyError)) {
          for (const p of payloads) fail(p.id, err);
          continue;
        }
        err.results.forEach((r, i) => {
          const id = (payloads[i] as { id: string }).id;
          if (r.ok) result.acknowledged.set(id, r.enqueued);
          else fail(id, r.error);
        });
      }
    }
  };
  const loops = [...Array.from({ length: singles }, singleLoop), manyLoop()];
  return {
    result,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}
