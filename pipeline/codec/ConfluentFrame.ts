import { DecodeError } from '../errors.js';

/**
 * The Confluent Schema Registry wire format: magic byte 0, the writer schema's id as a 4-byte big-endian
 * integer, then the Avro binary body. Any Confluent-compatible serializer writes this, so any such record
 * is a task.
 */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, HEADER_LENGTH);
  return out;
}

export interface Unframed {
  readonly schemaId: number;
  readonly body: Buffer;
}

export function unframe(value: Buffer | null): Unframed {
  if (value === null) throw new DecodeError('tombstone: the record has a null value');
  if (value.length === 0) throw new DecodeError('empty value: no Confluent header');
  if (value.length < HEADER_LENGTH)
    throw new DecodeError(`value of ${value.length} bytes is shorter than the 5-byte Confluent header`);
  if (value[0] !== MAGIC_BYTE) throw new DecodeError(`wrong magic byte ${value[0]}: not Confluent-framed Avro`);
  return { schemaId: value.readUInt32BE(1), body: value.subarray(HEADER_LENGTH) };
}
