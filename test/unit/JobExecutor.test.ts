import { describe, expect, it, vi } from 'vitest';
import type { TaskCodec } from '../../pipeline/codec/TaskCodec.js';
import { DedupeBatcher } from '../../pipeline/dedupe/DedupeBatcher.js';
import type { DoneMarks, FlushReply, FlushRequest } from '../../pipeline/dedupe/DedupeStore.js';
import type { FetchedMessage } from '../../pipeline/kafka/records.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import type { HandOffSender } from '../../pipeline/retry/HandOffSender.js';
import { Attempt } from '../../pipeline/runtime/Attempt.js';
import { JobExecutor } from '../../pipeline/runtime/JobExecutor.js';
import type { JobResult } from '../../pipeline/runtime/Job.js';
import { PartitionWork } from '../../pipeline/runtime/PartitionWork.js';
import { defineTask } from '../../pipeline/task/defineTask.js';

/** Marks in memory: `done` ids are marked; every partition has run nowhere yet. */
class Marks implements DoneMarks {
  constructor(readonly done: ReadonlySet<string>) {}
  async flush(request: FlushRequest): Promise<FlushReply> {
    await new Promise((resolve) => setImmediate(resolve));
    return {
      done: request.checks.toArray().map((id) => this.done.has(id)),
      ran: request.reads.toArray().map(() => -1),
    };
  }
}

const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger;
const task = defineTask({
  name: 'executor-test',
  schema: { type: 'record', name: 'Unit', fields: [{ name: 'n', type: 'int' }] },
  maxBytes: 10,
  retry: { maxAttempts: 1 },
});

function record(offset: number, value: Buffer, id?: string): FetchedMessage {
  return { offset: String(offset), key: null, value, timestamp: '0', headers: id === undefined ? {} : { 'ts-id': id } };
}

/** Runs one attempt of `message` as a runner would: announced when fetched, executed when its answer is in. */
async function runOnce(marks: Marks, message: FetchedMessage, codec: Partial<TaskCodec>) {
  const part = new PartitionWork({ topic: 't', partition: 0 });
  const dedupe = new DedupeBatcher(marks, log);
  const handOffs = { send: vi.fn(async () => undefined) } as unknown as HandOffSender;
  const executor = new JobExecutor(
    task,
    () => undefined,
    codec as TaskCodec,
    undefined,
    handOffs,
    'w',
    log,
    { onStart: () => undefined, onDeduplicated: () => undefined },
    { dedupe },
  );
  await executor.expect(part, [message], 0, 1);
  const result = await new Promise<JobResult>((resolve) => {
    const owner = { ended: (_: Attempt, r: JobResult) => resolve(r), heartbeat: () => undefined };
    executor.execute(new Attempt(part.jobFor(message), owner, log));
  });
  return { result, part };
}

describe('JobExecutor with dedupe', () => {
  it('takes the answer of a record that is dead-lettered before it decodes, so its book does not keep it', async () => {
    const undecodable = { decodeCached: vi.fn(() => undefined) };
    for (const message of [record(0, Buffer.alloc(100), 'own'), record(0, Buffer.alloc(100))]) {
      const { result, part } = await runOnce(new Marks(new Set()), message, undecodable);
      expect(result.kind).toBe('dead-lettered');
      expect(part.answers.size).toBe(0);
    }
    const broken = {
      decodeCached: vi.fn(() => {
        throw new Error('not Avro');
      }),
    };
    const { result, part } = await runOnce(new Marks(new Set()), record(0, Buffer.alloc(5), 'own'), broken);
    expect(result.kind).toBe('dead-lettered');
    expect(part.answers.size).toBe(0);
  });

  it('acknowledges a done task without decoding it', async () => {
    const codec = { decodeCached: vi.fn(() => ({ n: 1 })) };
    const { result } = await runOnce(new Marks(new Set(['own'])), record(0, Buffer.alloc(5), 'own'), codec);
    expect(result).toEqual({ kind: 'completed', deduplicated: true });
    expect(codec.decodeCached).not.toHaveBeenCalled();
  });
});

describe('JobExecutor with a delayed task', () => {
  it('sends a task due exactly one tier away to that tier, even if the clock moves while it does', async () => {
    const delayed = defineTask({
      name: 'executor-delay-test',
      schema: { type: 'record', name: 'Unit', fields: [{ name: 'n', type: 'int' }] },
      maxDelayMs: 60_000,
    });
    const now = 1_000_000;
    const ticks = vi.spyOn(Date, 'now');
    // Each reading of the clock is a millisecond later than the one before, as on a busy machine.
    let reading = 0;
    ticks.mockImplementation(() => now + reading++);
    try {
      const sent: { topic: string }[] = [];
      const handOffs = { send: vi.fn(async (copy: { topic: string }) => void sent.push(copy)) };
      const executor = new JobExecutor(
        delayed,
        () => undefined,
        {} as TaskCodec,
        undefined,
        handOffs as unknown as HandOffSender,
        'w',
        log,
        { onStart: () => undefined, onDeduplicated: () => undefined },
        {},
      );
      const part = new PartitionWork({ topic: delayed.topic, partition: 0 });
      const message = {
        ...record(0, Buffer.from([0, 0, 0, 0, 1, 2]), 'own'),
        headers: { 'ts-run-at': String(now + 1000) },
      };
      const result = await new Promise<JobResult>((resolve) => {
        const owner = { ended: (_: Attempt, r: JobResult) => resolve(r), heartbeat: () => undefined };
        executor.execute(new Attempt(part.jobFor(message), owner, log));
      });
      expect(result.kind).not.toBe('retry');
      expect(sent.map((c) => c.topic)).toEqual([`${delayed.topic}.delay.1s`]);
    } finally {
      ticks.mockRestore();
    }
  });
});
