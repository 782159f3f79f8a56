import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AdaptiveFetchSize } from '../../pipeline/kafka/AdaptiveFetchSize.js';

describe('AdaptiveFetchSize', () => {
  it('starts at the minimum, so a first fetch behind a backlog decodes little beyond what can be kept', () => {
    expect(Number(new AdaptiveFetchSize(16, 1024))).toBe(16);
  });

  it('grows to the maximum while whole fetches are kept, and stops there', () => {
    const size = new AdaptiveFetchSize(16, 1024);
    for (let i = 0; i < 50; i++) size.observe(50, 50, 0);
    expect(Number(size)).toBe(1024);
  });

  it('shrinks to what a fetch could keep when it could not keep it all', () => {
    const size = grown(16, 1024);
    size.observe(100, 30, 300);
    expect(Number(size)).toBe(300);
  });

  it('never shrinks below its minimum', () => {
    const size = grown(256, 1024);
    size.observe(100, 1, 10);
    expect(Number(size)).toBe(256);
  });

  it('grows back towards the maximum after shrinking, and stops there', () => {
    const size = grown(16, 1024);
    size.observe(100, 30, 300);
    size.observe(50, 50, 0);
    expect(Number(size)).toBeGreaterThan(300);
    for (let i = 0; i < 50; i++) size.observe(50, 50, 0);
    expect(Number(size)).toBe(1024);
  });

  it('ignores a fetch of which nothing was kept (it came while the partition was full)', () => {
    const size = grown(16, 1024);
    size.observe(100, 0, 0);
    expect(Number(size)).toBe(1024);
  });

  it('refuses a minimum above its maximum', () => {
    expect(() => new AdaptiveFetchSize(2048, 1024)).toThrow(RangeError);
  });

  // The mechanism it relies on: kafkajs 2.2.x writes partition_max_bytes with Buffer.writeInt32BE at each fetch,
  // which reads the current value through valueOf. If an upgrade changes that, this fails.
  it("is read by kafkajs's fetch request encoder at each encoding, through valueOf", async () => {
    const require = createRequire(import.meta.url);
    const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/request') as (args: object) => {
      encode(): Promise<{ buffer: Buffer }>;
    };
    const size = grown(16, 70_000);
    const request = (): { encode(): Promise<{ buffer: Buffer }> } =>
      fetchV11({
        replicaId: -1,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 10_000_000,
        topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: size }] }],
      });
    const first = (await request().encode()).buffer;
    size.observe(10, 5, 40_000);
    const second = (await request().encode()).buffer;
    // partition_max_bytes is the request's last INT32 before the (empty) forgotten topics and rack id.
    const tail = (b: Buffer): number => b.readInt32BE(b.length - 4 - 2 - 4);
    expect(tail(first)).toBe(70_000);
    expect(tail(second)).toBe(40_000);
  });
});

/** A fetch size that has grown to its maximum, as after a run of wholly kept fetches. */
function grown(min: number, max: number): AdaptiveFetchSize {
  const size = new AdaptiveFetchSize(min, max);
  while (Number(size) < max) size.observe(1, 1, 0);
  return size;
}
