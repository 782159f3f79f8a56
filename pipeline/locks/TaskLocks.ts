import type { Redis } from 'ioredis';
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from 'redlock';
import { LockBusyError, LockLostError, LockUnavailableError } from '../errors.js';
import { nextFencingToken } from './fencingToken.js';

export interface HeldLock {
  /** Grows with every grant of this lock key: a store can refuse writes carrying an older token. */
  readonly fencingToken: number;
  release(): Promise<void>;
}

/**
 * Locks on Redlock (one Redis node here: it is mutual exclusion for efficiency, not for correctness). The
 * holder extends the lease while its handler runs; if an extension fails, `onLost` fires so the handler's
 * signal aborts. The fencing token (a counter per key, incremented after each grant and reseeded from the
 * Redis clock if Redis lost it: see fencingToken.ts) is what makes a stalled holder harmless to a store that
 * checks it: its token is older than the next holder's.
 */
export class TaskLocks {
  private readonly redlock: Redlock;

  constructor(private readonly redis: Redis) {
    this.redlock = new Redlock([redis], { retryCount: 0, driftFactor: 0.01 });
    // Redlock emits errors of its own for failed extensions; ours are reported through onLost.
    this.redlock.on('error', () => undefined);
  }

  async acquire(lockKey: string, leaseMs: number, onLost: (err: LockLostError) => void): Promise<HeldLock> {
    let lock: Lock;
    try {
      lock = await this.redlock.acquire([`taskstream:lock:${lockKey}`], leaseMs);
    } catch (err) {
      throw (await isBusy(err)) ? new LockBusyError(lockKey) : new LockUnavailableError(lockKey, err);
    }
    let fencingToken: number;
    try {
      fencingToken = await nextFencingToken(this.redis, lockKey);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw new LockUnavailableError(lockKey, err);
    }
    let released = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      // Extend when a third of the lease is left.
      timer = setTimeout(extend, Math.max(10, lock.expiration - Date.now() - leaseMs / 3));
    };
    const extend = (): void => {
      lock.extend(leaseMs).then(
        (extended) => {
          lock = extended;
          if (!released) schedule();
        },
        (err: unknown) => {
          if (!released) onLost(new LockLostError(lockKey, err));
        },
      );
    };
    schedule();
    return {
      fencingToken,
      release: async () => {
        released = true;
        clearTimeout(timer);
        await lock.release().catch(() => undefined);
      },
    };
  }
}

async function isBusy(err: unknown): Promise<boolean> {
  if (!(err instanceof ExecutionError)) return false;
  for (const attempt of err.attempts) {
    const stats = await attempt;
    for (const e of stats.votesAgainst.values()) if (e instanceof ResourceLockedError) return true;
  }
  return false;
}
