import {
  ConfigError,
  DecodeError,
  LockBusyError,
  LockUnavailableError,
  RegistryUnavailableError,
  ServiceRefusedError,
  isRetriable,
} from '../errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Backoff before the second attempt; doubles each time, with full jitter (default 1 s). */
  readonly minDelayMs?: number;
  /** Cap of the backoff (default 5 min). */
  readonly maxDelayMs?: number;
  /**
   * false (default): non-blocking retries through `<topic>.retry.<tier>` topics, like Spring Kafka's retry
   * topics; later tasks of the same key may overtake a failed one. true: the failed task waits in place and
   * holds back later tasks of its key (other keys keep flowing); its partition's commit point waits with it.
   */
  readonly ordered?: boolean;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly ordered: boolean;
}

export function retryPolicy(options: RetryOptions = {}, where = 'retry'): RetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? 3,
    minDelayMs: options.minDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
    ordered: options.ordered ?? false,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new ConfigError(`${where}.maxAttempts must be an integer of 1 or more, got ${policy.maxAttempts}`);
  }
  if (!(policy.minDelayMs >= 0) || !(policy.maxDelayMs >= policy.minDelayMs)) {
    throw new ConfigError(
      `${where}: need 0 <= minDelayMs <= maxDelayMs, got ${policy.minDelayMs} and ${policy.maxDelayMs}`,
    );
  }
  return policy;
}

/**
 * What a task does when its lock is busy. 'wait' (default): retry in place after backoff; later tasks of its
 * key wait behind it. 'reschedule': hand it off to a retry tier, so its partition and key move on.
 */
export type LockOnBusy = 'wait' | 'reschedule';

/** `reschedule`: hand off to the retry tier that fits `delayMs`, keeping the attempt number. */
export type FailureAction =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly consumesAttempt: boolean }
  | { readonly kind: 'reschedule'; readonly delayMs: number }
  | { readonly kind: 'dead-letter' };

/** Exponential backoff with full jitter: uniform in [0, min(max, min * 2^(attempt-1))], at least 1 ms. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(random() * ceiling));
}

/**
 * The retry decision as a table (tested as such). A busy lock's backoff grows with the attempt plus the times
 * the task was already postponed, so a task waiting out a long-held lock asks less and less often:
 * | failure                                   | action                                                 |
 * | aborted by shutdown or a revoked partition | retry in place, attempt not counted (never committed:  |
 * |   (SHUTDOWN)                              |   the next owner runs it; no copy anywhere)            |
 * | lock busy, lock.onBusy 'reschedule'       | hand off to a retry tier, attempt not counted          |
 * | registry unreachable, lock busy ('wait'), | retry in place, attempt not counted, never dead-letter |
 * |   Redis unable to grant the lock, a       |                                                        |
 * |   service refusing credentials or TLS     |                                                        |
 * | bytes that do not decode                  | dead-letter at once                                    |
 * | retriable: false (UnrecoverableError, …)  | dead-letter at once                                    |
 * | anything else, attempts left              | retry after backoff                                    |
 * | anything else, attempts used up           | dead-letter                                            |
 */
export function decideFailure(
  err: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  onBusy: LockOnBusy = 'wait',
  postponed = 0,
): FailureAction {
  const code = (err as { code?: unknown } | null)?.code;
  // The task did not fail: this process let go of it. A dead letter or retry copy here would duplicate a task
  // whose offset stays uncommitted, which the partition's next owner (or this worker after a restart) runs.
  if (code === 'SHUTDOWN') return { kind: 'retry', delayMs: 0, consumesAttempt: false };
  if (err instanceof LockBusyError) {
    const delayMs = backoffMs(policy, Math.min(attempt + postponed, 6), random);
    // Only a busy lock: while Redis cannot grant locks at all, a hand-off would just move the wait elsewhere.
    return onBusy === 'reschedule'
      ? { kind: 'reschedule', delayMs }
      : { kind: 'retry', delayMs, consumesAttempt: false };
  }
  // A service refusing our credentials or TLS is the deployment's to fix, not the task's: it waits, as for an outage.
  if (
    err instanceof RegistryUnavailableError ||
    err instanceof ServiceRefusedError ||
    err instanceof LockUnavailableError
  ) {
    return { kind: 'retry', delayMs: backoffMs(policy, Math.min(attempt, 6), random), consumesAttempt: false };
  }
  if (err instanceof DecodeError || !isRetriable(err)) return { kind: 'dead-letter' };
  if (attempt >= policy.maxAttempts) return { kind: 'dead-letter' };
  return { kind: 'retry', delayMs: backoffMs(policy, attempt, random), consumesAttempt: true };
}
