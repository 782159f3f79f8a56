// Guarantee: `taskstream offsets reset` moves a stopped group exactly where Kafka's own tool would, makes the replayed tasks really run again, and never moves a group that has live workers.
import { beforeAll, describe, expect, it } from 'vitest';
import { handle, TaskProducer, type TaskDefinition } from '../../../pipeline/index.js';
import { currentEpoch } from '../../../pipeline/dedupe/DedupeEpoch.js';
import { createKafka } from '../../../pipeline/kafka/KafkaConnection.js';
import { OffsetAdmin } from '../../../pipeline/kafka/OffsetAdmin.js';
import { createLogger } from '../../../pipeline/logging/logger.js';
import { createRedis } from '../../../pipeline/redis/redisConnection.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets, endOffsets } from '../../support/groups.js';
import { kafkaToolResetPlan } from '../../support/kafkaTool.js';
import { uniqueName, using } from '../../support/resources.js';
import { runCli, runCliJson } from '../../support/runCli.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

interface JsonPlan {
  readonly partitions: {
    partition: number;
    committed: string | null;
    newOffset: string;
    reprocess: number;
    skip: number;
  }[];
  readonly reprocess: number;
  readonly skip: number;
  readonly dedupeEpoch: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const notes = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, key: `k${i % 7}`, seq: i }));

/** Runs a worker of the group until it has committed everything on the topic, then stops it. */
async function drainOnce(task: TaskDefinition, groupPrefix: string, seen: string[] = []): Promise<string[]> {
  const worker = await startWorker({
    groupPrefix,
    commitIntervalMs: 100,
    handlers: [handle(task, (note) => void seen.push((note as { id: string }).id))],
  });
  await caughtUp(`${groupPrefix}.${task.name}`, task.topic);
  await worker.close();
  return seen;
}

async function caughtUp(group: string, topic: string): Promise<void> {
  await waitFor(`group ${group} committed up to the end of ${topic}`, async () => {
    const [ends, committed] = await Promise.all([endOffsets(topic), committedOffsets(group, topic)]);
    return [...ends].every(([p, end]) => (committed.get(p) ?? -1n) === end);
  });
}

function reset(group: string, topic: string, ...args: string[]) {
  return runCli(['offsets', 'reset', '--group', group, '--topic', topic, ...args]);
}

async function epochOf(group: string): Promise<number> {
  const redis = createRedis(services().redisUrl);
  try {
    return await currentEpoch(redis, group);
  } finally {
    redis.disconnect();
  }
}

describe('offsets reset', () => {
  it('--to-earliest --execute makes a restarted worker see every task id again', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    const payloads = notes('t', 30);
    await producer.enqueueMany(task, payloads);
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${task.name}`;
    const first = await drainOnce(task, groupPrefix);
    expect(new Set(first).size).toBe(30);

    const r = await reset(group, task.topic, '--to-earliest', '--execute');
    expect(r.code, r.stderr).toBe(0);

    const again: string[] = [];
    await startWorker({ groupPrefix, handlers: [handle(task, (note) => void again.push(note.id))] });
    await waitFor('every task id seen again', () => new Set(again).size === 30);
    expect([...new Set(again)].sort()).toEqual(payloads.map((p) => p.id).sort());
  });

  it('--execute bumps the dedupe epoch when tasks will run again, and leaves it when tasks are only skipped', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes('t', 12));
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${task.name}`;
    await drainOnce(task, groupPrefix);
    const before = await epochOf(group);

    const back = await runCliJson<JsonPlan>([
      'offsets',
      'reset',
      '--group',
      group,
      '--topic',
      task.topic,
      '--shift-by',
      '-2',
      '--execute',
      '--json',
    ]);
    expect(back.reprocess).toBeGreaterThan(0);
    expect(back.dedupeEpoch).toBe(before + 1);
    expect(await epochOf(group)).toBe(before + 1);

    const forward = await runCliJson<JsonPlan>([
      'offsets',
      'reset',
      '--group',
      group,
      '--topic',
      task.topic,
      '--to-latest',
      '--execute',
      '--json',
    ]);
    expect(forward.reprocess).toBe(0);
    expect(forward.dedupeEpoch).toBeNull();
    expect(await epochOf(group)).toBe(before + 1);
  });

  it('--to-datetime skips the tasks written before that time', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes('before', 15));
    await sleep(1500);
    const boundary = new Date().toISOString();
    await sleep(1500);
    await producer.enqueueMany(task, notes('after', 15));
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${task.name}`;

    const r = await reset(group, task.topic, '--to-datetime', boundary, '--execute');
    expect(r.code, r.stderr).toBe(0);

    const seen = await drainOnce(task, groupPrefix);
    expect([...new Set(seen)].sort()).toEqual(
      notes('after', 15)
        .map((n) => n.id)
        .sort(),
    );
  });

  it('refuses --execute while a worker of the group runs, naming the member and how to stop it', async () => {
    const task = noteTask({ partitions: 3 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes('t', 9));
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${task.name}`;
    const worker = await startWorker({ groupPrefix, commitIntervalMs: 100, handlers: [handle(task, () => undefined)] });
    await caughtUp(group, task.topic);
    const committed = await committedOffsets(group, task.topic);

    const r = await reset(group, task.topic, '--to-earliest', '--execute');

    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`taskstream-worker-${worker.id}`);
    expect(r.stderr).toContain('SIGTERM');
    expect(await committedOffsets(group, task.topic)).toEqual(committed);
  });

  it('is refused by the broker too when a worker joins after the check (the commit carries no member)', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, notes('t', 3));
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${task.name}`;
    await startWorker({ groupPrefix, commitIntervalMs: 100, handlers: [handle(task, () => undefined)] });
    await caughtUp(group, task.topic);
    const committed = await committedOffsets(group, task.topic);
    const admin = new OffsetAdmin(createKafka({ logger: createLogger(), retries: 0 }), services().kafkaBrokers);
    try {
      await expect(admin.setOffsets(group, task.topic, new Map([[0, 0n]]))).rejects.toThrow(
        `setting the offsets of group "${group}" failed: The coordinator is not aware of this member`,
      );
    } finally {
      await admin.close();
    }
    expect(await committedOffsets(group, task.topic)).toEqual(committed);
  });

  describe('dry-run plans agree with Kafka’s kafka-consumer-groups --reset-offsets', () => {
    let task: TaskDefinition;
    let group: string;
    let boundary: string;

    beforeAll(async () => {
      task = noteTask({ partitions: 3 });
      const producer = new TaskProducer();
      try {
        await producer.enqueueMany(task, notes('old', 30));
        const groupPrefix = uniqueName('g');
        group = `${groupPrefix}.${task.name}`;
        await drainOnce(task, groupPrefix);
        await sleep(1500);
        boundary = new Date().toISOString();
        await sleep(1500);
        await producer.enqueueMany(task, notes('new', 30));
      } finally {
        await producer.close();
      }
    });

    it.each([
      [['--to-earliest']],
      [['--to-latest']],
      [['--to-offset', '4']],
      [['--to-offset', '100000']],
      [['--shift-by', '-3']],
      [['--shift-by', '5']],
      [['--shift-by', '-100000']],
      [['--by-duration', 'PT1H']],
    ])('%j', async (args) => {
      const ours = await runCliJson<JsonPlan>([
        'offsets',
        'reset',
        '--group',
        group,
        '--topic',
        task.topic,
        ...args,
        '--json',
      ]);
      const kafkas = await kafkaToolResetPlan(group, task.topic, args);
      expect(new Map(ours.partitions.map((p) => [p.partition, BigInt(p.newOffset)]))).toEqual(kafkas);
    });

    it('--to-datetime', async () => {
      const ours = await runCliJson<JsonPlan>([
        'offsets',
        'reset',
        '--group',
        group,
        '--topic',
        task.topic,
        '--to-datetime',
        boundary,
        '--json',
      ]);
      const kafkas = await kafkaToolResetPlan(group, task.topic, ['--to-datetime', boundary]);
      expect(new Map(ours.partitions.map((p) => [p.partition, BigInt(p.newOffset)]))).toEqual(kafkas);
      // The boundary lies between the two batches: every partition moves back to where the new batch starts.
      expect(ours.partitions.every((p) => p.committed === p.newOffset)).toBe(true);
    });

    it('--partitions 0,2 (Kafka: --topic t:0,2)', async () => {
      const ours = await runCliJson<JsonPlan>([
        'offsets',
        'reset',
        '--group',
        group,
        '--topic',
        task.topic,
        '--shift-by',
        '-2',
        '--partitions',
        '0,2',
        '--json',
      ]);
      const kafkas = await kafkaToolResetPlan(group, `${task.topic}:0,2`, ['--shift-by', '-2']);
      expect(new Map(ours.partitions.map((p) => [p.partition, BigInt(p.newOffset)]))).toEqual(kafkas);
      expect(ours.partitions.map((p) => p.partition)).toEqual([0, 2]);
    });
  });

  it.each([
    ['two reset targets', ['--to-earliest', '--to-latest'], /exactly one of/],
    ['no reset target', [], /give one of/],
    ['a date that is not ISO 8601', ['--to-datetime', '31/01/2025'], /not an ISO 8601 date-time/],
    ['a day that does not exist', ['--to-datetime', '2025-02-30T00:00:00Z'], /not an ISO 8601 date-time/],
    ['a duration that is not ISO 8601', ['--by-duration', '1h'], /not an ISO 8601 duration/],
    ['--dry-run with --execute', ['--to-earliest', '--dry-run', '--execute'], /not both/],
  ])('exits 2 on bad usage: %s', async (_what, args, message) => {
    const r = await reset('some-group', 'some-topic', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
