import { describe, expect, it } from 'vitest';
import { AnswerBook } from '../../pipeline/dedupe/AnswerBook.js';

describe('AnswerBook', () => {
  it('keeps answers by offset, with gaps, until taken', () => {
    const book = new AnswerBook<'pending'>('t-0-', 't:0');
    book.set(10, 'pending');
    book.set(11, false);
    book.set(14, true);
    expect(book.get(12)).toBeUndefined();
    book.set(10, true);
    expect(book.take(10)).toBe(true);
    expect(book.take(10)).toBeUndefined();
    expect(book.get(11)).toBe(false);
    expect(book.size).toBe(4);
    expect(book.take(14)).toBe(true);
    expect(book.take(11)).toBe(false);
    expect(book.size).toBe(0);
  });

  it('does not keep an answer for an offset before those it holds (a retry whose answer was taken)', () => {
    const book = new AnswerBook<never>('t-0-', 't:0');
    book.set(5, false);
    book.set(6, false);
    book.take(5);
    book.set(5, true);
    expect(book.get(5)).toBeUndefined();
    expect(book.get(6)).toBe(false);
  });

  it('starts again where the next answer is once every answer was taken, and stays small', () => {
    const book = new AnswerBook<never>('t-0-', 't:0');
    for (let o = 0; o < 20_000; o++) book.set(o, false);
    // A record waiting for its key holds the head back while the others are taken.
    for (let o = 1; o < 20_000; o++) book.take(o);
    expect(book.size).toBe(20_000);
    book.take(0);
    expect(book.size).toBe(0);
    book.set(1_000_000, true);
    expect(book.size).toBe(1);
    expect(book.take(1_000_000)).toBe(true);
  });

  it('makes the id prefix of records without an id of their own', () => {
    expect(new AnswerBook<never>('tasks.t-3-', 'tasks.t:3').idPrefixBytes.toString()).toBe('tasks.t-3-');
  });

  it('knows an offset fresh only after its ran offset was read', () => {
    const book = new AnswerBook<never>('t-0-', 't:0');
    expect(book.isFresh(5)).toBe(false);
    book.freshAfter = 4;
    expect([book.isFresh(4), book.isFresh(5)]).toEqual([false, true]);
  });
});
