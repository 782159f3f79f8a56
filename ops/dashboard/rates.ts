/** One reading of a task type's counters (see TypeOverview.processed and .failed). */
export interface CounterSample {
  /** ms since the epoch. */
  readonly at: number;
  readonly processed: number;
  readonly failed: number;
}

export interface TypeRates {
  /** The window the totals cover: from the oldest sample in it to the newest (0 with fewer than two). */
  readonly windowMs: number;
  /** Tasks processed (taken and committed) within the window. */
  readonly processed: number;
  /** Attempts that failed (handed to a retry tier or dead-lettered) within the window. */
  readonly failed: number;
  readonly processedPerMinute: number;
  /** failed ÷ processed within the window; null when nothing was processed. */
  readonly failureRate: number | null;
  /** Processed and failed per minute between consecutive samples, oldest first, for the chart. */
  readonly series: readonly { readonly at: number; readonly processed: number; readonly failed: number }[];
}

/**
 * Rates over the last `windowMs` from counter samples taken oldest first. A counter that went down (a topic
 * deleted and made again, a group's offsets reset) counts as no progress, not as negative work.
 */
export function ratesOf(samples: readonly CounterSample[], windowMs: number, now: number): TypeRates {
  const inWindow = samples.filter((s) => s.at >= now - windowMs && s.at <= now);
  const series = [];
  let processed = 0;
  let failed = 0;
  for (let i = 1; i < inWindow.length; i++) {
    const a = inWindow[i - 1] as CounterSample;
    const b = inWindow[i] as CounterSample;
    const dp = Math.max(0, b.processed - a.processed);
    const df = Math.max(0, b.failed - a.failed);
    processed += dp;
    failed += df;
    const minutes = Math.max(1, b.at - a.at) / 60_000;
    series.push({ at: b.at, processed: dp / minutes, failed: df / minutes });
  }
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  const span = first && last ? last.at - first.at : 0;
  return {
    windowMs: span,
    processed,
    failed,
    processedPerMinute: span > 0 ? (processed / span) * 60_000 : 0,
    failureRate: processed > 0 ? failed / processed : null,
    series,
  };
}

/** A bounded history of samples per task type: the newest `keep` readings, at least `minGapMs` apart. */
export class SampleHistory {
  private readonly byType = new Map<string, CounterSample[]>();

  constructor(
    private readonly keep = 240,
    private readonly minGapMs = 1000,
  ) {}

  add(type: string, sample: CounterSample): void {
    const list = this.byType.get(type) ?? [];
    const last = list[list.length - 1];
    if (last !== undefined && sample.at - last.at < this.minGapMs) list[list.length - 1] = sample;
    else list.push(sample);
    if (list.length > this.keep) list.splice(0, list.length - this.keep);
    this.byType.set(type, list);
  }

  of(type: string): readonly CounterSample[] {
    return this.byType.get(type) ?? [];
  }
}
