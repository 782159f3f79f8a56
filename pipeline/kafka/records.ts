/** Records in our own types, so nothing outside pipeline/kafka/ sees the Kafka client's. */
export type RecordHeaders = Readonly<Record<string, string>>;

export interface OutgoingRecord {
  readonly topic: string;
  /** Bytes when copying a record (kept exactly); a string for keys we make. */
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  /** Leave unset to let the partitioner choose (murmur2 of the key, as the Java client does). */
  readonly partition?: number;
}

export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Header values as the Kafka client hands them over: bytes, and a repeated header as an array. */
export type RawHeaders = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;

/**
 * A record as the Kafka client fetched it, before the worker takes it. Records waiting in a partition's fetch
 * buffer and key queue stay in this form and become IncomingRecords (with their topic, partition and headers
 * as text) only when taken: wrapping every fetched record on arrival kept one more object per waiting record
 * alive through each collection of the young generation (without it, the runtime bench's async drain went
 * from 152k to 174k tasks/s).
 */
export interface FetchedMessage {
  readonly offset: string;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly headers?: RawHeaders;
}

export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Record timestamp (ms since epoch), as a string like Kafka offsets. */
  readonly timestamp: string;
}
