/**
 * A runner's timers: the periodic commit and timeout sweep, and the waits of tasks retried in place. Kept in
 * one place so that stopping clears every one of them (a timer left behind keeps the process alive).
 */
export class RunnerTimers {
  private readonly periodic: NodeJS.Timeout[] = [];
  private readonly waits = new Set<NodeJS.Timeout>();

  every(ms: number, fn: () => void): void {
    this.periodic.push(setInterval(fn, ms));
  }

  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.waits.delete(timer);
      fn();
    }, ms);
    this.waits.add(timer);
  }

  /** Drops the pending waits: their tasks were never committed, so they are redelivered. */
  cancelWaits(): void {
    for (const t of this.waits) clearTimeout(t);
    this.waits.clear();
  }

  stopPeriodic(): void {
    for (const t of this.periodic) clearInterval(t);
    this.periodic.length = 0;
  }
}
