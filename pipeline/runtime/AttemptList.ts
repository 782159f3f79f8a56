import type { Attempt } from './Attempt.js';

/**
 * The asynchronous attempts running in one partition (aborted on revoke, swept for timeouts). An array with
 * each attempt's index kept on the attempt, so adding and removing are O(1) and hash nothing: a Set of fresh
 * objects gives each one an identity hash, which was a fifth of the cost of an asynchronous task. Iterating
 * goes over a copy, so attempts may end (and leave the list) during the loop.
 */
export class AttemptList implements Iterable<Attempt> {
  private items: Attempt[] = [];

  get size(): number {
    return this.items.length;
  }

  add(attempt: Attempt): void {
    attempt.slot = this.items.length;
    this.items.push(attempt);
  }

  delete(attempt: Attempt): void {
    const i = attempt.slot;
    if (i < 0 || this.items[i] !== attempt) return;
    const last = this.items.pop() as Attempt;
    if (last !== attempt) {
      this.items[i] = last;
      last.slot = i;
    }
    attempt.slot = -1;
  }

  [Symbol.iterator](): Iterator<Attempt> {
    return this.items.slice()[Symbol.iterator]();
  }
}
