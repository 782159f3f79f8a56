import { describe, expect, it } from 'vitest';
import { latestTick, nextTicks } from '../../../pipeline/schedule/cronTicks.js';

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe('cron ticks', () => {
  it('reads the expression in the schedule timezone, across a daylight-saving change', () => {
    // Berlin moves from UTC+1 to UTC+2 on 30 March 2025: 09:00 local is 08:00Z before and 07:00Z after.
    const spec = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
    expect(iso(nextTicks(spec, new Date('2025-03-29T06:00:00Z'), 3))).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
  });

  it('reads the expression in UTC when no timezone is given', () => {
    const spec = { cron: '30 6 * * 1', timezone: 'UTC' };
    expect(iso(nextTicks(spec, new Date('2025-01-01T00:00:00Z'), 2))).toEqual([
      '2025-01-06T06:30:00.000Z',
      '2025-01-13T06:30:00.000Z',
    ]);
  });

  it('takes a six-field expression as seconds first', () => {
    const spec = { cron: '*/15 * * * * *', timezone: 'UTC' };
    expect(iso(nextTicks(spec, new Date('2025-01-01T00:00:01Z'), 3))).toEqual([
      '2025-01-01T00:00:15.000Z',
      '2025-01-01T00:00:30.000Z',
      '2025-01-01T00:00:45.000Z',
    ]);
  });

  it('gives next ticks strictly after the given time, and the latest tick at or before it', () => {
    const spec = { cron: '0 * * * *', timezone: 'UTC' };
    const onTick = new Date('2025-01-01T10:00:00Z');
    expect(iso(nextTicks(spec, onTick, 1))).toEqual(['2025-01-01T11:00:00.000Z']);
    expect(latestTick(spec, onTick)?.toISOString()).toBe('2025-01-01T10:00:00.000Z');
    expect(latestTick(spec, new Date('2025-01-01T10:59:59.999Z'))?.toISOString()).toBe('2025-01-01T10:00:00.000Z');
  });
});
