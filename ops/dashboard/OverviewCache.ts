import type { Logger } from '../../pipeline/logging/logger.js';
import { gatherOverview, type Overview, type OverviewSources, type TypeOverview } from './Overview.js';
import { ratesOf, SampleHistory, type TypeRates } from './rates.js';

export interface RatedType extends TypeOverview {
  readonly rates: TypeRates;
}

export interface RatedOverview extends Omit<Overview, 'types'> {
  readonly types: readonly RatedType[];
  /** The window the rates cover at most (ms). */
  readonly rateWindowMs: number;
}

export interface OverviewCacheOptions {
  /** A reading younger than this is served as is, so ten open tabs cost the brokers one reading. */
  readonly maxAgeMs?: number;
  /** How often to read with no page asking, so the rates have a history when someone looks (0: never). */
  readonly sampleEveryMs?: number;
  /** The window of the rates (default 5 min). */
  readonly rateWindowMs?: number;
}

/**
 * Reads the overview at most once per `maxAgeMs` (concurrent requests share one reading) and keeps a small
 * in-memory history of each type's counters, from which the rates are computed.
 */
export class OverviewCache {
  private last: { at: number; value: RatedOverview } | undefined;
  private reading: Promise<RatedOverview> | undefined;
  private readonly history = new SampleHistory();
  private timer: NodeJS.Timeout | undefined;
  private readonly maxAgeMs: number;
  private readonly rateWindowMs: number;

  constructor(
    private readonly sources: OverviewSources,
    private readonly log: Logger,
    options: OverviewCacheOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 1500;
    this.rateWindowMs = options.rateWindowMs ?? 300_000;
    const every = options.sampleEveryMs ?? 5000;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.refresh().catch((err: unknown) => this.log.debug({ err }, 'dashboard sample failed'));
      }, every);
      this.timer.unref();
    }
  }

  get(): Promise<RatedOverview> {
    if (this.last && Date.now() - this.last.at < this.maxAgeMs) return Promise.resolve(this.last.value);
    return this.refresh();
  }

  /** Forgets the cached reading, so the next get() reads again (after an action changed what it shows). */
  invalidate(): void {
    this.last = undefined;
  }

  private refresh(): Promise<RatedOverview> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<RatedOverview> {
    const overview = await gatherOverview(this.sources);
    const at = Date.parse(overview.at);
    const types = overview.types.map((t) => {
      if (t.topicExists && t.readError === undefined)
        this.history.add(t.type, { at, processed: t.processed, failed: t.failed });
      return { ...t, rates: ratesOf(this.history.of(t.type), this.rateWindowMs, at) };
    });
    const value = { ...overview, types, rateWindowMs: this.rateWindowMs };
    this.last = { at: Date.now(), value };
    return value;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
