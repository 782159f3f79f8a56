interface Waiter<R> {
  readonly start: () => R;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Left the line: started, aborted, or dropped. */
  gone: boolean;
}

/**
 * Starts waiting for a limit, in order. The limit's owner lets the first go when it may start; a waiter whose
 * signal aborts leaves at once (rejected with the signal's reason) and never starts.
 */
export class WaitLine<R = void> {
  private waiters: Waiter<R>[] = [];
  private head = 0;
  private live = 0;

  /** Called when a waiter leaves without starting (aborted): the owner may have nothing left to wait for. */
  constructor(private readonly onLeave: () => void = () => undefined) {}

  get length(): number {
    return this.live;
  }

  /** Waits in line: `start` runs when the owner lets this waiter go, `reject` if its signal aborts first. */
  join(start: () => R, reject: (reason: unknown) => void, signal: AbortSignal | undefined): void {
    const waiter: Waiter<R> = { start, reject, signal, onAbort: undefined, gone: false };
    if (signal) {
      waiter.onAbort = () => {
        if (waiter.gone) return;
        this.remove(waiter);
        waiter.reject(signal.reason);
        this.onLeave();
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    this.waiters.push(waiter);
    this.live++;
  }

  /** Starts the first waiter, and returns what its `start` returned: undefined when nobody waits. */
  startFirst(): R | undefined {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head++] as Waiter<R>;
      if (waiter.gone) continue;
      this.remove(waiter);
      this.compact();
      return waiter.start();
    }
    this.compact();
    return undefined;
  }

  /** Rejects the last waiter with `reason` (one start fewer can be served). */
  rejectLast(reason: unknown): void {
    for (let i = this.waiters.length - 1; i >= this.head; i--) {
      const waiter = this.waiters[i] as Waiter<R>;
      if (waiter.gone) continue;
      this.remove(waiter);
      waiter.reject(reason);
      this.compact();
      return;
    }
  }

  /** Rejects every waiter with `reason`. */
  dropAll(reason: unknown): void {
    const waiters = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    for (const waiter of waiters) {
      if (waiter.gone) continue;
      this.remove(waiter);
      waiter.reject(reason);
    }
  }

  private remove(waiter: Waiter<R>): void {
    waiter.gone = true;
    this.live--;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  /** The array keeps only who may still wait: emptied when nobody does, halved when its passed part is large. */
  private compact(): void {
    if (this.live === 0) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
