import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKeyPartitioner, murmur2 } from '../../pipeline/kafka/KeyPartitioner.js';

const metadata = (count: number, leaderless: readonly number[] = []) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

describe('KeyPartitioner', () => {
  it('hashes as Kafka does (known murmur2 values from the Java client tests)', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('puts every key where kafkajs DefaultPartitioner puts it', () => {
    const ours = createKeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: (string | Buffer)[] = ['', 'k1', 'ada@example.com', 'ключ', '鍵🔑', randomBytes(0)];
    for (let i = 0; i < 2000; i++) keys.push(randomBytes(i % 41), `key-${i}-${'x'.repeat(i % 13)}`);
    for (const partitions of [1, 3, 6, 7, 100]) {
      const partitionMetadata = metadata(partitions);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it('keeps an explicit partition', () => {
    const partition = createKeyPartitioner();
    expect(partition({ topic: 't', partitionMetadata: metadata(6), message: { key: 'k', partition: 4 } })).toBe(4);
  });

  it('spreads records without a key round robin over partitions that have a leader', () => {
    const partition = createKeyPartitioner();
    const partitionMetadata = metadata(4, [2]);
    const picked = Array.from({ length: 9 }, () =>
      partition({ topic: 't', partitionMetadata, message: { key: null } }),
    );
    expect(new Set(picked)).toEqual(new Set([0, 1, 3]));
    for (let i = 3; i < picked.length; i++) expect(picked[i]).toBe(picked[i - 3]);
  });
});
