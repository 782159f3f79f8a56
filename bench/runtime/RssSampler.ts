/**
 * Samples this process's resident set size every `everyMs`; `stop()` returns the peak in MB. With `keep`, every
 * sample's full process.memoryUsage() is kept in `samples` as well (the backlog bench splits RSS by it).
 */
export class RssSampler {
  readonly samples: NodeJS.MemoryUsage[] = [];
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 50, keep = false) {
    this.timer = setInterval(() => {
      const usage = process.memoryUsage();
      if (keep) this.samples.push(usage);
      this.peak = Math.max(this.peak, usage.rss);
    }, everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return Math.round(this.peak / 2 ** 20);
  }
}
