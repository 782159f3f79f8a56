import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../../pipeline/kafka/records.js';
import { DLQ_HEADER } from '../../pipeline/retry/handOffHeaders.js';
import { matches, replayCopy, rowOf } from '../../ops/cli/dlq/deadLetters.js';

const letter = (headers: Record<string, string>, offset = '7'): IncomingRecord => ({
  topic: 'tasks.x.dlq',
  partition: 2,
  offset,
  key: Buffer.from('k1'),
  value: Buffer.from([0, 0, 0, 0, 1, 2, 3]),
  headers,
  timestamp: String(Date.UTC(2025, 0, 1)),
});

const failed = {
  'ts-id': 'task-1',
  traceparent: '00-abc-def-01',
  'ts-attempt': '3',
  'ts-postponed': '2',
  [DLQ_HEADER.errorClass]: 'UnrecoverableError',
  [DLQ_HEADER.errorMessage]: 'Mailbox full',
  [DLQ_HEADER.attempts]: '3',
  [DLQ_HEADER.originalTopic]: 'tasks.x',
  [DLQ_HEADER.originalPartition]: '2',
  [DLQ_HEADER.originalOffset]: '40',
  [DLQ_HEADER.notBefore]: '123',
  [DLQ_HEADER.failedAt]: '2025-01-02T00:00:00.000Z',
};

describe('dead letters', () => {
  it('reads a row from the headers, falling back to the original position for the id and the record time', () => {
    expect(rowOf(letter(failed))).toMatchObject({
      taskId: 'task-1',
      attempts: 3,
      failedAt: '2025-01-02T00:00:00.000Z',
    });
    const bare = rowOf(
      letter({
        [DLQ_HEADER.originalTopic]: 'tasks.x',
        [DLQ_HEADER.originalPartition]: '1',
        [DLQ_HEADER.originalOffset]: '9',
      }),
    );
    expect(bare).toMatchObject({ taskId: 'tasks.x-1-9', attempts: null, failedAt: '2025-01-01T00:00:00.000Z' });
  });

  it('filters on class or message in any case, a half-open time window and task ids', () => {
    const row = rowOf(letter(failed));
    expect(matches(row, { error: 'mailbox' })).toBe(true);
    expect(matches(row, { error: 'unrecoverable' })).toBe(true);
    expect(matches(row, { error: 'timeout' })).toBe(false);
    const at = Date.parse(row.failedAt);
    expect(matches(row, { since: at, until: at + 1 })).toBe(true);
    expect(matches(row, { until: at })).toBe(false);
    expect(matches(row, { taskIds: ['task-2'] })).toBe(false);
  });

  it('copies back the same key and value with the task’s own headers, no failure headers, and where it came from', () => {
    const copy = replayCopy(letter(failed), 'tasks.x');
    expect(copy).toMatchObject({ topic: 'tasks.x', key: 'k1', value: Buffer.from([0, 0, 0, 0, 1, 2, 3]) });
    expect(copy.headers).toEqual({ 'ts-id': 'task-1', traceparent: '00-abc-def-01', 'ts-replayed-from': '2:7' });
  });

  it('gives a dead letter without ts-id the id it had', () => {
    const noId: Record<string, string> = { ...failed };
    delete noId['ts-id'];
    expect(replayCopy(letter(noId), 'tasks.x').headers?.['ts-id']).toBe('tasks.x-2-40');
  });
});
