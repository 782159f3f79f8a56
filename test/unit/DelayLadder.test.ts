import { describe, expect, it } from 'vitest';
import {
  DELAY_LADDER,
  delayedRecord,
  delayTierFor,
  delayTiers,
  hopsFor,
  MAX_DELAY_MS,
} from '../../pipeline/delay/DelayLadder.js';
import { DLQ_HEADER } from '../../pipeline/retry/handOffHeaders.js';
import { HEADER } from '../../pipeline/task/headers.js';

const DAY = 86_400_000;

describe('delay ladder', () => {
  it('has tiers in increasing order, each one fixed delay', () => {
    const delays = DELAY_LADDER.map((t) => t.delayMs);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(delays).size).toBe(delays.length);
  });

  it('gives a task type only the tiers not longer than its maxDelayMs, and none without one', () => {
    expect(delayTiers(undefined)).toEqual([]);
    expect(delayTiers(60_000).map((t) => t.name)).toEqual(['1s', '5s', '30s']);
    expect(delayTiers(500).map((t) => t.name)).toEqual(['1s']);
    expect(delayTiers(MAX_DELAY_MS).map((t) => t.name)).toEqual(DELAY_LADDER.map((t) => t.name));
  });

  it('sends a wait to the longest tier not longer than it', () => {
    expect(delayTierFor(DELAY_LADDER, 45_000)?.name).toBe('30s');
    expect(delayTierFor(DELAY_LADDER, 30_000)?.name).toBe('30s');
    expect(delayTierFor(DELAY_LADDER, 29_999)?.name).toBe('5s');
  });

  it('leaves a wait shorter than the shortest tier to memory', () => {
    expect(delayTierFor(DELAY_LADDER, 999)).toBeUndefined();
  });

  it('takes 6 hops for exactly 30 days', () => {
    expect(hopsFor(DELAY_LADDER, 30 * DAY)).toBe(6);
  });

  it('takes 38 hops for the worst wait up to 30 days: 3 weeks, 6 days and one ms short of a day', () => {
    // 3 + 6 days, then below a day every tier as often as fits: 3 x 6h, 5 x 1h, 5 x 10m, 4 x 2m, 3 x 30s, 5 x 5s, 4 x 1s.
    expect(hopsFor(DELAY_LADDER, 28 * DAY - 1)).toBe(38);
    expect(hopsFor(DELAY_LADDER, 30 * DAY - 1)).toBeLessThan(38);
  });

  it('writes a hop due exactly one tier delay from now, keeping the task id and its time', () => {
    const now = 1_000_000;
    const base = { topic: 'tasks.x', key: 'k', value: null, headers: { [HEADER.id]: 'a' } };
    const hop = delayedRecord(base, 'tasks.x', DELAY_LADDER, now + 45_000, now);
    expect(hop.topic).toBe('tasks.x.delay.30s');
    expect(hop.headers).toEqual({
      [HEADER.id]: 'a',
      [HEADER.runAt]: String(now + 45_000),
      [DLQ_HEADER.notBefore]: String(now + 30_000),
    });
  });

  it('writes a wait shorter than the shortest tier to the task topic, with its time and no not-before', () => {
    const now = 1_000_000;
    const base = { topic: 'tasks.x.delay.1s', key: null, value: null, headers: { [DLQ_HEADER.notBefore]: '1' } };
    const last = delayedRecord(base, 'tasks.x', DELAY_LADDER, now + 400, now);
    expect(last.topic).toBe('tasks.x');
    expect(last.headers).toEqual({ [HEADER.runAt]: String(now + 400) });
  });
});
