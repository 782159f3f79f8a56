import type { RecordProducer } from '../kafka/RecordProducer.js';
import type { IncomingRecord } from '../kafka/records.js';
import { HEADER } from '../task/headers.js';

/** Headers a dead letter carries beside the original record's own. */
export const DLQ_HEADER = {
  errorClass: 'ts-error-class',
  errorCode: 'ts-error-code',
  errorMessage: 'ts-error-message',
  errorStack: 'ts-error-stack',
  retriable: 'ts-error-retriable',
  attempts: 'ts-attempts',
  originalTopic: 'ts-original-topic',
  originalPartition: 'ts-original-partition',
  originalOffset: 'ts-original-offset',
  originalTimestamp: 'ts-original-timestamp',
  workerId: 'ts-worker-id',
  failedAt: 'ts-failed-at',
} as const;

const STACK_LIMIT = 2000;

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface DeadLetter {
  readonly record: IncomingRecord;
  readonly taskId: string;
  readonly attempts: number;
  readonly error: Error;
}

/** Copies a failed task to `<topic>.dlq` with its bytes exactly as they came, and why it failed. */
export class DeadLetterWriter {
  constructor(
    private readonly producer: RecordProducer,
    private readonly workerId: string,
  ) {}

  async write(letter: DeadLetter): Promise<void> {
    const { record, error } = letter;
    const e = error as Error & { code?: unknown; retriable?: unknown };
    await this.producer.send([
      {
        topic: dlqTopicOf(record.topic),
        key: record.key === null ? null : record.key.toString(),
        value: record.value,
        headers: {
          ...record.headers,
          [HEADER.id]: letter.taskId,
          [DLQ_HEADER.errorClass]: error.name,
          [DLQ_HEADER.errorCode]: typeof e.code === 'string' ? e.code : '',
          [DLQ_HEADER.errorMessage]: error.message,
          [DLQ_HEADER.errorStack]: (error.stack ?? '').slice(0, STACK_LIMIT),
          [DLQ_HEADER.retriable]: String(e.retriable !== false),
          [DLQ_HEADER.attempts]: String(letter.attempts),
          [DLQ_HEADER.originalTopic]: record.topic,
          [DLQ_HEADER.originalPartition]: String(record.partition),
          [DLQ_HEADER.originalOffset]: record.offset,
          [DLQ_HEADER.originalTimestamp]: record.timestamp,
          [DLQ_HEADER.workerId]: this.workerId,
          [DLQ_HEADER.failedAt]: new Date().toISOString(),
        },
      },
    ]);
  }
}
