import { TaskstreamError } from './TaskstreamError.js';

/** Thrown by a handler to say: do not retry, dead-letter now (BullMQ's UnrecoverableError). */
export class UnrecoverableError extends TaskstreamError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('UNRECOVERABLE', message, { retriable: false, cause: options.cause });
  }
}

export class HandlerTimeoutError extends TaskstreamError {
  constructor(readonly timeoutMs: number) {
    super('HANDLER_TIMEOUT', `handler did not finish within ${timeoutMs} ms`, { retriable: true });
  }
}

/** The lock is held by someone else; the task waits or is rescheduled without using an attempt. */
export class LockBusyError extends TaskstreamError {
  constructor(readonly lockKey: string) {
    super('LOCK_BUSY', `lock "${lockKey}" is held by another worker`, { retriable: true });
  }
}

/** Redis could not grant or keep the lock; retried later, never dead-lettered for it. */
export class LockUnavailableError extends TaskstreamError {
  constructor(lockKey: string, cause: unknown) {
    super('LOCK_UNAVAILABLE', `lock "${lockKey}" could not be taken: Redis did not answer`, { retriable: true, cause });
  }
}

/** The lease could not be extended (it expired during a stall, was overwritten, or Redis lost it). */
export class LockLostError extends TaskstreamError {
  constructor(lockKey: string, cause?: unknown) {
    super('LOCK_LOST', `lock "${lockKey}" was lost while the handler ran`, { retriable: true, cause });
  }
}
