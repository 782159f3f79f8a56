import type { RecordMetadata } from 'kafkajs';
import { RecordTooLargeError, SendFailedError, TaskstreamError } from '../errors.js';
import type { OutgoingRecord, RecordPosition } from './records.js';

/** What became of one record of a send: where it is stored, or why it is not (and whether it might be). */
export type SendOutcome =
  { readonly ok: true; readonly position: RecordPosition } | { readonly ok: false; readonly error: TaskstreamError };

/** The partition kafkajs's partitioner picked for a message (set by our partitioner; -1 until it is called). */
export interface PickedPartition {
  readonly picked: number;
}

/** One partition's end of a send, as the patched kafkajs reports it (patches/kafkajs+2.2.4.patch). */
interface FailedPartition {
  readonly topicName: string;
  readonly partition: number;
  readonly error?: { readonly type?: string; readonly message?: string; readonly retriable?: boolean };
  /** The broker answered with this error: nothing was written. Otherwise no answer came. */
  readonly refused: boolean;
}

interface ProduceResults {
  readonly acknowledged: readonly RecordMetadata[];
  readonly failed: readonly FailedPartition[];
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** Outcomes of a send that kafkajs resolved: every partition answered. */
export function acknowledgedOutcomes(
  records: readonly OutgoingRecord[],
  messages: readonly PickedPartition[],
  metadata: readonly RecordMetadata[],
): SendOutcome[] {
  return outcomes(records, messages, { acknowledged: metadata, failed: [] }, undefined);
}

/**
 * Outcomes of a send that kafkajs rejected. With the patch, the error says per partition what was acknowledged
 * and what was not; without `produceResults` nothing was sent (the send failed before any partition was picked).
 */
export function failedOutcomes(
  records: readonly OutgoingRecord[],
  messages: readonly PickedPartition[],
  err: unknown,
): SendOutcome[] {
  const results = (err as { produceResults?: ProduceResults } | null)?.produceResults;
  return outcomes(records, messages, results ?? { acknowledged: [], failed: [] }, err);
}

function outcomes(
  records: readonly OutgoingRecord[],
  messages: readonly PickedPartition[],
  results: ProduceResults,
  err: unknown,
): SendOutcome[] {
  // Per topic, arrays indexed by partition: a send is mostly one topic, so each record costs two array reads.
  const next = new Map<string, (number | bigint | undefined)[]>();
  for (const m of results.acknowledged) {
    const base = Number(m.baseOffset);
    perTopic(next, m.topicName)[m.partition] = Number.isSafeInteger(base + records.length)
      ? base
      : BigInt(m.baseOffset ?? 0);
  }
  const failed = new Map<string, (FailedPartition | undefined)[]>();
  for (const f of results.failed) perTopic(failed, f.topicName)[f.partition] = f;
  let lastTopic: string | undefined;
  let cursors: (number | bigint | undefined)[] = [];
  return records.map((r, i) => {
    const partition = (messages[i] as PickedPartition).picked;
    if (r.topic !== lastTopic) {
      lastTopic = r.topic;
      cursors = next.get(r.topic) ?? [];
    }
    const offset = partition >= 0 ? cursors[partition] : undefined;
    if (offset !== undefined) {
      // kafkajs keeps a partition's messages in the order given, so they take consecutive offsets from the base.
      cursors[partition] = typeof offset === 'number' ? offset + 1 : offset + 1n;
      return { ok: true, position: { topic: r.topic, partition, offset: String(offset) } };
    }
    return { ok: false, error: failure(r.topic, failed.get(r.topic)?.[partition], err) };
  });
}

function perTopic<T>(map: Map<string, T[]>, topic: string): T[] {
  let list = map.get(topic);
  if (!list) map.set(topic, (list = []));
  return list;
}

function failure(topic: string, partition: FailedPartition | undefined, err: unknown): TaskstreamError {
  if (err instanceof TaskstreamError) return err;
  const cause = partition?.error ?? (err as FailedPartition['error']);
  const type = cause?.type;
  const reason = cause?.message ?? (err === undefined ? 'no answer came for its partition' : String(err));
  if (type !== undefined && TOO_LARGE.has(type)) return new RecordTooLargeError(topic, undefined, undefined, cause);
  if (!partition) {
    // Never handed to a broker (no metadata, a producer not connected): not stored, and worth another try
    // unless the client said otherwise.
    return new SendFailedError(topic, false, reason, { retriable: cause?.retriable !== false, cause: err });
  }
  if (partition.refused) {
    return new SendFailedError(topic, false, reason, { retriable: cause?.retriable === true, cause: err });
  }
  return new SendFailedError(topic, true, reason, { retriable: true, cause: err });
}
