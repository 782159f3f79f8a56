import { startNow, type Limit } from './Limit.js';
import type { PermitSource } from './SharedWindow.js';
import { WaitLine } from './WaitLine.js';

/**
 * Spent this long before the window's end as this process reckons it: the start a permit lets go is stamped a
 * moment after the permit is checked, and must still fall in the permit's window.
 */
const END_MARGIN_MS = 1;

/**
 * A limit shared through Redis (SharedWindow), one key of it. Permits are taken in batches of at most `batchMax`
 * and handed out here: twice as many as starts wait, and, while starts keep taking them at once, the next batch
 * (twice the last) as the permits held fall below half of the last. One ask is out at a time; the starts that
 * come meanwhile make the next batch. Permits are good until their window ends, reckoned from when they were
 * asked for (so never later than Redis's end of it); those left then are dropped. That can only under-use the
 * limit, by what one process holds at a window's end: less than 2 × `batchMax`.
 */
export class SharedLimit implements Limit {
  private readonly line = new WaitLine();
  private permits = 0;
  /** The window the permits held belong to, and when (on this process's clock) they stop being good. */
  private window = -1;
  private goodUntil = 0;
  private asking = false;
  /** Permits the last ask got. */
  private lastGranted = 0;
  /** Set while starts wait for the next window, the last batch having found this one spent. */
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly shared: PermitSource,
    private readonly key: string,
    private readonly batchMax: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  get waiting(): number {
    return this.line.length;
  }

  run<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.tryStart()) return startNow(fn);
    return new Promise<T>((resolve, reject) => {
      this.line.join(() => void startNow(fn).then(resolve, reject), reject, signal);
      this.ask();
    });
  }

  tryStart(): boolean {
    if (this.line.length > 0 || !this.takePermit(Date.now())) return false;
    // Running low while starts keep coming: the next batch (twice the last) is asked before they must wait for it.
    if (this.permits < this.lastGranted / 2) this.ask(Math.min(this.batchMax, 2 * this.lastGranted));
    return true;
  }

  ended(): void {}

  idle(): boolean {
    return this.line.length === 0 && !this.asking;
  }

  stop(reason: unknown): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.line.dropAll(reason);
  }

  private takePermit(now: number): boolean {
    if (this.permits === 0 || now >= this.goodUntil) return false;
    this.permits--;
    return true;
  }

  /** Asks for a batch, by default twice the starts waiting, unless one is out or the window is spent. */
  private ask(want = Math.min(this.batchMax, 2 * this.line.length)): void {
    if (this.stopped || this.asking || this.timer !== undefined || want === 0) return;
    this.asking = true;
    const asked = Date.now();
    this.shared.take(this.key, want).then(
      (grant) => {
        this.asking = false;
        if (this.stopped) return;
        this.lastGranted = grant.granted;
        const until = asked + grant.msLeft - END_MARGIN_MS;
        if (grant.window === this.window) {
          this.permits += grant.granted;
          this.goodUntil = Math.min(this.goodUntil, until);
        } else if (grant.window > this.window) {
          this.window = grant.window;
          this.permits = grant.granted;
          this.goodUntil = until;
        }
        const now = Date.now();
        while (this.line.length > 0 && this.takePermit(now)) this.line.startFirst();
        if (grant.granted < want && this.line.length > 0) {
          // The window is spent: ask again when the next one opens.
          this.timer = setTimeout(
            () => {
              this.timer = undefined;
              this.ask();
            },
            Math.max(1, grant.msLeft),
          );
        } else this.ask();
      },
      (err: unknown) => {
        // Redis failed: the starts waiting fail with it (each is tried again later by its caller).
        this.asking = false;
        this.onError(err);
        this.line.dropAll(err);
      },
    );
  }
}
