// Guarantee: `taskstream workers` calls a partition STUCK only when it has lag and its committed offset has not moved for --stuck-after, and durations parse as documented.
import { describe, expect, it } from 'vitest';
import { duration } from '../../ops/cli/shared/output.js';
import { judgeProgress } from '../../ops/cli/shared/progressState.js';

const base = { lag: 5, first: 10, second: 10, previousRun: undefined, t0: 100_000, t1: 102_000, stuckAfterMs: 60_000 };

describe('judgeProgress', () => {
  it('a partition without lag is caught up, however long its offset stood still', () => {
    expect(judgeProgress({ ...base, lag: 0, previousRun: { offset: 10, since: 0 } }).status).toBe('caught-up');
  });

  it('an offset that moved between the two samples is progressing, and its clock restarts', () => {
    const r = judgeProgress({ ...base, second: 12 });
    expect(r.status).toBe('progressing');
    expect(r.sighting).toEqual({ offset: 12, since: base.t1 });
  });

  it('an offset that moved since the previous run is progressing', () => {
    expect(judgeProgress({ ...base, previousRun: { offset: 7, since: 0 } }).status).toBe('progressing');
  });

  it('an offset unchanged since a previous run longer ago than --stuck-after is stuck', () => {
    const r = judgeProgress({ ...base, previousRun: { offset: 10, since: base.t1 - 61_000 } });
    expect(r.status).toBe('stuck');
    expect(r.unchangedMs).toBe(61_000);
    expect(r.sighting.since).toBe(base.t1 - 61_000);
  });

  it('an unchanged offset watched for less than --stuck-after is waiting, not stuck', () => {
    expect(judgeProgress(base)).toMatchObject({ status: 'waiting', unchangedMs: 2000 });
  });

  it('within one run, a sample window of at least --stuck-after is enough to call it stuck', () => {
    expect(judgeProgress({ ...base, stuckAfterMs: 1500 }).status).toBe('stuck');
  });
});

describe('duration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['1.5s', 1500],
    ['7d', 604_800_000],
  ])('%s is %d ms', (text, ms) => expect(duration(text)).toBe(ms));

  it('refuses what is not a duration', () => {
    expect(() => duration('soon')).toThrow(/expected a duration/);
    expect(() => duration('-1s')).toThrow(/expected a duration/);
    expect(() => duration('10 m')).toThrow(/expected a duration/);
    expect(() => duration('1h30m')).toThrow(/expected a duration/);
    expect(() => duration('2w')).toThrow(/expected a duration/);
  });
});
