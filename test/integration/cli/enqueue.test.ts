// Guarantee: `taskstream enqueue` sends exactly the task it is given (argument or stdin), checked against the Avro schema first, and says where it landed.
import { describe, expect, it } from 'vitest';
import { endOffsets } from '../../support/groups.js';
import { readTopic } from '../../support/readTopic.js';
import { noteJson, runCli, writeCliConfig } from '../../support/runCli.js';

interface Sent {
  type: string;
  taskId: string;
  topic: string;
  partition: number;
  offset: string;
}

describe('taskstream enqueue', () => {
  it('enqueues the JSON argument and prints the task id, partition and offset', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, noteJson('a1', 'k1', 1)]);
    expect(r.code, r.stderr).toBe(0);
    const m = /task (\S+): topic (\S+), partition (\d+), offset (\d+)/.exec(r.stdout);
    expect(m?.[2]).toBe(cfg.topic);
    const [record] = await readTopic(cfg.topic, 1);
    expect(m?.[1]).toBe(`${cfg.topic}-${record?.partition}-${record?.offset}`);
    expect(Number(m?.[3])).toBe(record?.partition);
    expect(m?.[4]).toBe(record?.offset);
    expect(record?.key).toBe('k1');
  });

  it('enqueues a payload read from stdin, with --key and --id, and --json prints where it went', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const r = await runCli(
      ['--config', cfg.file, 'enqueue', cfg.name, '--key', 'chosen-key', '--id', 'my-task-1', '--json'],
      { input: `${noteJson('s1', 'k', 7)}\n` },
    );
    expect(r.code, r.stderr).toBe(0);
    const sent = r.json<Sent>();
    expect(sent).toMatchObject({ type: cfg.name, taskId: 'my-task-1', topic: cfg.topic });
    const [record] = await readTopic(cfg.topic, 1);
    expect({ partition: record?.partition, offset: record?.offset }).toEqual({
      partition: sent.partition,
      offset: sent.offset,
    });
    expect(record?.key).toBe('chosen-key');
    expect(record?.headers['ts-id']).toBe('my-task-1');
  });

  it('refuses a payload the schema rejects with one line naming the field, and sends nothing', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name, '{"id":"x","key":"k","seq":"three"}']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `taskstream: payload for task "${cfg.name}" does not match its schema: seq: expected int, got "three"`,
    ]);
    expect((await endOffsets(cfg.topic)).get(0)).toBe(0n);
  });

  it('refuses text that is not JSON with one line and exit code 1', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'enqueue', cfg.name], { input: '{"id": nope' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^taskstream: the payload is not valid JSON/);
  });
});
