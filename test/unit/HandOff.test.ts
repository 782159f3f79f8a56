import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../../pipeline/kafka/records.js';
import { deadLetterWithoutValue, HANDOFF_HEADER, retryCopy } from '../../pipeline/retry/HandOff.js';
import { HEADER } from '../../pipeline/task/headers.js';
import { UnrecoverableError } from '../../pipeline/errors.js';

const record: IncomingRecord = {
  topic: 'tasks.report',
  partition: 1,
  offset: '42',
  key: Buffer.from('customer-7'),
  value: Buffer.from([0, 0, 0, 0, 1, 2]),
  headers: { [HEADER.attempt]: '2' },
  timestamp: String(Date.UTC(2026, 0, 1)),
};
const failed = { record, taskId: 'task-1', attempt: 2, error: new Error('busy'), workerId: 'w1' };
const now = Date.UTC(2026, 0, 2);

describe('retryCopy', () => {
  it('carries the next attempt number by default', () => {
    expect(retryCopy(failed, 'tasks.report.retry.1s', 1000, now).headers?.[HEADER.attempt]).toBe('3');
  });

  it('keeps the attempt number when the failure used no attempt (a rescheduled busy lock)', () => {
    expect(retryCopy(failed, 'tasks.report.retry.1s', 1000, now, false).headers?.[HEADER.attempt]).toBe('2');
  });

  it("counts one more postponement when the failure used no attempt, starting from the record's count", () => {
    expect(retryCopy(failed, 'tasks.report.retry.1s', 1000, now, false).headers?.[HEADER.postponed]).toBe('1');
    const again = { ...failed, postponed: 4 };
    expect(retryCopy(again, 'tasks.report.retry.1s', 1000, now, false).headers?.[HEADER.postponed]).toBe('5');
  });

  it('leaves the postponement count alone when an attempt was used', () => {
    expect(retryCopy(failed, 'tasks.report.retry.1s', 1000, now).headers?.[HEADER.postponed]).toBeUndefined();
  });

  it('is due after the delay either way', () => {
    const copy = retryCopy(failed, 'tasks.report.retry.1s', 1000, now, false);
    expect(copy.headers?.[HANDOFF_HEADER.notBefore]).toBe(String(now + 1000));
  });
});

describe('the error code a copy carries', () => {
  it('is HANDLER_ERROR for an error of the handler, as the dead-letter metric counts it', () => {
    const plain = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(retryCopy({ ...failed, error: plain }, 't.retry.1s', 1000, now).headers?.[HANDOFF_HEADER.errorCode]).toBe(
      'HANDLER_ERROR',
    );
  });

  it('is the code of an error that follows the convention of a code and a retriable flag', () => {
    const error = Object.assign(new Error('no such report'), { code: 'REPORT_UNKNOWN', retriable: false });
    expect(retryCopy({ ...failed, error }, 't.retry.1s', 1000, now).headers?.[HANDOFF_HEADER.errorCode]).toBe(
      'REPORT_UNKNOWN',
    );
  });

  it("is taskstream's own code for a taskstream error", () => {
    const error = new UnrecoverableError('no such customer');
    expect(retryCopy({ ...failed, error }, 't.retry.1s', 1000, now).headers?.[HANDOFF_HEADER.errorCode]).toBe(
      'UNRECOVERABLE',
    );
  });
});

describe('deadLetterWithoutValue', () => {
  it('leaves the value out and says how many bytes it had', () => {
    const letter = deadLetterWithoutValue(failed, now);
    expect(letter.value).toBeNull();
    expect(letter.headers?.[HANDOFF_HEADER.valueDroppedBytes]).toBe('6');
  });

  it('keeps the key, the topic and the headers that point back at the original', () => {
    const letter = deadLetterWithoutValue(failed, now);
    expect(letter).toMatchObject({ topic: 'tasks.report.dlq', key: record.key });
    expect(letter.headers).toMatchObject({
      [HANDOFF_HEADER.originalTopic]: 'tasks.report',
      [HANDOFF_HEADER.originalPartition]: '1',
      [HANDOFF_HEADER.originalOffset]: '42',
    });
  });
});
