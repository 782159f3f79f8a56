import type { IncomingRecord, OutgoingRecord } from '../kafka/records.js';
import { failureCode } from '../errors.js';
import { HEADER } from '../task/headers.js';
import { DLQ_HEADER, dlqTopicOf } from './handOffHeaders.js';

/**
 * The copies a failed task is handed off as: to a retry tier, or to the dead-letter topic. Both keep the
 * payload bytes exactly as they came (a replay is byte-for-byte) and record where the task came from and why
 * it failed.
 */
export const HANDOFF_HEADER = DLQ_HEADER;

const STACK_LIMIT = 2000;

export interface FailedTask {
  readonly record: IncomingRecord;
  readonly taskId: string;
  readonly attempt: number;
  /** Times it was held back without running before this failure (see HEADER.postponed). */
  readonly postponed?: number;
  readonly error: Error;
  readonly workerId: string;
}

function errorHeaders(f: FailedTask, now: number): Record<string, string> {
  const { record, error } = f;
  const e = error as Error & { retriable?: unknown };
  // A retry copy already names its origin; keep the first one, not the retry topic.
  const origin = record.headers[HANDOFF_HEADER.originalTopic] === undefined;
  return {
    ...record.headers,
    [HEADER.id]: f.taskId,
    [HANDOFF_HEADER.errorClass]: error.name,
    [HANDOFF_HEADER.errorCode]: failureCode(error),
    [HANDOFF_HEADER.errorMessage]: error.message,
    [HANDOFF_HEADER.errorStack]: (error.stack ?? '').slice(0, STACK_LIMIT),
    [HANDOFF_HEADER.retriable]: String(e.retriable !== false),
    [HANDOFF_HEADER.attempts]: String(f.attempt),
    [HANDOFF_HEADER.firstFailedAt]: record.headers[HANDOFF_HEADER.firstFailedAt] ?? new Date(now).toISOString(),
    ...(origin
      ? {
          [HANDOFF_HEADER.originalTopic]: record.topic,
          [HANDOFF_HEADER.originalPartition]: String(record.partition),
          [HANDOFF_HEADER.originalOffset]: record.offset,
          [HANDOFF_HEADER.originalTimestamp]: record.timestamp,
        }
      : {}),
    [HANDOFF_HEADER.workerId]: f.workerId,
    [HANDOFF_HEADER.failedAt]: new Date(now).toISOString(),
  };
}

/**
 * The copy for the next attempt: attempt + 1, due at now + delay. With `consumesAttempt: false` (a task
 * rescheduled because its lock was busy, its handler never ran) the copy keeps the current attempt number and
 * counts one more postponement, so its next wait for the lock is longer.
 */
export function retryCopy(
  f: FailedTask,
  topic: string,
  delayMs: number,
  now = Date.now(),
  consumesAttempt = true,
): OutgoingRecord {
  return {
    topic,
    key: f.record.key,
    value: f.record.value,
    headers: {
      ...errorHeaders(f, now),
      [HEADER.attempt]: String(consumesAttempt ? f.attempt + 1 : f.attempt),
      ...(consumesAttempt ? {} : { [HEADER.postponed]: String((f.postponed ?? 0) + 1) }),
      [HANDOFF_HEADER.notBefore]: String(now + delayMs),
    },
  };
}

/**
 * The dead letter of a record too large for the dead-letter topic: everything but the value, which is still in
 * the source topic at the original offset the headers name (until retention removes it).
 */
export function deadLetterWithoutValue(f: FailedTask, now = Date.now()): OutgoingRecord {
  const copy = deadLetterCopy(f, now);
  return {
    ...copy,
    value: null,
    headers: { ...copy.headers, [HANDOFF_HEADER.valueDroppedBytes]: String(f.record.value?.length ?? 0) },
  };
}

export function deadLetterCopy(f: FailedTask, now = Date.now()): OutgoingRecord {
  const headers = errorHeaders(f, now);
  delete headers[HANDOFF_HEADER.notBefore];
  return {
    topic: dlqTopicOf(f.record.headers[HANDOFF_HEADER.originalTopic] ?? f.record.topic),
    key: f.record.key,
    value: f.record.value,
    headers,
  };
}
