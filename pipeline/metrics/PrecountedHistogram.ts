import { Histogram } from 'prom-client';
import { DURATION_BUCKETS, type TaskCounters } from './TaskCounters.js';

type Values = Awaited<ReturnType<Histogram<'type'>['get']>>;

/**
 * A prom-client histogram whose buckets are counted elsewhere (in TaskCounters, as plain numbers on the hot
 * path) and read when scraped: prom-client's own observe() hashes its labels on every call, about 200 ns,
 * which is most of a no-op task's cost. The registry formats what get() returns like any histogram's.
 */
export class PrecountedHistogram extends Histogram<'type'> {
  constructor(
    private readonly metricName: string,
    private readonly helpText: string,
    private readonly source: () => ReadonlyMap<string, TaskCounters>,
  ) {
    super({ name: metricName, help: helpText, labelNames: ['type'], buckets: [...DURATION_BUCKETS], registers: [] });
  }

  override get(): Promise<Values> {
    return Promise.resolve(this.snapshot());
  }

  /** The registry reads this one when it writes the text format. */
  getForPromString(): Promise<Values> {
    return Promise.resolve(this.snapshot());
  }

  private snapshot(): Values {
    const values: Values['values'] = [];
    for (const [type, counters] of this.source()) {
      let cumulative = 0;
      for (const [i, count] of counters.durationCounts.entries()) {
        cumulative += count;
        const le = i < DURATION_BUCKETS.length ? (DURATION_BUCKETS[i] as number) : '+Inf';
        values.push({
          labels: { le, type } as Values['values'][number]['labels'],
          value: cumulative,
          metricName: `${this.metricName}_bucket`,
        });
      }
      values.push({ labels: { type }, value: counters.durationSumSeconds, metricName: `${this.metricName}_sum` });
      values.push({ labels: { type }, value: cumulative, metricName: `${this.metricName}_count` });
    }
    // prom-client's types say MetricType (an enum); at run time, and in what the registry prints, it is a string.
    return {
      name: this.metricName,
      help: this.helpText,
      type: 'histogram',
      aggregator: 'sum',
      values,
    } as unknown as Values;
  }
}
