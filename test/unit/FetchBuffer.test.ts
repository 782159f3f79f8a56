import { describe, expect, it } from 'vitest';
import type { FetchedMessage } from '../../pipeline/kafka/records.js';
import { FetchBuffer } from '../../pipeline/runtime/FetchBuffer.js';

function records(from: number, to: number): FetchedMessage[] {
  return Array.from({ length: to - from }, (_, i) => ({
    offset: String(from + i),
    key: null,
    value: null,
    timestamp: '0',
  }));
}

function offsets(buffer: FetchBuffer): string[] {
  const { records: all, from } = buffer.view();
  return all.slice(from).map((r) => r.offset);
}

describe('FetchBuffer', () => {
  it('keeps the records of a fetch from the first one that found no room', () => {
    const buffer = new FetchBuffer();
    buffer.keep(records(0, 5), 2);
    expect(offsets(buffer)).toEqual(['2', '3', '4']);
    expect(buffer.size).toBe(3);
  });

  it('appends a later fetch behind what it holds, in offset order', () => {
    const buffer = new FetchBuffer();
    buffer.keep(records(0, 3), 1);
    buffer.keep(records(3, 5), 0);
    expect(offsets(buffer)).toEqual(['1', '2', '3', '4']);
  });

  it('gives back only what was not consumed', () => {
    const buffer = new FetchBuffer();
    buffer.keep(records(0, 4), 0);
    buffer.consumedTo(buffer.view().from + 3);
    expect(offsets(buffer)).toEqual(['3']);
    expect(buffer.size).toBe(1);
  });

  it('is empty once everything is consumed, and ready for the next fetch', () => {
    const buffer = new FetchBuffer();
    buffer.keep(records(0, 2), 0);
    buffer.consumedTo(2);
    expect(buffer.size).toBe(0);
    buffer.keep(records(2, 3), 0);
    expect(offsets(buffer)).toEqual(['2']);
  });

  it('does not change the array it was given', () => {
    const fetched = records(0, 3);
    const buffer = new FetchBuffer();
    buffer.keep(fetched, 1);
    buffer.keep(records(3, 4), 0);
    expect(fetched.map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  it('counts the bytes of the keys and values it holds, and gives them back as records are consumed', () => {
    const buffer = new FetchBuffer();
    const fetched = records(0, 3).map((r, i) => ({ ...r, key: Buffer.alloc(i + 1), value: Buffer.alloc(10) }));
    buffer.keep(fetched, 0);
    expect(buffer.bytes).toBe(3 * 10 + 1 + 2 + 3);
    buffer.consumedTo(2);
    expect(buffer.bytes).toBe(10 + 3);
    buffer.consumedTo(3);
    expect(buffer.bytes).toBe(0);
  });
});
