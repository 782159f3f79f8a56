import { describe, expect, it } from 'vitest';
import { ratesOf, SampleHistory } from '../../ops/dashboard/rates.js';
import { countNotReplayed } from '../../ops/dashboard/countNotReplayed.js';

const at = (s: number) => Date.UTC(2025, 0, 1) + s * 1000;

describe('ratesOf', () => {
  it('counts the processed and failed tasks between the oldest and newest sample of the window', () => {
    const samples = [
      { at: at(0), processed: 10, failed: 1 },
      { at: at(30), processed: 40, failed: 4 },
      { at: at(60), processed: 70, failed: 7 },
    ];
    const r = ratesOf(samples, 300_000, at(60));
    expect(r).toMatchObject({ windowMs: 60_000, processed: 60, failed: 6, processedPerMinute: 60, failureRate: 0.1 });
    expect(r.series).toEqual([
      { at: at(30), processed: 60, failed: 6 },
      { at: at(60), processed: 60, failed: 6 },
    ]);
  });

  it('leaves out samples older than the window', () => {
    const samples = [
      { at: at(0), processed: 0, failed: 0 },
      { at: at(100), processed: 50, failed: 0 },
      { at: at(160), processed: 80, failed: 0 },
    ];
    expect(ratesOf(samples, 60_000, at(160))).toMatchObject({ processed: 30, windowMs: 60_000 });
  });

  it('counts a counter that went down as no work rather than negative work', () => {
    const samples = [
      { at: at(0), processed: 100, failed: 5 },
      { at: at(10), processed: 3, failed: 0 },
      { at: at(20), processed: 8, failed: 1 },
    ];
    expect(ratesOf(samples, 300_000, at(20))).toMatchObject({ processed: 5, failed: 1 });
  });

  it('has no failure rate while nothing was processed, and no rate from a single sample', () => {
    expect(ratesOf([{ at: at(0), processed: 5, failed: 0 }], 300_000, at(0))).toMatchObject({
      windowMs: 0,
      processed: 0,
      processedPerMinute: 0,
      failureRate: null,
      series: [],
    });
  });
});

describe('SampleHistory', () => {
  it('replaces a sample taken within the minimum gap of the last one, and keeps only the newest', () => {
    const history = new SampleHistory(2, 1000);
    history.add('t', { at: at(0), processed: 1, failed: 0 });
    history.add('t', { at: at(0.5), processed: 2, failed: 0 });
    expect(history.of('t')).toEqual([{ at: at(0.5), processed: 2, failed: 0 }]);
    history.add('t', { at: at(2), processed: 3, failed: 0 });
    history.add('t', { at: at(4), processed: 4, failed: 0 });
    expect(history.of('t').map((s) => s.processed)).toEqual([3, 4]);
  });
});

describe('countNotReplayed', () => {
  it('subtracts the replay markers that fall within each partition still stored', () => {
    const bounds = [
      { partition: 0, low: 2, high: 5 },
      { partition: 1, low: 0, high: 2 },
    ];
    // 0:1 is below the log start (deleted by retention), 1:9 beyond its end, 2:0 of no partition.
    const replayed = new Set(['0:1', '0:2', '0:4', '1:0', '1:9', '2:0']);
    expect(countNotReplayed(bounds, replayed)).toBe(2);
  });
});
