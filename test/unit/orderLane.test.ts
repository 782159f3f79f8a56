import { describe, expect, it } from 'vitest';
import { orderLane } from '../../pipeline/runtime/orderLane.js';

describe('orderLane', () => {
  it('gives equal keys the same lane, wherever their bytes sit', () => {
    const fetched = Buffer.from('xxtenant-42yy').subarray(2, 11);
    expect(orderLane(fetched)).toBe(orderLane(Buffer.from('tenant-42')));
  });

  it('is a non-negative integer below 2^31 (a small integer for Map and Set keys)', () => {
    for (const key of ['', 'a', 'tenant-42', '\u00ff\u00fe', 'x'.repeat(300)]) {
      const lane = orderLane(Buffer.from(key));
      expect(Number.isInteger(lane)).toBe(true);
      expect(lane).toBeGreaterThanOrEqual(0);
      expect(lane).toBeLessThan(2 ** 31);
    }
  });

  it('spreads keys over lanes: 10,000 keys of one pattern take 10,000 lanes', () => {
    const lanes = new Set<number>();
    for (let i = 0; i < 10_000; i++) lanes.add(orderLane(Buffer.from(`customer-${i}`)));
    expect(lanes.size).toBe(10_000);
  });
});
