import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../../pipeline/kafka/records.js';
import { purgePlan } from '../../ops/cli/dlq/purgePlan.js';

const letter = (partition: number, offset: number, ok: boolean): IncomingRecord => ({
  topic: 'tasks.x.dlq',
  partition,
  offset: String(offset),
  key: null,
  value: Buffer.from(ok ? 'ok' : 'no'),
  headers: {},
  timestamp: '0',
});
const purgeable = (l: IncomingRecord): boolean => l.value?.toString() === 'ok';

describe('purgePlan', () => {
  it('cuts each partition after its longest matching prefix and counts the matching letters kept behind', () => {
    const bounds = [
      { partition: 0, from: 10n, to: 15n },
      { partition: 1, from: 0n, to: 2n },
    ];
    const letters = [
      letter(0, 12, false),
      letter(0, 10, true),
      letter(0, 11, true),
      letter(0, 13, true),
      letter(0, 14, false),
      letter(1, 0, false),
      letter(1, 1, true),
    ];
    expect(purgePlan(bounds, letters, purgeable)).toEqual([
      { partition: 0, from: 10n, to: 12n, purged: 2, kept: 3, keptMatching: 1, stoppedAt: '12' },
      { partition: 1, from: 0n, to: 0n, purged: 0, kept: 2, keptMatching: 1, stoppedAt: '0' },
    ]);
  });

  it('cuts right after the last letter read, not at the end offset, when every letter matches', () => {
    // Offsets 3 and 4 (a transaction marker, a letter that came after the read) were not seen: they stay.
    const plan = purgePlan([{ partition: 0, from: 0n, to: 5n }], [letter(0, 0, true), letter(0, 2, true)], purgeable);
    expect(plan).toEqual([
      { partition: 0, from: 0n, to: 3n, purged: 2, kept: 0, keptMatching: 0, stoppedAt: undefined },
    ]);
  });

  it('leaves an empty partition as it is', () => {
    expect(purgePlan([{ partition: 0, from: 7n, to: 7n }], [], purgeable)).toEqual([
      { partition: 0, from: 7n, to: 7n, purged: 0, kept: 0, keptMatching: 0, stoppedAt: undefined },
    ]);
  });
});
