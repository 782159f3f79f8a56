import { describe, expect, it } from 'vitest';
import { filterOf, replayFilterOf } from '../../ops/dashboard/deadLetterQuery.js';
import { UsageError } from '../../ops/cli/UsageError.js';

describe('filterOf', () => {
  it('reads the error text and the time window, leaving out empty fields', () => {
    expect(filterOf({ error: 'mailbox', since: '2025-01-01T00:00:00Z', until: '' })).toEqual({
      error: 'mailbox',
      since: Date.UTC(2025, 0, 1),
    });
  });

  it('refuses a window whose start is not before its end', () => {
    expect(() => filterOf({ since: '2025-01-02T00:00:00Z', until: '2025-01-01T00:00:00Z' })).toThrow(UsageError);
  });

  it('refuses a time that is not ISO 8601', () => {
    expect(() => filterOf({ since: 'yesterday' })).toThrow(UsageError);
  });
});

describe('replayFilterOf', () => {
  it('replays exactly the selected positions', () => {
    expect(replayFilterOf({ positions: ['0:3', '2:10'] })).toEqual({ positions: ['0:3', '2:10'] });
  });

  it('replays every dead letter a filter matches', () => {
    expect(replayFilterOf({ filter: { error: 'timeout' } })).toEqual({ error: 'timeout' });
  });

  it('refuses a request with neither, an empty selection, or a malformed position', () => {
    expect(() => replayFilterOf({})).toThrow(UsageError);
    expect(() => replayFilterOf({ positions: [] })).toThrow(UsageError);
    expect(() => replayFilterOf({ positions: ['x'] })).toThrow(UsageError);
  });
});
