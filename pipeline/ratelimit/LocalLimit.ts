import { startNow, type Limit } from './Limit.js';
import { WaitLine } from './WaitLine.js';
import { WindowReservoir } from './WindowReservoir.js';

/**
 * A limit held in this process: at most `max` starts per window of `perMs` (WindowReservoir) and, with
 * `maxConcurrent`, at most that many running at once. A start that finds both free starts at once, with no timer
 * and no promise of its own; the others wait in line, let go in order when a window opens or a run ends.
 */
export class LocalLimit implements Limit {
  private readonly reservoir: WindowReservoir;
  private readonly line = new WaitLine(() => this.waitLess());
  private running = 0;
  /** Set while starts wait for the next window. */
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    max: number,
    perMs: number,
    private readonly maxConcurrent: number | undefined,
  ) {
    this.reservoir = new WindowReservoir(max, perMs);
  }

  get waiting(): number {
    return this.line.length;
  }

  run<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.tryStart()) return this.runStarted(fn);
    return new Promise<T>((resolve, reject) => {
      this.line.join(() => void this.runStarted(fn).then(resolve, reject), reject, signal);
      this.wake();
    });
  }

  tryStart(): boolean {
    if (this.line.length > 0 || !this.admit()) return false;
    if (this.maxConcurrent !== undefined) this.running++;
    return true;
  }

  readonly ended = (): void => {
    if (this.maxConcurrent === undefined) return;
    this.running--;
    this.letGo();
  };

  idle(now: number): boolean {
    return this.line.length === 0 && this.running === 0 && this.reservoir.unused(now);
  }

  stop(reason: unknown): void {
    this.stopped = true;
    this.clearTimer();
    this.line.dropAll(reason);
  }

  /** Takes a start: a free run (checked first, so that no permit is taken for a start that cannot run) and a permit. */
  private admit(): boolean {
    if (this.maxConcurrent !== undefined && this.running >= this.maxConcurrent) return false;
    return this.reservoir.take(Date.now());
  }

  /** Runs `fn` in a start already taken (a permit, and a run counted with maxConcurrent). */
  private runStarted<T>(fn: () => Promise<T>): Promise<T> {
    const running = startNow(fn);
    if (this.maxConcurrent !== undefined) running.then(this.ended, this.ended);
    return running;
  }

  /** Lets go as many as may start now, then waits for the next window if the rate is what holds the rest. */
  private letGo(): void {
    while (this.line.length > 0 && this.admit()) {
      if (this.maxConcurrent !== undefined) this.running++;
      this.line.startFirst();
    }
    this.wake();
  }

  private wake(): void {
    if (this.stopped || this.timer !== undefined || this.line.length === 0) return;
    // A full concurrency bound: the next run's end lets the next one go.
    if (this.maxConcurrent !== undefined && this.running >= this.maxConcurrent) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.letGo();
    }, this.reservoir.msToNextWindow(Date.now()));
  }

  private waitLess(): void {
    if (this.line.length === 0) this.clearTimer();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
