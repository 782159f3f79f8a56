import { describe, expect, it } from 'vitest';
import { retryPolicy } from '../../pipeline/retry/RetryPolicy.js';
import { retryTiers, retryTopicOf, tierFor } from '../../pipeline/retry/RetryTiers.js';

describe('retry tiers', () => {
  it('ladders from the minimum delay by tens up to the maximum', () => {
    expect(retryTiers(retryPolicy()).map((t) => t.name)).toEqual(['1s', '10s', '100s', '5m']);
    expect(retryTiers(retryPolicy({ minDelayMs: 200, maxDelayMs: 2000 })).map((t) => t.name)).toEqual(['200ms', '2s']);
  });

  it('has a single tier when the minimum and maximum delays are equal', () => {
    expect(retryTiers(retryPolicy({ minDelayMs: 500, maxDelayMs: 500 })).map((t) => t.delayMs)).toEqual([500]);
  });

  it('sends a backoff to the longest tier not longer than it, and short ones to the first', () => {
    const tiers = retryTiers(retryPolicy());
    expect(tierFor(tiers, 5).name).toBe('1s');
    expect(tierFor(tiers, 9_999).name).toBe('1s');
    expect(tierFor(tiers, 10_000).name).toBe('10s');
    expect(tierFor(tiers, 299_999).name).toBe('100s');
    expect(tierFor(tiers, 300_000).name).toBe('5m');
  });

  it('names a tier topic after the task topic and the tier', () => {
    expect(retryTopicOf('tasks.send-email', { name: '10s', delayMs: 10_000 })).toBe('tasks.send-email.retry.10s');
  });
});
