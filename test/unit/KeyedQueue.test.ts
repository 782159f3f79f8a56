import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../pipeline/runtime/KeyedQueue.js';

/** Items are named by key and number ('a1' is key a); a name with no number has no key ('n'). */
function keyOfName(name: string): string | null {
  return /\d/.test(name) ? name.replace(/\d+$/, '') : null;
}

function named(): KeyedQueue<string> {
  return new KeyedQueue<string>((name) => name, keyOfName);
}

function takeAll<R, T, K>(queue: KeyedQueue<R, T, K>): T[] {
  const out: T[] = [];
  for (let next = queue.take(); next !== undefined; next = queue.take()) out.push(next);
  return out;
}

describe('KeyedQueue', () => {
  it('returns undefined when nothing waits', () => {
    expect(named().take()).toBeUndefined();
  });

  it('returns a pushed item', () => {
    const queue = named();
    queue.push('a1');
    expect(queue.take()).toBe('a1');
  });

  it("holds back a key's second item while its first is running", () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    expect(queue.take()).toBe('a1');
    expect(queue.take()).toBeUndefined();
  });

  it("returns a key's next item once release(key) is called", () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    queue.take();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it("keeps a key's items in push order", () => {
    const queue = named();
    for (let i = 0; i < 5; i++) queue.push(`k${i}`);
    const seen: string[] = [];
    for (let next = queue.take(); next !== undefined; next = queue.take()) {
      seen.push(next);
      queue.release('k');
    }
    expect(seen).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('lets different keys run at the same time', () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    queue.push('b1');
    expect(takeAll(queue)).toEqual(['a1', 'b1']);
  });

  it('starts keys in the order they became ready', () => {
    const queue = named();
    queue.push('b1');
    queue.push('a1');
    queue.push('c1');
    expect(takeAll(queue)).toEqual(['b1', 'a1', 'c1']);
  });

  it('holds back an item pushed while an item of its key is running', () => {
    const queue = named();
    queue.push('a1');
    queue.take();
    queue.push('a2');
    expect(queue.take()).toBeUndefined();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it('always lets items without a key be taken, with no release in between', () => {
    const queue = named();
    queue.push('x');
    queue.push('y');
    queue.push('z');
    expect(takeAll(queue)).toEqual(['x', 'y', 'z']);
  });

  it('lets items without a key be taken while every key is blocked', () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    queue.take();
    queue.push('n');
    expect(queue.take()).toBe('n');
  });

  it('ignores release(null)', () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    queue.take();
    queue.release(null);
    expect(queue.take()).toBeUndefined();
  });

  it('counts in size the items waiting, not the ones taken', () => {
    const queue = named();
    queue.push('a1');
    queue.push('a2');
    queue.push('n');
    expect(queue.size).toBe(3);
    expect(takeAll(queue)).toHaveLength(2);
    expect(queue.size).toBe(1);
    queue.release('a');
    expect(queue.size).toBe(1);
    queue.take();
    expect(queue.size).toBe(0);
  });

  it('drops every waiting item on clear()', () => {
    const queue = named();
    queue.push('a1');
    queue.push('b1');
    queue.push('n');
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.take()).toBeUndefined();
  });

  it('keeps a running key blocked after clear() until it is released', () => {
    const queue = named();
    queue.push('a1');
    queue.take();
    queue.clear();
    queue.push('a2');
    expect(queue.take()).toBeUndefined();
    queue.release('a');
    expect(queue.take()).toBe('a2');
  });

  it('turns each pushed item into what runs once, in push order, only when take reaches it', () => {
    const reached: string[] = [];
    const queue = new KeyedQueue<string, { name: string }>(
      (name) => {
        reached.push(name);
        return { name };
      },
      (item) => keyOfName(item.name),
    );
    queue.push('a1');
    queue.push('a2');
    queue.push('b1');
    expect(reached).toEqual([]);
    expect(queue.take()?.name).toBe('a1');
    expect(reached).toEqual(['a1']);
    expect(queue.take()?.name).toBe('b1'); // a2 was reached on the way, and waits for a1
    queue.release('a');
    expect(queue.take()?.name).toBe('a2');
    expect(reached).toEqual(['a1', 'a2', 'b1']);
  });

  it('keeps per-key order over thousands of items (past its internal compaction)', () => {
    const queue = new KeyedQueue<{ key: string; seq: number }>(
      (item) => item,
      (item) => item.key,
    );
    const keys = ['a', 'b', 'c', 'd'];
    for (let seq = 0; seq < 1500; seq++) for (const key of keys) queue.push({ key, seq });
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
    const queue = new KeyedQueue<number>(
      (i) => i,
      () => null,
    );
    const pushed = Array.from({ length: 5000 }, (_, i) => i);
    for (const i of pushed.slice(0, 3000)) queue.push(i);
    const taken = Array.from({ length: 2500 }, () => queue.take());
    for (const i of pushed.slice(3000)) queue.push(i);
    expect([...taken, ...takeAll(queue)]).toEqual(pushed);
  });
});
