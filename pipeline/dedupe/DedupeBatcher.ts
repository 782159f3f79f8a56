import { toError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { DoneMarks, FlushReply } from './DedupeStore.js';
import { IdList, IDS_PER_COMMAND } from './IdList.js';
import type { AnswerBook } from './AnswerBook.js';
import { WaitingCopies } from './WaitingCopies.js';

/** A partition's answers, as this batcher keeps them. */
export type Answers = AnswerBook<CheckRound>;

/** The checks sent in one flush: every record asked about there waits on it. */
class CheckRound {
  readonly ids = new IdList();
  /** Where each answer goes: books[i] at offsets[i] (parallel arrays: no object per record); none for a retry. */
  readonly books: (Answers | undefined)[] = [];
  readonly offsets: number[] = [];
  /** The answers, once in, in the order asked. */
  done: readonly boolean[] = [];
  settle!: () => void;
  readonly answered = new Promise<void>((resolve) => (this.settle = resolve));
}

/** What one flush sends, in one round trip: marks first, then checks, so a check finds every mark queued before it. */
class Flush {
  readonly marks = new IdList();
  /** Partitions whose `ran` offset goes up in this flush, and to what, before the marks. */
  readonly ranTo = new Map<Answers, number>();
  /** Partitions whose `ran` offset this flush reads. */
  readonly readBooks: Answers[] = [];
  readonly checks = new CheckRound();
  stored!: () => void;
  /** Settles once this flush's marks are stored, or failed (dedupe fails open). */
  readonly written = new Promise<void>((resolve) => (this.stored = resolve));
}

const WRITTEN: Promise<void> = Promise.resolve();
const NO_REPLY: FlushReply = { done: [], ran: [] };

/**
 * Marks sent and not yet stored beyond which fetched records wait (see `backlog`): a few commands' worth, a few
 * tens of milliseconds of Redis's time on a busy machine.
 */
const MAX_UNSTORED_MARKS = 8 * IDS_PER_COMMAND;

/**
 * Dedupe for a whole task type in one round trip per event-loop turn (or per thousand ids) instead of two per
 * task. Fetched records that will run are asked about when they arrive (`expect`), a fetch's worth in one round
 * trip, and wait in their partition's fetch buffer until the answers are in; each answer waits in its
 * partition's book until the record's job takes it (`check`). Done marks of the tasks that complete in one turn
 * go in the same round trip (`markDone`), after the partition's `ran` offset is raised to cover them.
 *
 * Most records are not asked about at all: a partition's first fetch also reads its `ran` offset (see
 * DedupeStore), and a later record past it without an id of its own had no mark when it was read. One can come
 * later only from another worker (one still finishing the partition's tasks after a rebalance moved it, or of
 * a version before `ran` keys existed): that task runs again, as after a crash. A record is never skipped on
 * the strength of the `ran` offset, only run.
 *
 * A mark is stored before its task's offset can be committed, kept by the committer rather than per task: a
 * commit first waits for `written()`, which settles once every mark queued so far is stored. A task below a
 * committed offset completed before that commit began, so its mark was queued before it too.
 *
 * An answer asked early can be overtaken by this process: two copies of one task id (a retry-tier copy and its
 * redelivered source, a task enqueued twice) may be fetched before the first completes. A record with an id of
 * its own is therefore noted by id, and a mark of that id makes its answer "done". Other processes are ordered
 * by Redis: a check is sent after every mark queued before it.
 *
 * Redis being down does not stop work: checks answer "not done" (the task runs: at-least-once), marks are
 * dropped, and it is logged once per outage rather than once per task.
 */
export class DedupeBatcher {
  private readonly copies = new WaitingCopies();
  private next: Flush | undefined;
  /** Settles once every mark of every flush sent so far is stored (or failed). */
  private allWritten: Promise<void> = WRITTEN;
  private outage: { checks: number; marks: number } | undefined;
  /** Marks sent and not yet answered, and the flushes that carry them, oldest first. */
  private unstored = 0;
  private readonly sent: Flush[] = [];

  constructor(
    private readonly store: DoneMarks,
    private readonly log: Logger,
  ) {}

  /**
   * A fetched record will run: ask now, with the rest of this turn's. `ownId`: its `ts-id` header, if it has one
   * (else its id is its position). Returns when its answer is in, unless it is already.
   */
  expect(book: Answers, offset: string, ownId: string | undefined): Promise<void> | undefined {
    const at = Number(offset);
    if (ownId === undefined && book.isFresh(at)) return undefined;
    const known = book.get(at);
    if (known !== undefined) return typeof known === 'boolean' ? undefined : known.answered;
    if (ownId !== undefined) this.copies.add(ownId, book, at);
    else if (book.freshAfter === undefined && !book.reading) {
      // The partition's first fetch: asked about record by record, and where its fresh offsets begin.
      book.reading = true;
      this.pending().readBooks.push(book);
    }
    const round = this.pending().checks;
    this.ask(round, book, offset, ownId, true);
    book.set(at, round);
    return round.answered;
  }

  /**
   * Whether the record's task is done already: at once when its answer came, else when it comes. The answer is
   * taken: if the job runs again (a retry in place), it asks again.
   */
  check(book: Answers, offset: string, ownId: string | undefined): boolean | Promise<boolean> {
    const at = Number(offset);
    const answer = book.get(at);
    if (answer === undefined) {
      if (ownId === undefined && book.isFresh(at)) return false;
      // Not asked when fetched (a retry in place, whose answer its first attempt took): ask now, on its own.
      const round = this.pending().checks;
      const i = this.ask(round, book, offset, ownId, false);
      return round.answered.then(() => round.done[i] === true);
    }
    if (typeof answer === 'boolean') {
      book.take(at);
      if (ownId !== undefined && !this.copies.empty) this.copies.taken(ownId, book, at);
      return answer;
    }
    return answer.answered.then(() => this.check(book, offset, ownId));
  }

  /**
   * Queues the record's done mark. Returns when it is stored (or failed); callers that only need the commit to
   * wait for it may ignore that, since commits wait for `written()`.
   */
  markDone(book: Answers, offset: string, ownId: string | undefined): Promise<void> {
    if (!this.copies.empty) this.copies.done(ownId ?? book.idPrefix + offset);
    const flush = this.pending();
    if (ownId === undefined) {
      this.ranTo(flush, book, Number(offset));
      flush.marks.addPosition(book.idPrefixBytes, offset);
    } else flush.marks.add(ownId);
    this.sendIfFull(flush);
    return flush.written;
  }

  /**
   * A copy of the record is about to be handed off (a retry tier, the dead-letter topic): it carries the
   * record's id, so if that id is its position, its partition's `ran` offset must cover it first. Returns when
   * stored (or failed).
   */
  handingOff(book: Answers, offset: string, ownId: string | undefined): Promise<void> {
    if (ownId !== undefined) return WRITTEN;
    const flush = this.pending();
    this.ranTo(flush, book, Number(offset));
    return flush.written;
  }

  /**
   * When Redis stores marks more slowly than tasks complete, returns when it has stored the oldest flush sent:
   * fetched records wait for it, so that marks do not pile up unstored (the window in which a crash repeats a
   * task would grow with them, and so would memory). Undefined when it keeps up.
   */
  backlog(): Promise<void> | undefined {
    return this.unstored > MAX_UNSTORED_MARKS ? this.sent[0]?.written : undefined;
  }

  /** Settles once every mark queued before this call is stored or failed: commits wait for it. */
  written(): Promise<void> {
    if (this.next !== undefined && (this.next.marks.count > 0 || this.next.ranTo.size > 0)) this.flush();
    return this.allWritten;
  }

  private ranTo(flush: Flush, book: Answers, offset: number): void {
    const to = flush.ranTo.get(book);
    if (to === undefined || offset > to) flush.ranTo.set(book, offset);
  }

  /** Adds the record's id to the round's checks, its answer to go to its book if `booked`; returns its index. */
  private ask(round: CheckRound, book: Answers, offset: string, ownId: string | undefined, booked: boolean): number {
    if (ownId === undefined) round.ids.addPosition(book.idPrefixBytes, offset);
    else round.ids.add(ownId);
    round.books.push(booked ? book : undefined);
    round.offsets.push(Number(offset));
    if (this.next !== undefined) this.sendIfFull(this.next);
    return round.ids.count - 1;
  }

  /**
   * A command's worth goes at once rather than at the end of the turn: a turn that runs a whole fetch inline is
   * long, and a mark waiting for its end keeps the window in which a crash repeats its task open (measured at
   * full speed: a median of 450 ms waiting for the turn and the large flush behind it, against tens of ms).
   */
  private sendIfFull(flush: Flush): void {
    if (flush.marks.count + flush.checks.ids.count >= IDS_PER_COMMAND) this.flush();
  }

  private pending(): Flush {
    if (this.next === undefined) {
      this.copies.rotate();
      this.next = new Flush();
      // After the turn: everything fetched or completed in it goes in one flush.
      setImmediate(() => this.flush());
    }
    return this.next;
  }

  private flush(): void {
    const flush = this.next;
    if (flush === undefined) return;
    this.next = undefined;
    const { marks, checks, readBooks } = flush;
    const ran = new IdList();
    for (const [book, to] of flush.ranTo) ran.add(`${to}:${book.partitionName}`);
    const reads = new IdList();
    for (const book of readBooks) reads.add(book.partitionName);
    if (marks.count > 0) {
      this.unstored += marks.count;
      this.sent.push(flush);
    }
    this.store.flush({ ran, marks, reads, checks: checks.ids }).then(
      (reply) => {
        this.recovered();
        this.answered(flush, reply);
      },
      (err: unknown) => {
        this.failed(err, marks.count, checks.ids.count);
        this.answered(flush, NO_REPLY);
      },
    );
    if (marks.count > 0 || flush.ranTo.size > 0)
      this.allWritten = Promise.all([this.allWritten, flush.written]).then(() => undefined);
  }

  /** A flush's reply came, or none will (Redis down: nothing read, nothing done). */
  private answered(flush: Flush, reply: FlushReply): void {
    if (flush.marks.count > 0) {
      this.unstored -= flush.marks.count;
      // Flushes are answered in the order sent (one connection).
      this.sent.splice(this.sent.indexOf(flush), 1);
    }
    this.read(flush.readBooks, reply.ran);
    this.settle(flush.checks, reply.done);
    flush.stored();
  }

  /** Where each read partition's fresh offsets begin; one not read (Redis down) is read with its next fetch. */
  private read(books: readonly Answers[], ran: readonly number[]): void {
    for (const [i, book] of books.entries()) {
      book.reading = false;
      if (ran[i] !== undefined) book.freshAfter = ran[i];
    }
  }

  /** Gives each record of the round its answer, unless a mark made it done meanwhile. No answer: not done. */
  private settle(round: CheckRound, done: readonly boolean[]): void {
    const { books, offsets } = round;
    round.done = done;
    for (let i = 0; i < books.length; i++) {
      const book = books[i];
      const offset = offsets[i] as number;
      if (book !== undefined && book.get(offset) === round) book.set(offset, done[i] === true);
    }
    round.settle();
  }

  private failed(err: unknown, marks: number, checks: number): void {
    if (this.outage === undefined) {
      this.outage = { checks: 0, marks: 0 };
      this.log.warn(
        { err: toError(err) },
        'dedupe unavailable (Redis down?): tasks run unchecked and complete unmarked, so a redelivery would run them again; logged once until Redis answers',
      );
    }
    this.outage.marks += marks;
    this.outage.checks += checks;
  }

  private recovered(): void {
    if (this.outage === undefined) return;
    this.log.info(this.outage, 'dedupe answers again; the counts are the checks and marks lost during the outage');
    this.outage = undefined;
  }
}
