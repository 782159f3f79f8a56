import { Redis } from 'ioredis';
import { AuthenticationError, ServiceUnavailableError, TlsError, type TaskstreamError } from '../errors.js';
import { tlsFailureOf, tlsHint } from '../security/tlsFailure.js';
import type { Logger } from '../logging/logger.js';
import { maskUrl } from '../security/maskUrl.js';

export function redisUrlFromEnv(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A Redis client for coordination state (locks, fencing counters, dedupe marks, shared rate limits).
 * Commands fail fast while Redis is down instead of queueing without bound, so callers can retry later.
 * `rediss://` speaks TLS (system CAs) and `redis://user:password@host` logs in as an ACL user, as ioredis
 * reads them from the URL.
 */
export function createRedis(url = redisUrlFromEnv(), log?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const shown = maskUrl(url);
  // Connection errors surface as failed commands (handled where they happen); one log line per outage is enough.
  let reported = false;
  redis.on('error', (err: Error) => {
    hideLoginArguments(err);
    connectionErrors.set(redis, err);
    if (!reported) log?.warn({ err, url: shown }, 'Redis connection failed; retrying');
    reported = true;
  });
  redis.on('ready', () => {
    reported = false;
    connectionErrors.delete(redis);
  });
  return redis;
}

/**
 * The last connection error of each client: a command failing while the connection cannot be made says only that
 * it ran out of retries, and the reason (a TLS certificate refused, say) is in the error event before it.
 */
const connectionErrors = new WeakMap<Redis, Error>();

/**
 * A refused login (WRONGPASS) carries the HELLO or AUTH command that failed, password included, and ioredis hands
 * that same error to every command waiting on the connection. The 'error' event comes first, so masking it there
 * keeps the password out of every log line and `cause` that error reaches.
 */
function hideLoginArguments(err: Error): void {
  const command = (err as { command?: { name?: unknown; args?: unknown } }).command;
  if (!command || !Array.isArray(command.args)) return;
  const name = String(command.name).toLowerCase();
  const args = command.args as unknown[];
  // AUTH [user] password; HELLO protover AUTH user password [SETNAME name]
  let at = -1;
  if (name === 'auth') at = args.length - 1;
  if (name === 'hello') {
    const auth = args.findIndex((a) => /^auth$/i.test(String(a)));
    if (auth >= 0) at = auth + 2;
  }
  if (at >= 0 && at < args.length) args[at] = '***';
}

/**
 * Fails with one line naming the address (password masked) when Redis does not answer, refuses the login or
 * refuses TLS.
 */
export async function pingRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.ping();
  } catch (err) {
    throw redisFailure(url, err, redis);
  }
}

/** A failed Redis call as the error a user acts on: the login or TLS refused, else Redis away. */
export function redisFailure(url: string, err: unknown, redis?: Redis): TaskstreamError {
  const message = err instanceof Error ? err.message : String(err);
  if (/^(WRONGPASS|NOAUTH|NOPERM)/.test(message)) {
    return new AuthenticationError(
      'Redis',
      url,
      message,
      'check the user and password in REDIS_URL (redis://user:password@host:port)',
      err,
    );
  }
  const tls = tlsFailureOf(err) ?? tlsFailureOf(redis && connectionErrors.get(redis));
  if (tls) {
    const hint = tlsHint(tls.problem, 'for rediss://, NODE_EXTRA_CA_CERTS=<CA file> when the process starts');
    return new TlsError('Redis', url, tls.reason, hint, err);
  }
  return new ServiceUnavailableError('Redis', url, err);
}
