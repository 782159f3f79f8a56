import { describe, expect, it } from 'vitest';
import { planReset, totals, type PartitionState } from '../../ops/cli/offsets/resetPlan.js';

const p = (partition: number, low: bigint, high: bigint, committed?: bigint, atTime?: bigint): PartitionState => ({
  partition,
  low,
  high,
  committed,
  ...(atTime === undefined ? {} : { atTime }),
});

describe('planReset', () => {
  it('earliest and latest are the log start and end', () => {
    const parts = [p(0, 5n, 50n, 20n)];
    expect(planReset({ kind: 'earliest' }, parts)[0]).toMatchObject({ newOffset: 5n, reprocess: 15n, skip: 0n });
    expect(planReset({ kind: 'latest' }, parts)[0]).toMatchObject({ newOffset: 50n, reprocess: 0n, skip: 30n });
  });

  it('moves an explicit offset outside [low, high] to the nearer end and says so', () => {
    const parts = [p(0, 5n, 50n, 20n)];
    expect(planReset({ kind: 'offset', offset: 2n }, parts)[0]).toMatchObject({ newOffset: 5n, clampedFrom: 2n });
    expect(planReset({ kind: 'offset', offset: 99n }, parts)[0]).toMatchObject({ newOffset: 50n, clampedFrom: 99n });
    expect(planReset({ kind: 'offset', offset: 30n }, parts)[0]?.clampedFrom).toBeUndefined();
  });

  it('shifts from the committed offset, clamped, and refuses a partition without one', () => {
    expect(planReset({ kind: 'shift', by: -30n }, [p(0, 5n, 50n, 20n)])[0]).toMatchObject({ newOffset: 5n });
    expect(planReset({ kind: 'shift', by: 7n }, [p(0, 5n, 50n, 20n)])[0]).toMatchObject({ newOffset: 27n, skip: 7n });
    expect(() => planReset({ kind: 'shift', by: -1n }, [p(3, 0n, 10n)])).toThrow(/partition 3/);
  });

  it('maps a time to its offset, or to the end when no record is that recent', () => {
    const plan = planReset({ kind: 'time', timestampMs: 0 }, [p(0, 0n, 10n, 10n, 4n), p(1, 0n, 8n, 2n)]);
    expect(plan.map((x) => x.newOffset)).toEqual([4n, 8n]);
    expect(totals(plan)).toEqual({ reprocess: 6n, skip: 6n });
  });

  it('counts from where a worker would start: earliest without a commit, clamped when the commit is out of range', () => {
    expect(planReset({ kind: 'latest' }, [p(0, 3n, 10n)])[0]).toMatchObject({ current: 3n, skip: 7n });
    expect(planReset({ kind: 'earliest' }, [p(0, 3n, 10n, 1n)])[0]).toMatchObject({ current: 3n, reprocess: 0n });
  });
});
