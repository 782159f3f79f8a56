/**
 * Process-wide bounds shared by every task type of a worker: how many tasks it holds in memory (buffered,
 * waiting for a retry, or running) and how many run at once. Past `maxHeld` partitions get paused; below
 * the low-water mark they resume.
 */
export class ProcessBudget {
  held = 0;
  running = 0;
  /** The most ever held at once (for tests and stats: the bound must hold whatever the lag). */
  peakHeld = 0;
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;

  constructor(
    readonly maxHeld: number,
    readonly maxRunning: number,
    readonly lowWater = Math.floor(maxHeld / 2),
  ) {}

  roomToHold(): number {
    return Math.max(0, this.maxHeld - this.held);
  }

  hold(n: number): void {
    this.held += n;
    if (this.held > this.peakHeld) this.peakHeld = this.held;
  }

  release(n: number): void {
    this.held -= n;
    this.changed();
  }

  canRun(): boolean {
    return this.running < this.maxRunning;
  }

  started(): void {
    this.running++;
  }

  finished(): void {
    this.running--;
    this.changed();
  }

  get belowLowWater(): boolean {
    return this.held <= this.lowWater;
  }

  /** Called (coalesced, on a microtask) when capacity frees, so every task type may start or resume work. */
  onCapacity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    if (this.notifyScheduled || this.listeners.size < 2) {
      // With one task type its runner pumps itself; the broadcast is for the others.
      return;
    }
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const l of this.listeners) l();
    });
  }
}
