import { TaskstreamError } from '../errors.js';
import type { Enqueued } from './TaskProducer.js';

/** One task of an `enqueueMany`: stored where it says, or not, and why. */
export type EnqueueResult =
  { readonly ok: true; readonly enqueued: Enqueued } | { readonly ok: false; readonly error: TaskstreamError };

/**
 * Some tasks of an `enqueueMany` were not acknowledged. `results` has one entry per payload, in order: a caller
 * resends exactly the failed ones (those with `error.maybeStored` may be stored already; give tasks stable ids so
 * a worker's dedupe runs them once). After the first failed request nothing later is sent, so a key's tasks are
 * never stored out of order. Carries the first failure's code; retriable when every failure is.
 */
export class EnqueueManyError extends TaskstreamError {
  readonly failed: number;

  constructor(
    readonly taskType: string,
    readonly results: readonly EnqueueResult[],
  ) {
    const failures = results.flatMap((r) => (r.ok ? [] : [r.error]));
    const first = failures[0] as TaskstreamError;
    super(
      first.code,
      `${failures.length} of ${results.length} tasks of "${taskType}" were not enqueued; the first: ${first.message}`,
      { retriable: failures.every((e) => e.retriable), cause: first },
    );
    this.failed = failures.length;
  }
}
