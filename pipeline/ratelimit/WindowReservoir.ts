/**
 * At most `max` permits per window of `perMs`, the windows aligned on the clock (window n is
 * [n × perMs, (n + 1) × perMs)): the count of a window that has ended is forgotten, never carried over.
 */
export class WindowReservoir {
  private window = -1;
  private used = 0;

  constructor(
    private readonly max: number,
    private readonly perMs: number,
  ) {}

  /** Takes one permit of the window running at `now`; false when it has none left. */
  take(now: number): boolean {
    const window = Math.floor(now / this.perMs);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  /** Milliseconds until the next window opens. */
  msToNextWindow(now: number): number {
    return (Math.floor(now / this.perMs) + 1) * this.perMs - now;
  }

  /** No permit of the window running at `now` is taken: forgetting this reservoir would change nothing. */
  unused(now: number): boolean {
    return this.used === 0 || Math.floor(now / this.perMs) !== this.window;
  }
}
