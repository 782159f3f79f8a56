/**
 * Header names of task metadata. All are optional on input: a record with none of them (say, written by an
 * upstream system) is a first attempt whose id is `<topic>-<partition>-<offset>`. Kept short because
 * kafkajs decodes every header of every record.
 */
export const HEADER = {
  id: 'ts-id',
  attempt: 'ts-attempt',
  /** Times the task was held back without running (its lock busy); its backoff for a busy lock grows with it. */
  postponed: 'ts-postponed',
  traceparent: 'traceparent',
  /** A delayed task's time (epoch ms): it does not start before it. */
  runAt: 'ts-run-at',
} as const;

export function defaultTaskId(topic: string, partition: number, offset: string): string {
  return `${topic}-${partition}-${offset}`;
}
