import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnswerBook } from '../../pipeline/dedupe/AnswerBook.js';
import { DedupeBatcher, type Answers } from '../../pipeline/dedupe/DedupeBatcher.js';
import type { DoneMarks, FlushReply, FlushRequest } from '../../pipeline/dedupe/DedupeStore.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import { PartitionWork } from '../../pipeline/runtime/PartitionWork.js';

/**
 * Done marks in memory that count round trips: every call is one. While `held`, replies wait until `release()`
 * (a slow Redis); while `down`, every call fails (Redis unreachable).
 */
class CountingMarks implements DoneMarks {
  readonly stored = new Set<string>();
  /** `ran` offsets by partition name. */
  readonly ran = new Map<string, number>();
  readonly calls: {
    readonly ran: readonly string[];
    readonly marks: readonly string[];
    readonly reads: readonly string[];
    readonly checks: readonly string[];
  }[] = [];
  held = false;
  down = false;
  private waiting: (() => void)[] = [];

  checks(): (readonly string[])[] {
    return this.calls.filter((c) => c.checks.length > 0).map((c) => c.checks);
  }
  marks(): (readonly string[])[] {
    return this.calls.filter((c) => c.marks.length > 0).map((c) => c.marks);
  }

  async flush(request: FlushRequest): Promise<FlushReply> {
    const [ran, marks, reads, checks] = [request.ran, request.marks, request.reads, request.checks].map((l) =>
      l.toArray(),
    ) as [string[], string[], string[], string[]];
    this.calls.push({ ran, marks, reads, checks });
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    for (const entry of ran) {
      const [offset, name] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
      this.ran.set(name, Math.max(this.ran.get(name) ?? -1, Number(offset)));
    }
    for (const id of marks) this.stored.add(id);
    return { done: checks.map((id) => this.stored.has(id)), ran: reads.map((name) => this.ran.get(name) ?? -1) };
  }

  release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }
}

function fakeLog() {
  const log = { warn: vi.fn(), info: vi.fn() };
  return { log, logger: log as unknown as Logger };
}

/** Lets the batcher's end-of-turn flush run and the fake's replies come back. */
async function nextTurn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

function setUp() {
  const marks = new CountingMarks();
  const { log, logger } = fakeLog();
  return { marks, log, dedupe: new DedupeBatcher(marks, logger) };
}

/**
 * One partition's records, record n at offset n. With `ownIds`, `ids[n]` is its `ts-id` header (as a retry copy's
 * or a task enqueued with an id); without, its id is its position (`p-<n>` here) and `ids` only sets the count.
 */
function partition(dedupe: DedupeBatcher, ids: readonly string[], ownIds = false) {
  const book: Answers = new AnswerBook('p-', 'p');
  const own = (n: number): string | undefined => (ownIds ? ids[n] : undefined);
  return {
    book,
    fetched: (from = 0, to = ids.length): void => {
      for (let n = from; n < to; n++) void dedupe.expect(book, String(n), own(n));
    },
    check: (n: number) => dedupe.check(book, String(n), own(n)),
    done: (n: number) => dedupe.markDone(book, String(n), own(n)),
    handingOff: (n: number) => dedupe.handingOff(book, String(n), own(n)),
  };
}

const positions = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `p-${from + i}`);

describe('DedupeBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("checks a fetch's records in one round trip, and answers each job without waiting", async () => {
    const { marks, dedupe } = setUp();
    marks.stored.add('p-3');
    const part = partition(dedupe, positions(0, 500));
    part.fetched();
    expect(marks.calls).toEqual([]);
    await nextTurn();
    expect(marks.checks()).toEqual([positions(0, 500)]);
    expect(positions(0, 500).map((_, n) => part.check(n))).toEqual(positions(0, 500).map((id) => id === 'p-3'));
    expect(marks.calls).toHaveLength(1);
    expect(part.book.size).toBe(0);
  });

  it('asks once for a record fetched twice (a re-fetch after a seek)', async () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, positions(0, 4));
    part.fetched(0, 3);
    part.fetched(1, 4);
    await nextTurn();
    expect(marks.checks()).toEqual([positions(0, 4)]);
  });

  it('a job that starts before its answer waits for the same round trip', async () => {
    const { marks, dedupe } = setUp();
    marks.stored.add('b');
    const part = partition(dedupe, ['a', 'b'], true);
    part.fetched();
    const a = part.check(0);
    const b = part.check(1);
    expect(a).toBeInstanceOf(Promise);
    expect(await Promise.all([a, b])).toEqual([false, true]);
    expect(marks.checks()).toEqual([['a', 'b']]);
  });

  it('coalesces checks of jobs not announced (a retry in place) with the rest of their turn', async () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, ['x', 'y', 'z'], true);
    const answers = Promise.all([0, 1, 2].map((n) => part.check(n)));
    expect(await answers).toEqual([false, false, false]);
    expect(marks.checks()).toEqual([['x', 'y', 'z']]);
  });

  it('writes the marks of one turn in one call; written() settles only once they are stored', async () => {
    const { marks, dedupe } = setUp();
    marks.held = true;
    const part = partition(dedupe, positions(0, 300));
    for (let n = 0; n < 300; n++) void part.done(n);
    let written = false;
    void dedupe.written().then(() => (written = true));
    // written() sends what is queued at once rather than waiting for the end of the turn.
    expect(marks.marks()).toEqual([positions(0, 300)]);
    await nextTurn();
    expect(written).toBe(false);
    marks.release();
    await nextTurn();
    expect(written).toBe(true);
    expect(marks.stored.size).toBe(300);
    expect(marks.calls).toHaveLength(1);
  });

  it('written() waits for earlier flushes still in flight, and settles at once when nothing is queued', async () => {
    const { marks, dedupe } = setUp();
    await dedupe.written();
    marks.held = true;
    const part = partition(dedupe, ['first', 'second'], true);
    void part.done(0);
    await nextTurn();
    void part.done(1);
    let written = false;
    void dedupe.written().then(() => (written = true));
    expect(marks.marks()).toEqual([['first'], ['second']]);
    marks.release();
    await nextTurn();
    expect(written).toBe(true);
  });

  it("sends a turn's marks and checks in one round trip, marks first, so a check finds them", async () => {
    const { marks, dedupe } = setUp();
    const done = partition(dedupe, ['a', 'b'], true);
    const fetched = partition(dedupe, ['a'], true);
    void done.done(0);
    fetched.fetched();
    void done.done(1);
    expect(await fetched.check(0)).toBe(true);
    expect(marks.calls).toEqual([{ ran: [], marks: ['a', 'b'], reads: [], checks: ['a'] }]);
  });

  it('a retry copy asked about before its source completes counts as done once the source does', async () => {
    const { marks, dedupe } = setUp();
    marks.held = true;
    // The source (its id is its position, p-0) runs in the main topic; its retry copy carries that id.
    const source = partition(dedupe, ['p-0']);
    const copies = partition(dedupe, ['p-0'], true);
    copies.fetched();
    await nextTurn();
    expect(marks.checks()).toEqual([['p-0']]);
    void source.done(0);
    marks.release();
    await nextTurn();
    marks.release();
    expect(await copies.check(0)).toBe(true);
  });

  it('the same holds for a copy whose answer had already come', async () => {
    const { dedupe } = setUp();
    const first = partition(dedupe, ['dup'], true);
    const copies = partition(dedupe, ['dup', 'other'], true);
    copies.fetched();
    await nextTurn();
    void first.done(0);
    expect(copies.check(0)).toBe(true);
    expect(copies.check(1)).toBe(false);
  });

  it('a retry in place asks again: its answer was taken by its first attempt', async () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, ['own'], true);
    part.fetched();
    await nextTurn();
    expect(part.check(0)).toBe(false);
    const again = part.check(0);
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe(false);
    expect(marks.checks()).toEqual([['own'], ['own']]);
  });

  it("reads where a partition's fresh offsets begin with its first fetch, and asks nothing after them", async () => {
    const { marks, dedupe } = setUp();
    marks.ran.set('p', 4);
    marks.stored.add('p-2');
    const part = partition(dedupe, positions(0, 20));
    part.fetched(0, 10);
    await nextTurn();
    expect(marks.calls).toEqual([{ ran: [], marks: [], reads: ['p'], checks: positions(0, 10) }]);
    expect([0, 1, 2, 3, 4, 5].map((n) => part.check(n))).toEqual([false, false, true, false, false, false]);
    // Later fetches: at or below 4 is asked (a redelivery), after it is known not done at once.
    part.fetched(10, 20);
    expect(part.check(15)).toBe(false);
    await nextTurn();
    expect(marks.calls).toHaveLength(1);
    expect(part.book.size).toBe(4);
  });

  it("raises a partition's ran offset before its marks, and before a copy of a record is handed off", async () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, positions(0, 10));
    void part.done(7);
    void part.done(3);
    await dedupe.written();
    expect(marks.calls[0]).toEqual({ ran: ['7:p'], marks: ['p-7', 'p-3'], reads: [], checks: [] });
    marks.held = true;
    let sent = false;
    void part.handingOff(9).then(() => (sent = true));
    await nextTurn();
    expect(sent).toBe(false);
    marks.release();
    await nextTurn();
    expect(sent).toBe(true);
    expect(marks.ran.get('p')).toBe(9);
    // A record with an id of its own is not covered by the ran offset: nothing to raise.
    await partition(dedupe, ['own'], true).handingOff(0);
    expect(marks.calls).toHaveLength(2);
  });

  it('a partition kept through a rebalance asks again: another worker may have run it in a generation missed', async () => {
    const { marks, dedupe } = setUp();
    const part = new PartitionWork({ topic: 't', partition: 0 });
    void dedupe.expect(part.answers, '0', undefined);
    void dedupe.expect(part.answers, '1', undefined);
    await nextTurn();
    // Meanwhile another owner ran offsets 0 to 5.
    marks.ran.set('t:0', 5);
    for (const n of [0, 1, 3]) marks.stored.add(`t-0-${n}`);
    expect(dedupe.check(part.answers, '3', undefined)).toBe(false);
    part.forgetAnswers();
    void dedupe.expect(part.answers, '3', undefined);
    expect(await dedupe.check(part.answers, '1', undefined)).toBe(true);
    expect(await dedupe.check(part.answers, '3', undefined)).toBe(true);
    expect(marks.calls.at(-1)?.reads).toEqual(['t:0']);
  });

  it('records with an id of their own are always asked about', async () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, positions(0, 2));
    part.fetched(0, 1);
    await nextTurn();
    const copies = partition(dedupe, ['x', 'y'], true);
    copies.fetched();
    await nextTurn();
    expect(marks.calls.map((c) => [c.reads, c.checks])).toEqual([
      [['p'], ['p-0']],
      [[], ['x', 'y']],
    ]);
  });

  it('sends a thousand ids at once, without waiting for the end of the turn', () => {
    const { marks, dedupe } = setUp();
    const part = partition(dedupe, positions(0, 1500));
    for (let n = 0; n < 1500; n++) void part.done(n);
    expect(marks.marks().map((m) => m.length)).toEqual([1000]);
  });

  it('holds fetched records back while Redis is behind with the marks', async () => {
    const { marks, dedupe } = setUp();
    marks.held = true;
    const part = partition(dedupe, positions(0, 9000));
    for (let n = 0; n < 8000; n++) void part.done(n);
    expect(dedupe.backlog()).toBeUndefined();
    for (let n = 8000; n < 9000; n++) void part.done(n);
    const caughtUp = dedupe.backlog();
    expect(caughtUp).toBeInstanceOf(Promise);
    let settled = false;
    void caughtUp?.then(() => (settled = true));
    await nextTurn();
    expect(settled).toBe(false);
    marks.release();
    await nextTurn();
    expect(settled).toBe(true);
    expect(dedupe.backlog()).toBeUndefined();
  });

  it('with Redis down, tasks run and complete (fail open), warned once per outage', async () => {
    const { marks, log, dedupe } = setUp();
    marks.down = true;
    for (let turn = 0; turn < 3; turn++) {
      const part = partition(dedupe, [`${turn}a`, `${turn}b`, `${turn}done`], true);
      const answers = Promise.all([part.check(0), part.check(1)]);
      void part.done(2);
      expect(await answers).toEqual([false, false]);
      await dedupe.written();
    }
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.info).not.toHaveBeenCalled();

    marks.down = false;
    void partition(dedupe, ['back'], true).done(0);
    await dedupe.written();
    expect(marks.stored.has('back')).toBe(true);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info.mock.calls[0]?.[0]).toEqual({ checks: 6, marks: 3 });

    marks.down = true;
    await partition(dedupe, ['again'], true).check(0);
    expect(log.warn).toHaveBeenCalledTimes(2);
  });

  it('forgets copies still waiting after one to two minutes: they ask again when they start', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { marks, dedupe } = setUp();
    const copies = partition(dedupe, ['kept', 'waited'], true);
    const other = partition(dedupe, ['x', 'y'], true);
    copies.fetched();
    await nextTurn();
    vi.setSystemTime(Date.now() + 61_000);
    void other.done(0);
    await nextTurn();
    // One generation back: still known, answered without asking.
    expect(copies.check(0)).toBe(false);
    vi.setSystemTime(Date.now() + 61_000);
    void other.done(1);
    await nextTurn();
    const asked = copies.check(1);
    expect(asked).toBeInstanceOf(Promise);
    expect(await asked).toBe(false);
    expect(marks.checks()).toEqual([['kept', 'waited'], ['waited']]);
  });
});
