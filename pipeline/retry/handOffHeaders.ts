/**
 * Names shared by everything that writes or reads hand-off copies (retry tiers and the dead-letter topic):
 * the worker, `taskstream dlq`, dashboards.
 */
export const DLQ_HEADER = {
  errorClass: 'ts-error-class',
  errorCode: 'ts-error-code',
  errorMessage: 'ts-error-message',
  errorStack: 'ts-error-stack',
  retriable: 'ts-error-retriable',
  attempts: 'ts-attempts',
  firstFailedAt: 'ts-first-failed-at',
  notBefore: 'ts-not-before',
  originalTopic: 'ts-original-topic',
  originalPartition: 'ts-original-partition',
  originalOffset: 'ts-original-offset',
  originalTimestamp: 'ts-original-timestamp',
  workerId: 'ts-worker-id',
  failedAt: 'ts-failed-at',
  /** Set when the dead-letter topic refused the record whole: the value was left out, this many bytes. */
  valueDroppedBytes: 'ts-value-dropped-bytes',
} as const;

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
