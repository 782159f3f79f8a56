import type { Redis } from 'ioredis';

export function leaseKey(group: string): string {
  return `taskstream:scheduler:${group}:lease`;
}

/**
 * KEYS[1] the lease key. ARGV[1] the holder's token, ARGV[2] the lease in ms.
 * Returns 1 when the lease is ours afterwards: extended when the key carries our token, taken when the key is
 * free; 0 when another token holds it. One script for both, so a holder whose renewal failed once (its local
 * view dropped, the key still its own) renews instead of locking itself out until the key expires, and a
 * PEXPIRE never follows a separate GET (which could extend a successor's lease).
 */
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/**
 * KEYS[1] the lease key. ARGV[1] the holder's token.
 * Returns 1 when the lease was ours and is now deleted, 0 when it was not ours (left alone).
 */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * "The scheduler lease": one key per scheduler group, set with NX PX to a token naming its holder. Only the
 * holder fires. Validity is tracked locally from the moment each request was SENT, so the local view always
 * expires before the key in Redis does; a renewal that fails for any reason drops it at once (a holder that
 * cannot reach Redis cannot prove it still holds the lease, and another instance may take over after expiry).
 */
export class SchedulerLease {
  private validUntil = 0;

  constructor(
    private readonly redis: Redis,
    readonly group: string,
    readonly token: string,
    readonly leaseMs: number,
  ) {}

  /** Whether this instance may fire now. */
  isHeld(now = Date.now()): boolean {
    return now < this.validUntil;
  }

  /**
   * Takes the lease if free, or extends it if ours. Returns whether we hold it afterwards; throws when Redis
   * does not answer (after dropping the local lease).
   */
  async hold(): Promise<boolean> {
    const sentAt = Date.now();
    try {
      const held = (await this.redis.eval(HOLD, 1, leaseKey(this.group), this.token, this.leaseMs)) === 1;
      // A 1% margin for clock drift between us and Redis, as Redlock's driftFactor does.
      this.validUntil = held ? sentAt + this.leaseMs * 0.99 - 2 : 0;
      return held;
    } catch (err) {
      this.validUntil = 0;
      throw err;
    }
  }

  /** Stops firing at once, without touching Redis (the claim script refused our token: someone else holds it). */
  drop(): void {
    this.validUntil = 0;
  }

  /** Gives the lease up so another instance can take over without waiting for expiry. */
  async release(): Promise<void> {
    this.validUntil = 0;
    // Even when our local view lapsed: the key may still carry our token, and the script deletes only that.
    await this.redis.eval(RELEASE, 1, leaseKey(this.group), this.token);
  }
}

/** The token of the instance holding a group's lease, or undefined when none does. */
export async function leaseHolder(redis: Redis, group: string): Promise<string | undefined> {
  return (await redis.get(leaseKey(group))) ?? undefined;
}
