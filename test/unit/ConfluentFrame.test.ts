import { describe, expect, it } from 'vitest';
import { HEADER_LENGTH, MAGIC_BYTE, frame, unframe } from '../../pipeline/codec/ConfluentFrame.js';
import { DecodeError } from '../../pipeline/errors.js';

describe('frame', () => {
  it('writes the magic byte, the schema id as 4 big-endian bytes, then the body', () => {
    const framed = frame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...framed]).toEqual([MAGIC_BYTE, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb]);
  });

  it('writes only the header for an empty body', () => {
    expect(frame(7, Buffer.alloc(0))).toHaveLength(HEADER_LENGTH);
  });
});

describe('unframe', () => {
  it('gives back the schema id and body that frame wrote', () => {
    const body = Buffer.from('avro body');
    const { schemaId, body: out } = unframe(frame(42, body));
    expect(schemaId).toBe(42);
    expect(out.equals(body)).toBe(true);
  });

  it('round-trips the largest unsigned 32-bit schema id', () => {
    expect(unframe(frame(0xffffffff, Buffer.from([1]))).schemaId).toBe(0xffffffff);
  });

  it('round-trips an empty body', () => {
    expect(unframe(frame(3, Buffer.alloc(0))).body).toHaveLength(0);
  });

  it('rejects a tombstone (null value) with a DecodeError naming it', () => {
    expect(() => unframe(null)).toThrow(DecodeError);
    expect(() => unframe(null)).toThrow(/tombstone/);
  });

  it('rejects an empty buffer with a DecodeError naming it', () => {
    expect(() => unframe(Buffer.alloc(0))).toThrow(DecodeError);
    expect(() => unframe(Buffer.alloc(0))).toThrow(/empty value/);
  });

  it('rejects a buffer shorter than the header with a DecodeError giving its length', () => {
    const short = Buffer.from([0, 0, 0, 1]);
    expect(() => unframe(short)).toThrow(DecodeError);
    expect(() => unframe(short)).toThrow(/4 bytes is shorter than the 5-byte Confluent header/);
  });

  it('rejects a wrong magic byte with a DecodeError naming the byte', () => {
    const json = Buffer.from('{"to":"a@b.c"}');
    expect(() => unframe(json)).toThrow(DecodeError);
    expect(() => unframe(json)).toThrow(/wrong magic byte 123/);
  });

  it('raises DecodeErrors that are not retriable', () => {
    let caught: unknown;
    try {
      unframe(null);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'DECODE_FAILED', retriable: false });
  });
});
