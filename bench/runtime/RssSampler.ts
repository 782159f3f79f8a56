/** Samples this process's resident set size; `stop()` returns the peak in MB. */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }, 50);

  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return Math.round(this.peak / 2 ** 20);
  }
}
