import { maskUrl } from './security/maskUrl.js';

/**
 * The one error taxonomy of taskstream. Every error carries a stable `code`, a `retriable` decision and the
 * `cause` it wraps. Dispatch on `instanceof` or `code`, never on message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'SERVICE_UNAVAILABLE'
  | 'AUTH_FAILED'
  | 'TLS_FAILED'
  | 'PAYLOAD_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'RECORD_TOO_LARGE'
  | 'SEND_FAILED'
  | 'DECODE_FAILED'
  | 'SCHEMA_INCOMPATIBLE'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_CONFLICT'
  | 'HANDLER_TIMEOUT'
  | 'UNRECOVERABLE'
  | 'LOCK_BUSY'
  | 'LOCK_UNAVAILABLE'
  | 'LOCK_LOST'
  | 'SHUTDOWN'
  | 'STACK_FAILED'
  | 'DELAY_TOO_LONG'
  | 'CANCEL_FAILED';

export class TaskstreamError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * The code a failure is known by in dead letters, retry copies and metrics alike: the code of an error that
 * follows taskstream's convention (a string `code` and a boolean `retriable`: ours, the shipped consumers', a
 * user's own classes), or HANDLER_ERROR for anything else a handler threw. Codes of other errors (Node's
 * ECONNRESET, a vendor's numbers) would make the metric's label unbounded; they stay in the message and class.
 */
export function failureCode(error: Error): string {
  if (error instanceof TaskstreamError) return error.code;
  const e = error as { code?: unknown; retriable?: unknown };
  return typeof e.code === 'string' && typeof e.retriable === 'boolean' ? e.code : 'HANDLER_ERROR';
}

/** Options are wrong; raised at construction, with what is wrong and how to fix it. */
export class ConfigError extends TaskstreamError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A service (Kafka, registry, Redis) does not answer at its address (a password in it is masked). */
export class ServiceUnavailableError extends TaskstreamError {
  readonly address: string;

  constructor(
    readonly service: string,
    address: string,
    cause?: unknown,
    /** The service did answer, with this refusal of the moment (a leader or coordinator being elected). */
    notReady?: string,
  ) {
    const shown = maskUrl(address);
    super(
      'SERVICE_UNAVAILABLE',
      notReady === undefined
        ? `${service} does not answer at ${shown}; start the local stack with \`npx taskstream stack up\` (or set the address)`
        : `${service} at ${shown} answered but cannot serve yet (${notReady}); a failover is under way: try again`,
      { retriable: true, cause },
    );
    this.address = shown;
  }
}

/**
 * A service answered and refused us for our settings (credentials, TLS): asking again with the same ones cannot
 * help. One line naming the service, its address (password masked), the reason and which settings to check.
 */
export abstract class ServiceRefusedError extends TaskstreamError {
  readonly address: string;

  protected constructor(
    code: 'AUTH_FAILED' | 'TLS_FAILED',
    readonly service: string,
    address: string,
    what: (shownAddress: string) => string,
    hint: string,
    cause: unknown,
  ) {
    const shown = maskUrl(address);
    super(code, `${what(shown)}; ${hint}`, { cause });
    this.address = shown;
  }
}

/** A service refused our credentials: a SASL login, a registry's basic auth or token, a Redis ACL user. */
export class AuthenticationError extends ServiceRefusedError {
  constructor(service: string, address: string, reason: string, hint: string, cause?: unknown) {
    super(
      'AUTH_FAILED',
      service,
      address,
      (at) => `${service} at ${at} refused the credentials (${maskUrl(reason)})`,
      hint,
      cause,
    );
  }
}

/** TLS failed: a certificate signed by a CA we do not trust, for another name, expired; or a port without TLS. */
export class TlsError extends ServiceRefusedError {
  constructor(service: string, address: string, reason: string, hint: string, cause?: unknown) {
    super(
      'TLS_FAILED',
      service,
      address,
      (at) => `TLS with ${service} at ${at} failed (${maskUrl(reason)})`,
      hint,
      cause,
    );
  }
}

/** A payload the task's Avro schema rejects; nothing was sent. */
export class PayloadInvalidError extends TaskstreamError {
  constructor(
    readonly taskType: string,
    readonly problems: readonly { path: string; reason: string }[],
  ) {
    super(
      'PAYLOAD_INVALID',
      `payload for task "${taskType}" does not match its schema: ` +
        problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; '),
    );
  }
}

/**
 * A task larger than its type's `maxBytes`: refused at enqueue (nothing sent), dead-lettered at once by a worker
 * that meets one written elsewhere. Retrying cannot make it smaller.
 */
export class PayloadTooLargeError extends TaskstreamError {
  constructor(
    readonly taskType: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super('PAYLOAD_TOO_LARGE', `task "${taskType}" is ${bytes} bytes encoded, above its maxBytes ${maxBytes}`, {
      retriable: false,
    });
  }
}

/**
 * A record larger than its topic's max.message.bytes: refused before sending (or by the broker), alone; the other
 * records of its send are not affected. Sending it again cannot help. The message names the record's size as a
 * record batch and the limit; when the broker refused it (`cause` set) they are our count and the limit as last
 * read, which the broker's may differ from (the topic changed, or the broker's own message.max.bytes is lower).
 */
export class RecordTooLargeError extends TaskstreamError {
  constructor(
    readonly topic: string,
    readonly bytes: number | undefined,
    readonly maxBytes: number | undefined,
    cause?: unknown,
  ) {
    super(
      'RECORD_TOO_LARGE',
      cause === undefined
        ? `a record for ${topic} is ${bytes ?? '?'} bytes as a record batch, above the topic's max.message.bytes ${maxBytes ?? '?'}`
        : `Kafka refused a record for ${topic} as larger than the topic allows` +
            (bytes === undefined
              ? ''
              : ` (${bytes} bytes as a record batch; max.message.bytes ${maxBytes ?? 'unknown'} when last read)`),
      { retriable: false, cause },
    );
  }
}

/**
 * Kafka did not acknowledge a record. `maybeStored` says whether it could be in the log anyway: false when the
 * broker answered with a refusal or the record was never sent; true when no answer came (a broker died with the
 * request in flight), so a resend may store it twice (a stable task id lets dedupe run it once).
 */
export class SendFailedError extends TaskstreamError {
  constructor(
    readonly topic: string,
    readonly maybeStored: boolean,
    reason: string,
    options: { retriable: boolean; cause?: unknown },
  ) {
    super(
      'SEND_FAILED',
      `Kafka did not acknowledge a record for ${topic} (${reason}); ` +
        (maybeStored ? 'it may or may not be stored' : 'it was not stored'),
      options,
    );
  }
}

/** Bytes that are not a task: not Confluent-framed, unknown schema id, truncated Avro. Goes to the DLQ at once. */
export class DecodeError extends TaskstreamError {
  constructor(message: string, cause?: unknown) {
    super('DECODE_FAILED', message, { retriable: false, cause });
  }
}

/** The registry refused a schema change; the message carries the registry's reason. */
export class SchemaIncompatibleError extends TaskstreamError {
  constructor(subject: string, reason: string, cause?: unknown) {
    super('SCHEMA_INCOMPATIBLE', `schema for subject "${subject}" was refused by the registry: ${reason}`, { cause });
  }
}

/** The registry did not answer; always transient: a task never goes to the DLQ for this. */
export class RegistryUnavailableError extends TaskstreamError {
  constructor(url: string, cause?: unknown) {
    super('REGISTRY_UNAVAILABLE', `schema registry at ${maskUrl(url)} did not answer`, { retriable: true, cause });
  }
}

/**
 * The registry refused a change because another one to the same subject landed at the same moment (two processes
 * registering a new subject at once) and kept doing so through taskstream's own retries. Asking again succeeds.
 */
export class RegistryConflictError extends TaskstreamError {
  constructor(subject: string, reason: string, cause?: unknown) {
    super(
      'REGISTRY_CONFLICT',
      `registering a schema for subject "${subject}" collided with another change: ${reason}`,
      {
        retriable: true,
        cause,
      },
    );
  }
}

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

export class StackError extends TaskstreamError {
  constructor(message: string, cause?: unknown) {
    super('STACK_FAILED', message, { cause });
  }
}

/** Never throws, whatever it is given. Errors from elsewhere count as retriable unless they say otherwise. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof TaskstreamError) return err.retriable;
  try {
    if (typeof err === 'object' && err !== null && 'retriable' in err) {
      return (err as { retriable: unknown }).retriable !== false;
    }
  } catch {
    /* a throwing getter says nothing either way */
  }
  return true;
}

/**
 * Turns any thrown value (a string, undefined, null, a plain object) into an Error with a non-empty message,
 * keeping the original as `cause` (graphile-worker's coerceError) and its retry decision.
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error && thrown.message) return thrown;
  const message =
    thrown instanceof Error
      ? `${thrown.name || 'Error'} with an empty message`
      : `non-Error thrown: ${describe(thrown)}`;
  const err = new Error(message, { cause: thrown }) as Error & { retriable?: boolean; code?: unknown };
  err.name = thrown instanceof Error ? thrown.name || 'Error' : 'NonErrorThrown';
  // A wrapper must not turn "do not retry" into "retry".
  if (!isRetriable(thrown)) err.retriable = false;
  if (thrown instanceof TaskstreamError) err.code = thrown.code;
  return err;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? '(empty string)' : JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    /* circular: fall through */
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
