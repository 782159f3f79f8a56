import { startNow } from './Limit.js';
import { WaitLine } from './WaitLine.js';

/** Asks the limiter for one slot: `take` runs when the slot is given, and the slot is held until it settles. */
export type AskSlot = (take: () => Promise<void>) => Promise<void>;

/**
 * The starts waiting for one bottleneck limiter, in order. Bottleneck cannot take a single queued job back, so
 * its jobs here are slots that do not belong to anyone: each one, when given, runs whoever is first in line. A
 * waiter that leaves (its attempt aborted) leaves at once, and the slot asked for it goes to the next in line,
 * or is not asked again for the next one to come: the line never asks for more slots than it has waiters.
 */
export class SlotLine {
  /** A waiter's start runs its work; the slot is held until that settles. */
  private readonly line = new WaitLine<Promise<void>>(() => this.checkEmpty());
  /** Slots asked of the limiter and not yet given (or dropped). */
  private asked = 0;

  constructor(
    private readonly ask: AskSlot,
    /** The line has no waiter and has asked for no slot: its owner may forget it. */
    private readonly onEmpty: (line: SlotLine) => void = () => undefined,
  ) {}

  get waiting(): number {
    return this.line.length;
  }

  /** Runs `fn` in the next slot given; an abort of `signal` before then rejects with its reason, and fn never runs. */
  join<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      this.line.join(() => startNow(fn).then(resolve, reject), reject, signal);
      if (this.asked < this.line.length) this.askSlot();
    });
  }

  /** Rejects every waiter with `reason` (the limiter drops the slots asked for them). */
  dropAll(reason: unknown): void {
    this.line.dropAll(reason);
    this.checkEmpty();
  }

  private askSlot(): void {
    this.asked++;
    this.ask(this.give).catch((err: unknown) => {
      // Refused or dropped by the limiter (Redis unreachable, or the limiter stopped): one waiter fewer can be
      // served, so the last in line leaves with the limiter's error.
      this.asked--;
      if (this.line.length > this.asked) this.line.rejectLast(err);
      this.checkEmpty();
    });
  }

  /** A slot was given: the first in line runs in it (or nobody, if everyone it was asked for has left). */
  private readonly give = async (): Promise<void> => {
    this.asked--;
    try {
      await this.line.startFirst();
    } finally {
      this.checkEmpty();
    }
  };

  private checkEmpty(): void {
    if (this.line.length === 0 && this.asked === 0) this.onEmpty(this);
  }
}
