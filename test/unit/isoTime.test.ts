import { describe, expect, it } from 'vitest';
import { parseIsoDateTime, parseIsoDuration } from '../../ops/cli/isoTime.js';
import { UsageError } from '../../ops/cli/UsageError.js';

describe('parseIsoDateTime', () => {
  it.each([
    ['2025-01-31T09:30:00Z', Date.UTC(2025, 0, 31, 9, 30)],
    ['2025-01-31T09:30:00.250Z', Date.UTC(2025, 0, 31, 9, 30, 0, 250)],
    ['2025-01-31T09:30:00+01:00', Date.UTC(2025, 0, 31, 8, 30)],
    ['2025-01-31T09:30-0230', Date.UTC(2025, 0, 31, 12, 0)],
    ['2025-01-31', Date.UTC(2025, 0, 31)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (text, ms) => expect(parseIsoDateTime('--since', text)).toBe(ms));

  it('reads a time without a zone as local time, as Kafka’s tool does', () => {
    expect(parseIsoDateTime('--since', '2025-01-31T09:30:00')).toBe(new Date(2025, 0, 31, 9, 30).getTime());
  });

  it.each(['yesterday', '31/01/2025', '2025-02-29T00:00:00Z', '2025-13-01', '2025-01-31T24:00:00Z', '2025-01-31T09'])(
    'refuses %s as a usage error naming the option',
    (text) => {
      expect(() => parseIsoDateTime('--to-datetime', text)).toThrow(UsageError);
      expect(() => parseIsoDateTime('--to-datetime', text)).toThrow(/--to-datetime/);
    },
  );
});

describe('parseIsoDuration', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['P1DT12H', 129_600_000],
    ['PT90M', 5_400_000],
    ['PT0.5S', 500],
    ['P2D', 172_800_000],
  ])('%s', (text, ms) => expect(parseIsoDuration('--by-duration', text)).toBe(ms));

  it.each(['1h', 'P', 'PT', 'P1W', 'P1M', '-PT1H'])('refuses %s', (text) => {
    expect(() => parseIsoDuration('--by-duration', text)).toThrow(UsageError);
  });
});
