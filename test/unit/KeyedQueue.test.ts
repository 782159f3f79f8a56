import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../pipeline/runtime/KeyedQueue.js';

function takeAll<T>(queue: KeyedQueue<T>): T[] {
  const out: T[] = [];
  for (let next = queue.take(); next !== undefined; next = queue.take()) out.push(next);
  return out;
}

describe('KeyedQueue', () => {
  it('returns undefined when nothing waits', () => {
    expect(new KeyedQueue<string>().take()).toBeUndefined();
  });

  it('returns a pushed item', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    expect(queue.take()).toBe('a1');
  });

  it("holds back a key's second item while its first is running", () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    expect(queue.take()).toBe('a1');
    expect(queue.take()).toBeUndefined();
  });

  it("returns a key's next item once release(key) is called", () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.take();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it("keeps a key's items in push order", () => {
    const queue = new KeyedQueue<number>();
    for (let i = 0; i < 5; i++) queue.push('k', i);
    const seen: number[] = [];
    for (let next = queue.take(); next !== undefined; next = queue.take()) {
      seen.push(next);
      queue.release('k');
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets different keys run at the same time', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.push('b', 'b1');
    expect(takeAll(queue)).toEqual(['a1', 'b1']);
  });

  it('starts keys in the order they became ready', () => {
    const queue = new KeyedQueue<string>();
    queue.push('b', 'b1');
    queue.push('a', 'a1');
    queue.push('c', 'c1');
    expect(takeAll(queue)).toEqual(['b1', 'a1', 'c1']);
  });

  it('holds back an item pushed while an item of its key is running', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.take();
    queue.push('a', 'a2');
    expect(queue.take()).toBeUndefined();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it('always lets items without a key be taken, with no release in between', () => {
    const queue = new KeyedQueue<string>();
    queue.push(null, 'x');
    queue.push(null, 'y');
    queue.push(null, 'z');
    expect(takeAll(queue)).toEqual(['x', 'y', 'z']);
  });

  it('lets items without a key be taken while every key is blocked', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.take();
    queue.push(null, 'n');
    expect(queue.take()).toBe('n');
  });

  it('ignores release(null)', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.take();
    queue.release(null);
    expect(queue.take()).toBeUndefined();
  });

  it('counts in size the items waiting, not the ones taken', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.push(null, 'n');
    expect(queue.size).toBe(3);
    expect(takeAll(queue)).toHaveLength(2);
    expect(queue.size).toBe(1);
    queue.release('a');
    expect(queue.size).toBe(1);
    queue.take();
    expect(queue.size).toBe(0);
  });

  it('drops every waiting item on clear()', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.push('b', 'b1');
    queue.push(null, 'n');
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.take()).toBeUndefined();
  });

  it('keeps a running key blocked after clear() until it is released', () => {
    const queue = new KeyedQueue<string>();
    queue.push('a', 'a1');
    queue.take();
    queue.clear();
    queue.push('a', 'a2');
    expect(queue.take()).toBeUndefined();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it('keeps per-key order over thousands of items (past its internal compaction)', () => {
    const queue = new KeyedQueue<{ key: string; seq: number }>();
    const keys = ['a', 'b', 'c', 'd'];
    for (let seq = 0; seq < 1500; seq++) for (const key of keys) queue.push(key, { key, seq });
    const lastSeq = new Map<string, number>();
    let taken = 0;
    for (let next = queue.take(); next !== undefined; next = queue.take()) {
      expect(next.seq).toBe((lastSeq.get(next.key) ?? -1) + 1);
      lastSeq.set(next.key, next.seq);
      taken++;
      queue.release(next.key);
    }
    expect(taken).toBe(6000);
    expect(queue.size).toBe(0);
  });

  it('hands out thousands of items without a key in push order (past its internal compaction)', () => {
    const queue = new KeyedQueue<number>();
    const pushed = Array.from({ length: 5000 }, (_, i) => i);
    for (const i of pushed.slice(0, 3000)) queue.push(null, i);
    const taken = Array.from({ length: 2500 }, () => queue.take());
    for (const i of pushed.slice(3000)) queue.push(null, i);
    expect([...taken, ...takeAll(queue)]).toEqual(pushed);
  });
});
