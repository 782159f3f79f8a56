import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../pipeline/runtime/OffsetTracker.js';

/** A tracker with `offsets` registered, and a function completing an offset by its number. */
function tracking(...offsets: number[]): { tracker: OffsetTracker; complete: (offset: number) => void } {
  const tracker = new OffsetTracker();
  const tickets = new Map<number, number>();
  for (const o of offsets) tickets.set(o, tracker.add(String(o)));
  return { tracker, complete: (o) => tracker.complete(tickets.get(o) as number) };
}

/** A small seeded generator (mulberry32) so the shuffles are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('OffsetTracker', () => {
  it('has nothing to commit before any offset completes', () => {
    expect(new OffsetTracker().committable()).toBeUndefined();
    expect(tracking(0, 1, 2).tracker.committable()).toBeUndefined();
  });

  it('commits the offset after the completed one (the next offset to read)', () => {
    const { tracker, complete } = tracking(0, 1, 2);
    complete(0);
    expect(tracker.committable()).toBe('1');
  });

  it('does not commit past an offset that is still running, whatever completed after it', () => {
    const { tracker, complete } = tracking(0, 1, 2);
    complete(1);
    complete(2);
    expect(tracker.committable()).toBeUndefined();
  });

  it('commits the whole prefix once the earliest running offset completes', () => {
    const { tracker, complete } = tracking(0, 1, 2, 3);
    complete(2);
    complete(1);
    complete(0);
    expect(tracker.committable()).toBe('3');
  });

  it('treats gaps in offset numbers (transaction markers, compaction) as contiguous', () => {
    const { tracker, complete } = tracking(10, 12, 15);
    complete(10);
    expect(tracker.committable()).toBe('11');
    complete(15);
    expect(tracker.committable()).toBe('11');
    complete(12);
    expect(tracker.committable()).toBe('16');
  });

  it('ignores a ticket completed twice', () => {
    const { tracker, complete } = tracking(0, 1);
    complete(0);
    complete(0);
    expect(tracker.committable()).toBe('1');
    expect(tracker.outstanding).toBe(1);
  });

  it('ignores a ticket it never handed out', () => {
    const { tracker } = tracking(0);
    tracker.complete(99);
    tracker.complete(-1);
    expect(tracker.committable()).toBeUndefined();
    expect(tracker.outstanding).toBe(1);
  });

  it('has nothing new to commit right after markCommitted', () => {
    const { tracker, complete } = tracking(0, 1);
    complete(0);
    tracker.markCommitted(tracker.committable() as string);
    expect(tracker.committable()).toBeUndefined();
  });

  it('offers a commit again once the prefix moves past the committed offset', () => {
    const { tracker, complete } = tracking(0, 1);
    complete(0);
    tracker.markCommitted('1');
    complete(1);
    expect(tracker.committable()).toBe('2');
  });

  it('never moves the committed mark backwards', () => {
    const { tracker, complete } = tracking(0, 1, 2);
    complete(0);
    complete(1);
    tracker.markCommitted('2');
    tracker.markCommitted('1');
    expect(tracker.committable()).toBeUndefined();
  });

  it('counts as outstanding every registered offset not yet in the completed prefix', () => {
    const { tracker, complete } = tracking(0, 1, 2);
    expect(tracker.outstanding).toBe(3);
    complete(1);
    expect(tracker.outstanding).toBe(3);
    complete(0);
    expect(tracker.outstanding).toBe(1);
  });

  it('throws a RangeError when an offset is registered out of order', () => {
    const { tracker } = tracking(5);
    expect(() => tracker.add('4')).toThrow(RangeError);
    expect(() => tracker.add('4')).toThrow(/offset 4 registered out of order \(after 5\)/);
  });

  it('throws a RangeError when the same offset is registered twice', () => {
    expect(() => tracking(5).tracker.add('5')).toThrow(RangeError);
  });

  it('throws a RangeError for an offset at or below the completed prefix, with nothing pending', () => {
    const { tracker, complete } = tracking(5);
    complete(5);
    expect(() => tracker.add('5')).toThrow(/offset 5 registered out of order \(after 5\)/);
  });

  it('throws a RangeError for an offset it cannot hold exactly', () => {
    expect(() => new OffsetTracker().add('9007199254740993')).toThrow(RangeError);
    expect(() => new OffsetTracker().add('9007199254740993')).toThrow(/offset 9007199254740993 is beyond/);
  });

  it('stays right past compaction: 5000 offsets with gaps, completed in random order', () => {
    const offsets = Array.from({ length: 5000 }, (_, i) => 1000 + i * 2 + (i % 7 === 0 ? 1 : 0));
    const { tracker, complete } = tracking(...offsets);
    const index = new Map(offsets.map((o, i) => [o, i]));
    const done = new Array<boolean>(offsets.length).fill(false);
    let prefix = 0;
    for (const o of shuffled(offsets, seeded(42))) {
      complete(o);
      done[index.get(o) as number] = true;
      while (prefix < offsets.length && done[prefix]) prefix++;
      const expected = prefix === 0 ? undefined : String((offsets[prefix - 1] as number) + 1);
      expect(tracker.committable()).toBe(expected);
      expect(tracker.outstanding).toBe(offsets.length - prefix);
    }
    expect(tracker.committable()).toBe(String((offsets[offsets.length - 1] as number) + 1));
  });

  it('stays right past compaction while new offsets keep arriving', () => {
    const tracker = new OffsetTracker();
    const random = seeded(7);
    let next = 0;
    let running: { offset: number; ticket: number }[] = [];
    for (let round = 0; round < 120; round++) {
      for (let i = 0; i < 100; i++) {
        running.push({ offset: next, ticket: tracker.add(String(next)) });
        next += 1 + (i % 3);
      }
      // Complete all but the latest few, in random order; the oldest unfinished one bounds the commit.
      const finishing = running.slice(0, -5);
      const lastFinished = finishing[finishing.length - 1]?.offset as number;
      running = running.slice(-5);
      for (const { ticket } of shuffled(finishing, random)) tracker.complete(ticket);
      expect(tracker.committable()).toBe(String(lastFinished + 1));
      expect(tracker.outstanding).toBe(5);
    }
  });
});
