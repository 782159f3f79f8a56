/** Asks the limiter for one slot: `take` runs when the slot is given, and the slot is held until it settles. */
export type AskSlot = (take: () => Promise<void>) => Promise<void>;

interface Waiter {
  readonly fn: () => Promise<unknown>;
  readonly resolve: (value: never) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Left the line: given its slot, aborted, or dropped. */
  gone: boolean;
}

/**
 * The starts waiting for one bottleneck limiter, in order. Bottleneck cannot take a single queued job back, so
 * its jobs here are slots that do not belong to anyone: each one, when given, runs whoever is first in line. A
 * waiter that leaves (its attempt aborted) leaves at once, and the slot asked for it goes to the next in line,
 * or is not asked again for the next one to come: the line never asks for more slots than it has waiters.
 */
export class SlotLine {
  private waiters: Waiter[] = [];
  private head = 0;
  /** Waiters in line. */
  private live = 0;
  /** Slots asked of the limiter and not yet given (or dropped). */
  private asked = 0;

  constructor(
    private readonly ask: AskSlot,
    /** The line has no waiter and has asked for no slot: its owner may forget it. */
    private readonly onEmpty: (line: SlotLine) => void = () => undefined,
  ) {}

  get waiting(): number {
    return this.live;
  }

  /** Runs `fn` in the next slot given; an abort of `signal` before then rejects with its reason, and fn never runs. */
  join<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as unknown);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        fn,
        resolve: resolve as (value: never) => void,
        reject,
        signal,
        onAbort: undefined,
        gone: false,
      };
      if (signal) {
        waiter.onAbort = () => this.leave(waiter, signal.reason);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.live++;
      if (this.asked < this.live) this.askSlot();
    });
  }

  /** Rejects every waiter with `reason` (the limiter drops the slots asked for them). */
  dropAll(reason: unknown): void {
    for (let i = this.head; i < this.waiters.length; i++) this.leave(this.waiters[i] as Waiter, reason);
  }

  private askSlot(): void {
    this.asked++;
    this.ask(this.give).catch((err: unknown) => {
      // Refused or dropped by the limiter (Redis unreachable, or the limiter stopped): one waiter fewer can be
      // served, so the last in line leaves with the limiter's error.
      this.asked--;
      if (this.live > this.asked) this.leave(this.lastInLine() as Waiter, err);
      else this.checkEmpty();
    });
  }

  /** A slot was given: the first in line runs in it (or nobody, if everyone it was asked for has left). */
  private readonly give = async (): Promise<void> => {
    this.asked--;
    const waiter = this.firstInLine();
    if (waiter === undefined) return this.checkEmpty();
    this.remove(waiter);
    try {
      waiter.resolve((await waiter.fn()) as never);
    } catch (err) {
      waiter.reject(err);
    } finally {
      this.checkEmpty();
    }
  };

  private leave(waiter: Waiter, reason: unknown): void {
    if (waiter.gone) return;
    this.remove(waiter);
    waiter.reject(reason);
    this.checkEmpty();
  }

  private remove(waiter: Waiter): void {
    waiter.gone = true;
    this.live--;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  private firstInLine(): Waiter | undefined {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head] as Waiter;
      if (!waiter.gone) {
        // A line that never empties drops what it has passed now and then, so the array stays its length.
        if (this.head >= 1024 && this.head * 2 >= this.waiters.length) {
          this.waiters = this.waiters.slice(this.head);
          this.head = 0;
        }
        return waiter;
      }
      this.head++;
    }
    // Everyone has left: start the array over rather than let it grow.
    this.waiters = [];
    this.head = 0;
    return undefined;
  }

  private lastInLine(): Waiter | undefined {
    for (let i = this.waiters.length - 1; i >= this.head; i--) {
      const waiter = this.waiters[i] as Waiter;
      if (!waiter.gone) return waiter;
    }
    return undefined;
  }

  private checkEmpty(): void {
    if (this.live === 0 && this.asked === 0) {
      this.waiters = [];
      this.head = 0;
      this.onEmpty(this);
    }
  }
}
