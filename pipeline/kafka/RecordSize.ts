import type { OutgoingRecord } from './records.js';

/**
 * Sizes of records as Kafka counts them against a topic's `max.message.bytes`: the whole record batch (v2 format,
 * uncompressed), log overhead included. A record's timestamp and offset deltas are counted at their widest
 * (5 bytes each), so the figure is an upper bound a few bytes above the real one, never below it.
 *
 * Uncompressed on purpose: a compressed batch is smaller, so a bound on the uncompressed size holds either way
 * (with compression on, a record that only fits compressed is refused; no producer here compresses by default).
 */
export const BATCH_OVERHEAD_BYTES = 61;

function varintBytes(n: number): number {
  const zigzag = n >= 0 ? n * 2 : -n * 2 - 1;
  let bytes = 1;
  for (let v = zigzag; v >= 0x80; v = Math.floor(v / 0x80)) bytes++;
  return bytes;
}

function fieldBytes(data: string | Buffer | null | undefined): number {
  if (data === null || data === undefined) return varintBytes(-1);
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  return varintBytes(length) + length;
}

/** One record's bytes inside a batch. */
export function recordBytes(record: OutgoingRecord): number {
  let body = 1 + 5 + 5 + fieldBytes(record.key) + fieldBytes(record.value);
  const headers = record.headers ? Object.entries(record.headers) : [];
  body += varintBytes(headers.length);
  for (const [name, value] of headers) body += fieldBytes(name) + fieldBytes(value);
  return varintBytes(body) + body;
}

/** The bytes of a batch holding this record alone: what a topic's limit must allow for it to be written at all. */
export function singleRecordBatchBytes(record: OutgoingRecord): number {
  return BATCH_OVERHEAD_BYTES + recordBytes(record);
}

/**
 * Cuts records, in order, into requests in which no topic's records pass that topic's limit, so no partition's
 * batch can; returns where each request ends (exclusive indexes). `sizes[i]` is `recordBytes(records[i])`, and
 * every record must fit alone (check with `singleRecordBatchBytes` first). Requests sent one after the other keep
 * the records of a key in order.
 */
export function requestEnds(
  records: readonly OutgoingRecord[],
  sizes: readonly number[],
  limitOf: (topic: string) => number,
): number[] {
  const ends: number[] = [];
  let bytesPerTopic = new Map<string, number>();
  records.forEach((record, i) => {
    const bytes = sizes[i] as number;
    const used = bytesPerTopic.get(record.topic) ?? BATCH_OVERHEAD_BYTES;
    if (used + bytes > limitOf(record.topic) && i > (ends.at(-1) ?? 0)) {
      ends.push(i);
      bytesPerTopic = new Map();
    }
    bytesPerTopic.set(record.topic, (bytesPerTopic.get(record.topic) ?? BATCH_OVERHEAD_BYTES) + bytes);
  });
  if (records.length > 0) ends.push(records.length);
  return ends;
}
