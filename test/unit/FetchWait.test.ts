import { describe, expect, it } from 'vitest';
import { FetchWait } from '../../pipeline/kafka/FetchWait.js';

describe('FetchWait', () => {
  it('is the idle wait while nothing is paused', () => {
    expect(Number(new FetchWait(100, 10, () => false))).toBe(100);
  });

  it('is the short wait while something is paused, and follows the state as it changes', () => {
    let paused = true;
    const wait = new FetchWait(100, 10, () => paused);
    expect(Number(wait)).toBe(10);
    paused = false;
    expect(Number(wait)).toBe(100);
  });

  // kafkajs sleeps with setTimeout(resolve, maxWaitTime) when every partition is paused: Node reads the delay
  // through valueOf, which is what makes the short wait take effect. If that changes, this fails.
  it('is honoured by setTimeout as a delay', async () => {
    const wait = new FetchWait(60_000, 5, () => true);
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, wait as unknown as number));
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
