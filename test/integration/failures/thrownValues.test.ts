// Guarantee: whatever a handler throws (a string, undefined, null, a plain object, a TypeError), the worker stays up and applies the same retry/DLQ policy with a non-empty message.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { readTopic } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const throwables: Record<string, () => unknown> = {
  string: () => 'plain string',
  undefined: () => undefined,
  null: () => null,
  object: () => ({ reason: 'quota' }),
  typeError: () => new TypeError('x is not a function'),
};

describe('thrown values', () => {
  it('retries and dead-letters every kind of thrown value alike, keeping the value as cause', async () => {
    const task = noteTask({ partitions: 2, retry: { maxAttempts: 2, minDelayMs: 100, maxDelayMs: 100 } });
    const producer = await using(new TaskProducer());
    const kinds = Object.keys(throwables);
    await producer.enqueueMany(task, [
      ...kinds.map((kind, seq) => ({ id: kind, key: kind, seq })),
      { id: 'fine', key: 'fine', seq: 9 },
    ]);
    const causes = new Map<string, unknown>();
    let fine = 0;
    await startWorker(
      {
        handlers: [
          handle(task, (note) => {
            if (note.id === 'fine') return void fine++;
            throw (throwables[note.id] as () => unknown)();
          }),
        ],
      },
      (w) => w.on('task:retrying', (e) => causes.set(e.taskId, e.error)),
    );

    const letters = await readTopic(dlqTopicOf(task.topic), kinds.length);
    await waitFor('the healthy task', () => fine === 1);
    for (const kind of kinds) {
      const letter = letters.find((l) => l.key === kind);
      expect(letter?.headers[DLQ_HEADER.attempts], kind).toBe('2');
      expect(letter?.headers[DLQ_HEADER.errorMessage], kind).not.toBe('');
      expect(letter?.headers[DLQ_HEADER.errorClass], kind).toBe(kind === 'typeError' ? 'TypeError' : 'NonErrorThrown');
    }
    expect(letters.find((l) => l.key === 'string')?.headers[DLQ_HEADER.errorMessage]).toContain('plain string');
    expect(letters.find((l) => l.key === 'object')?.headers[DLQ_HEADER.errorMessage]).toContain('quota');
    const errors = [...causes.values()] as Error[];
    expect(errors.find((e) => e.message.includes('plain string'))?.cause).toBe('plain string');
    expect(errors.some((e) => e.message === 'non-Error thrown: undefined' && e.cause === undefined)).toBe(true);
  });
});
