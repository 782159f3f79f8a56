import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../pipeline/kafka/records.js';
import { recordBytes, requestEnds, singleRecordBatchBytes } from '../../pipeline/kafka/RecordSize.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch(batch: object): Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => unknown;

/** The bytes Kafka counts against max.message.bytes: the batch as kafkajs encodes it, from its base offset on. */
async function encodedBatchBytes(record: OutgoingRecord): Promise<number> {
  const headers = record.headers ?? {};
  const batch = await RecordBatch({
    records: [Record({ key: record.key, value: record.value, headers, timestampDelta: 0, offsetDelta: 0 })],
  });
  return batch.buffer.length;
}

const records: OutgoingRecord[] = [
  { topic: 't', key: null, value: Buffer.alloc(0) },
  { topic: 't', key: 'k', value: Buffer.alloc(100) },
  { topic: 't', key: Buffer.from('key-bytes'), value: Buffer.alloc(300_000), headers: { 'ts-id': 'abc', é: 'ü' } },
  { topic: 't', key: 'x'.repeat(200), value: null, headers: { a: 'b'.repeat(20_000) } },
];

describe('record sizes against max.message.bytes', () => {
  it.each(records.map((r, i) => [i, r] as const))(
    'never counts a single-record batch smaller than kafkajs encodes it, nor more than 10 bytes larger (record %i)',
    async (_, record) => {
      const real = await encodedBatchBytes(record);
      const counted = singleRecordBatchBytes(record);
      expect(counted).toBeGreaterThanOrEqual(real);
      expect(counted - real).toBeLessThanOrEqual(10);
    },
  );

  it('cuts a send into requests in which each topic stays within its limit, in order', () => {
    const big = (topic: string, n: number): OutgoingRecord => ({ topic, key: `k${n}`, value: Buffer.alloc(600_000) });
    const send = [big('a', 1), big('a', 2), big('b', 3), big('a', 4)];

    const ends = requestEnds(send, send.map(recordBytes), () => 1_000_000);

    // [k1], [k2, k3] (different topics share a request), [k4]
    expect(ends).toEqual([1, 3, 4]);
  });

  it('keeps a send that fits in one request', () => {
    const small = Array.from({ length: 50 }, (_, i): OutgoingRecord => ({
      topic: 't',
      key: `k${i}`,
      value: Buffer.alloc(100),
    }));
    expect(requestEnds(small, small.map(recordBytes), () => 1_048_588)).toEqual([50]);
  });
});
