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
  private current = new Map<string, Copy>();
  private older = new Map<string, Copy>();
  private rotatedAt = Date.now();

  get empty(): boolean {
    return this.current.size === 0 && this.older.size === 0;
  }

  add(taskId: string, book: AnswerBook<unknown>, offset: number): void {
    this.current.set(taskId, { book, offset });
  }

  /** A copy of this task completed: a copy still waiting for its answer must not run. */
  done(taskId: string): void {
    const copy = this.current.get(taskId) ?? this.older.get(taskId);
    if (copy !== undefined && copy.book.get(copy.offset) !== undefined) copy.book.set(copy.offset, true);
  }

  /** The record's answer was taken. */
  taken(taskId: string, book: AnswerBook<unknown>, offset: number): void {
    for (const copies of [this.current, this.older]) {
      const copy = copies.get(taskId);
      if (copy !== undefined && copy.book === book && copy.offset === offset) copies.delete(taskId);
    }
  }

  /** Drops the older generation, if due. */
  rotate(): void {
    const now = Date.now();
    if (now - this.rotatedAt < FORGET_AFTER_MS) return;
    this.rotatedAt = now;
    // A copy no longer known by id could miss a mark of its id: its answer goes too, asked again when it starts.
    for (const copy of this.older.values()) copy.book.take(copy.offset);
    this.older = this.current;
    this.current = new Map();
  }
}
