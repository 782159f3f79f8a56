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
