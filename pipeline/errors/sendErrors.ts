import { TaskstreamError } from './TaskstreamError.js';

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
