// Guarantee: `taskstream workers` shows each running worker's group member with the partitions it owns, and marks a partition STUCK (with its member) when it has lag and its committed offset stops moving.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { committedOffsets } from '../../support/groups.js';
import { rawKafka } from '../../support/readTopic.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

interface RunningSighting {
  taskId: string;
  partition: number;
  attempt: number;
  progress: { done: number; total: number | undefined };
  workerId: string;
}

interface WorkersReport {
  group: string;
  state: string;
  members: { memberId: string; clientId: string; host: string; partitions: { topic: string; partition: number }[] }[];
  partitions: {
    topic: string;
    partition: number;
    memberId: string | null;
    committed: number | null;
    end: number;
    lag: number;
    status: string;
  }[];
  running: RunningSighting[] | null;
}

/** Waits until the group is Stable with `members` members and an assignment. */
async function stableGroup(group: string, members: number): Promise<void> {
  const admin = rawKafka().admin();
  await admin.connect();
  onCleanup(() => admin.disconnect());
  await waitFor(`group ${group} stable with ${members} member(s)`, async () => {
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    const assigned = (g?.members ?? []).reduce((n, m) => n + m.memberAssignment.length, 0);
    return g?.state === 'Stable' && g.members.length === members && assigned > 0;
  });
}

describe('taskstream workers', () => {
  it("lists a running worker's member id, client id and host with the partitions it owns", async () => {
    const cfg = writeCliConfig({ partitions: 3 });
    const task = noteTask({ name: cfg.name, partitions: 3 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    await startWorker({ groupPrefix, handlers: [handle(task, async () => undefined)] });
    await stableGroup(group, 1);

    const args = ['--config', cfg.file, 'workers', cfg.name, '--group', group, '--sample', '0'];
    const r = await runCli([...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = r.json<WorkersReport[]>();
    expect(report?.state).toBe('Stable');
    expect(report?.members).toHaveLength(1);
    const member = report?.members[0];
    expect(member?.clientId).toMatch(/^taskstream-worker-/);
    expect(member?.host).toBeTruthy();
    expect(member?.partitions).toEqual([0, 1, 2].map((partition) => ({ topic: cfg.topic, partition })));
    expect(report?.partitions.map((p) => [p.partition, p.memberId])).toEqual(
      [0, 1, 2].map((p) => [p, member?.memberId]),
    );

    const human = await runCli(args);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${member?.memberId}  ${member?.clientId}`);
    expect(human.stdout).toContain(`${cfg.topic}[0,1,2]`);
  });

  it('marks a partition with lag whose committed offset does not move STUCK, next to its member id', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    const task = noteTask({ name: cfg.name, partitions: 1, timeoutMs: 120_000 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    // The second task hangs until the worker shuts down, so the group's committed offset stays at 1.
    await startWorker({
      groupPrefix,
      commitIntervalMs: 100,
      handlers: [
        handle(task, async (note, ctx) => {
          if (note.seq === 2) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        }),
      ],
    });
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(
      task,
      [1, 2, 3].map((seq) => ({ id: `n${seq}`, key: 'one-key', seq })),
    );
    // Each step's own limit, summed, stays under the test's 120 s, so a slow step fails naming itself (CI once
    // timed this test out with no word of which step was slow).
    await waitFor('offset 1 committed', async () => (await committedOffsets(group, cfg.topic)).get(0) === 1n, {
      timeoutMs: 30_000,
    });

    const args = ['--config', cfg.file, 'workers', cfg.name, '--group', group, '--stuck-after', '1s'];
    const r = await runCli([...args, '--sample', '1500ms', '--json'], {
      timeoutMs: 30_000,
      env: { TASKSTREAM_LOG_LEVEL: 'warn' },
    });
    expect(r.code, r.stderr).toBe(0);
    const [report] = r.json<WorkersReport[]>();
    const memberId = report?.members[0]?.memberId;
    expect(memberId).toBeTruthy();
    expect(report?.partitions).toEqual([
      {
        topic: cfg.topic,
        partition: 0,
        memberId,
        committed: 1,
        end: 3,
        lag: 2,
        status: 'stuck',
        unchangedMs: expect.any(Number),
      },
    ]);

    const human = await runCli([...args, '--sample', '0'], {
      timeoutMs: 30_000,
      env: { TASKSTREAM_LOG_LEVEL: 'warn' },
    });
    expect(human.code, human.stderr).toBe(0);
    const row = human.stdout.split('\n').find((l) => l.startsWith(cfg.topic));
    expect(row).toContain(memberId);
    expect(row).toMatch(/STUCK: no progress for \d+s/);
  });

  it('lists the running tasks that report progress, with done of total and the worker running them', async () => {
    const cfg = writeCliConfig({ partitions: 1 });
    const task = noteTask({ name: cfg.name, partitions: 1, timeoutMs: 120_000 });
    const groupPrefix = uniqueName('g');
    const group = `${groupPrefix}.${cfg.name}`;
    let started = false;
    const worker = await startWorker({
      groupPrefix,
      handlers: [
        handle(task, async (_note, ctx) => {
          ctx.progress(250, 1000);
          started = true;
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        }),
      ],
    });
    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { id: 'long', key: 'k', seq: 1 });
    await waitFor('the task running', () => started);

    const args = ['--config', cfg.file, 'workers', cfg.name, '--group', group, '--sample', '0'];
    let running: RunningSighting[] | null = [];
    // Workers publish every 5 s: ask until this one has.
    await waitFor(
      'the running task listed',
      async () => {
        const r = await runCli([...args, '--json'], { timeoutMs: 30_000 });
        running = r.json<WorkersReport[]>()[0]?.running ?? null;
        return running !== null && running.length > 0;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(running).toEqual([
      expect.objectContaining({
        taskId: sent.taskId,
        partition: 0,
        attempt: 1,
        progress: expect.objectContaining({ done: 250, total: 1000 }),
        workerId: worker.id,
      }),
    ]);
    const human = await runCli(args, { timeoutMs: 30_000 });
    expect(human.stdout.split('\n').find((l) => l.startsWith(sent.taskId))).toMatch(/ 0 +1 +250\/1000 \(25%\) /);
  });
});
