import type { IncomingRecord, OutgoingRecord } from '../../../pipeline/kafka/records.js';
import { DLQ_HEADER } from '../../../pipeline/retry/handOffHeaders.js';
import { defaultTaskId, HEADER } from '../../../pipeline/task/headers.js';

/**
 * Set on a task copied back from the dead-letter topic: `<partition>:<offset>` of the dead letter it came
 * from (the DLQ has as many partitions as the task's topic, so an offset alone would be ambiguous; the value
 * is also what `taskstream dlq show <type>` takes).
 */
export const REPLAYED_FROM_HEADER = 'ts-replayed-from';

/** What `dlq list` shows of one dead letter, read from its headers. */
export interface DeadLetterRow {
  readonly partition: number;
  readonly offset: string;
  readonly taskId: string;
  readonly key: string | null;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number | null;
  /** ISO time of the failure that dead-lettered it (the record's timestamp when the header is missing). */
  readonly failedAt: string;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
}

export function rowOf(record: IncomingRecord): DeadLetterRow {
  const h = record.headers;
  const originalTopic = h[DLQ_HEADER.originalTopic] ?? null;
  const originalPartition = h[DLQ_HEADER.originalPartition];
  const originalOffset = h[DLQ_HEADER.originalOffset] ?? null;
  const fallbackId =
    originalTopic !== null && originalPartition !== undefined && originalOffset !== null
      ? defaultTaskId(originalTopic, Number(originalPartition), originalOffset)
      : '-';
  const attempts = Number(h[DLQ_HEADER.attempts]);
  const failed = Date.parse(h[DLQ_HEADER.failedAt] ?? '');
  return {
    partition: record.partition,
    offset: record.offset,
    taskId: h[HEADER.id] ?? fallbackId,
    key: record.key === null ? null : record.key.toString(),
    errorClass: h[DLQ_HEADER.errorClass] ?? '',
    errorCode: h[DLQ_HEADER.errorCode] ?? '',
    errorMessage: h[DLQ_HEADER.errorMessage] ?? '',
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : null,
    failedAt: new Date(Number.isNaN(failed) ? Number(record.timestamp) : failed).toISOString(),
    originalTopic,
    originalPartition: originalPartition === undefined ? null : Number(originalPartition),
    originalOffset,
  };
}

/** `dlq list` / `dlq replay` filters; every one given must match. */
export interface DeadLetterFilter {
  /** Case-insensitive substring of the error class or message. */
  readonly error?: string;
  /** Failed at or after (epoch ms). */
  readonly since?: number;
  /** Failed before (epoch ms). */
  readonly until?: number;
  /** Exactly one of these task ids. */
  readonly taskIds?: readonly string[];
  /** Exactly these dead letters, as `<partition>:<offset>` (the dashboard's selection). */
  readonly positions?: readonly string[];
}

export function matches(row: DeadLetterRow, filter: DeadLetterFilter): boolean {
  if (filter.error !== undefined) {
    const needle = filter.error.toLowerCase();
    if (!row.errorClass.toLowerCase().includes(needle) && !row.errorMessage.toLowerCase().includes(needle)) {
      return false;
    }
  }
  const at = Date.parse(row.failedAt);
  if (filter.since !== undefined && at < filter.since) return false;
  if (filter.until !== undefined && at >= filter.until) return false;
  if (filter.taskIds !== undefined && filter.taskIds.length > 0 && !filter.taskIds.includes(row.taskId)) return false;
  if (filter.positions !== undefined && !filter.positions.includes(positionOf(row))) return false;
  return true;
}

const FAILURE_HEADERS = new Set<string>([...Object.values(DLQ_HEADER), HEADER.attempt, HEADER.postponed]);

/**
 * The copy of a dead letter that goes back to the task's topic: the same key and value bytes, the task's own
 * headers (its id among them, so the task id stays stable), none of the failure headers (so the attempt count
 * starts again at 1, and a busy lock's backoff from its start) and `ts-replayed-from`.
 */
export function replayCopy(record: IncomingRecord, topic: string): OutgoingRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (!FAILURE_HEADERS.has(name)) headers[name] = value;
  }
  // Dead letters always carry the task id; one that does not gets the id it had, not a new one.
  const id = rowOf(record).taskId;
  if (headers[HEADER.id] === undefined && id !== '-') headers[HEADER.id] = id;
  headers[REPLAYED_FROM_HEADER] = positionOf(record);
  return {
    topic,
    key: record.key === null ? null : record.key.toString(),
    value: record.value,
    headers,
  };
}

/** `<partition>:<offset>`, how the dlq commands name a dead letter. */
export function positionOf(r: { partition: number; offset: string }): string {
  return `${r.partition}:${r.offset}`;
}
