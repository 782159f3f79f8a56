import { maskUrl } from '../security/maskUrl.js';
import { TaskstreamError } from './TaskstreamError.js';

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
