// Guarantee: `taskstream topics` creates a task type's topics exactly once and reports what exists, with partitions, leaders and ISR.
import { describe, expect, it } from 'vitest';
import { endOffsets } from '../../support/groups.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';

interface CreatedRow {
  type: string;
  topic: string;
  created: boolean;
  partitions: number;
}

describe('taskstream topics', () => {
  it('create is idempotent: a second run creates nothing, says so, and leaves the partitions as they are', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const first = await runCli(['--config', cfg.file, 'topics', 'create', cfg.name, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const created = first.json<CreatedRow[]>();
    expect(created.map((r) => r.topic)).toEqual(expect.arrayContaining([cfg.topic, `${cfg.topic}.dlq`]));
    expect(created.every((r) => r.created)).toBe(true);

    const again = await runCli(['--config', cfg.file, 'topics', 'create', cfg.name, '--partitions', '5']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to do: every topic exists/);
    expect(again.stdout).toMatch(/exists, unchanged \(asked for 5 partitions\)/);
    expect((await endOffsets(cfg.topic)).size).toBe(3);
  });

  it('create applies --partitions to new topics', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const r = await runCli(['--config', cfg.file, 'topics', 'create', '--partitions', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<CreatedRow[]>().every((row) => row.partitions === 2)).toBe(true);
    expect((await endOffsets(cfg.topic)).size).toBe(2);
    expect((await endOffsets(`${cfg.topic}.dlq`)).size).toBe(2);
  });

  it('list tells whether each topic of a task type exists', async () => {
    const cfg = writeCliConfig();
    type Row = { type: string; topic: string; exists: boolean; partitions: number | null };
    const before = await runCli(['--config', cfg.file, 'topics', 'list', '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.json<Row[]>().find((r) => r.topic === cfg.topic)).toEqual({
      type: cfg.name,
      topic: cfg.topic,
      exists: false,
      partitions: null,
    });
    expect((await runCli(['--config', cfg.file, 'topics', 'create'])).code).toBe(0);
    const after = await runCli(['--config', cfg.file, 'topics', 'list']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`${cfg.topic}\\s+yes\\s+3`));
    expect(after.stdout).toMatch(new RegExp(`${cfg.topic}\\.dlq\\s+yes\\s+3`));
  });

  it('describe shows each partition with its leader, replicas and ISR, and the topic config', async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);

    const human = await runCli(['--config', cfg.file, 'topics', 'describe', cfg.name]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`topic ${cfg.topic}: 3 partitions`);
    expect(human.stdout).toMatch(/PARTITION\s+LEADER\s+REPLICAS\s+ISR/);
    expect(human.stdout).toMatch(/cleanup\.policy\s+delete/);

    type Described = {
      topics: {
        topic: string;
        partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
        config: { name: string; value: string | null; source: string }[];
      }[];
    };
    const json = await runCli(['--config', cfg.file, 'topics', 'describe', cfg.name, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const main = json.json<Described>().topics.find((t) => t.topic === cfg.topic);
    expect(main?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of main?.partitions ?? []) {
      expect(p.replicas).toContain(p.leader);
      expect(p.isr).toContain(p.leader);
    }
    expect(main?.config.find((c) => c.name === 'retention.ms')?.value).toMatch(/^\d+$/);
  });

  it('create keeps dead letters until replayed or purged, and retry copies for a week at least', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    expect((await runCli(['--config', cfg.file, 'topics', 'create', cfg.name])).code).toBe(0);

    const json = await runCli(['--config', cfg.file, 'topics', 'describe', cfg.name, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const topics = json.json<{ topics: { topic: string; config: { name: string; value: string | null }[] }[] }>()
      .topics;
    const retention = (t: { config: { name: string; value: string | null }[] }) =>
      Number(t.config.find((c) => c.name === 'retention.ms')?.value);
    expect(topics.filter((t) => t.topic.endsWith('.dlq')).map(retention)).toEqual([-1]);
    const tiers = topics.filter((t) => t.topic.includes('.retry.'));
    expect(tiers.length).toBeGreaterThan(0);
    for (const t of tiers) expect(retention(t)).toBeGreaterThanOrEqual(7 * 86_400_000);
  });

  it('describe of a task type whose topics do not exist fails with one line naming the fix', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'topics', 'describe', cfg.name]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `taskstream: topic "${cfg.topic}" of task type "${cfg.name}" does not exist; create it with \`taskstream topics create ${cfg.name}\``,
    ]);
  });

  it('an unknown task type fails with one line listing the known ones', async () => {
    const cfg = writeCliConfig();
    const r = await runCli(['--config', cfg.file, 'topics', 'create', 'no-such-type']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`unknown task type "no-such-type"`);
    expect(r.stderr).toContain(cfg.name);
  });
});
