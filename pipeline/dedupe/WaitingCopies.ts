import type { AnswerBook } from './AnswerBook.js';

/** Where a record with an id of its own waits for its answer. */
interface Copy {
  readonly book: AnswerBook<unknown>;
  readonly offset: number;
}

/** How long a copy is known by id at least; one still waiting after that asks again when it starts. */
const FORGET_AFTER_MS = 60_000;

/**
 * Fetched records with an id of their own (a `ts-id` header) whose answer waits in their partition's book, by
 * id: when another copy of the task completes in this process, their answer becomes "done", whatever Redis said
 * when asked. Deleted as their answer is taken; kept in two generations, so that those never taken (their
 * partition was revoked) are dropped at a rotation.
 */
export class WaitingCopies {
  // Several copies of one id can wait at once (copies of a delayed task's hop repeated after a crash, in two
  // tiers): each must learn of a mark, not only the one noted last.
  private current = new Map<string, Copy[]>();
  private older = new Map<string, Copy[]>();
  private rotatedAt = Date.now();

  get empty(): boolean {
    return this.current.size === 0 && this.older.size === 0;
  }

  add(taskId: string, book: AnswerBook<unknown>, offset: number): void {
    const copies = this.current.get(taskId);
    if (copies === undefined) this.current.set(taskId, [{ book, offset }]);
    else copies.push({ book, offset });
  }

  /** A copy of this task completed: a copy still waiting for its answer must not run. */
  done(taskId: string): void {
    for (const generation of [this.current, this.older]) {
      for (const copy of generation.get(taskId) ?? []) {
        if (copy.book.get(copy.offset) !== undefined) copy.book.set(copy.offset, true);
      }
    }
  }

  /** The record's answer was taken. */
  taken(taskId: string, book: AnswerBook<unknown>, offset: number): void {
    for (const generation of [this.current, this.older]) {
      const copies = generation.get(taskId);
      if (copies === undefined) continue;
      const left = copies.filter((c) => c.book !== book || c.offset !== offset);
      if (left.length === 0) generation.delete(taskId);
      else if (left.length < copies.length) generation.set(taskId, left);
    }
  }

  /** Drops the older generation, if due. */
  rotate(): void {
    const now = Date.now();
    if (now - this.rotatedAt < FORGET_AFTER_MS) return;
    this.rotatedAt = now;
    // A copy no longer known by id could miss a mark of its id: its answer goes too, asked again when it starts.
    for (const copies of this.older.values()) for (const copy of copies) copy.book.take(copy.offset);
    this.older = this.current;
    this.current = new Map();
  }
}
