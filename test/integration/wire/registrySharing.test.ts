// Guarantee: a task type's subject can be registered by several processes at once, and shared with a subject another system registered first.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { handle, TaskProducer } from '../../../pipeline/index.js';
import { taskTopics } from '../../../pipeline/task/taskTopics.js';
import type { EnqueueReport } from '../../support/fixtures/enqueueProcess.js';
import { noteSchema, noteTask } from '../../support/fixtures/taskTypes.js';
import { rawKafka, readTopic, topicOffsets } from '../../support/readTopic.js';
import { onCleanup, using } from '../../support/resources.js';
import { brokers, services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../support/fixtures/enqueueProcess.ts');
const PROCESSES = 3;
const TASKS_EACH = 2000;
const ROUNDS = 3;

describe('sharing a task type’s registry subject', () => {
  it(
    'lets three processes start enqueueing to a new task type at once (the last round creating its topics too), every task acknowledged',
    async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const task = noteTask({ partitions: 3 });
        // Topics first in all rounds but the last, so the processes do not stagger on creating them and reach
        // the registry together; in the last, they race on creating the topics too, as a deploy's instances do.
        if (round < ROUNDS) {
          const topics = new TopicAdmin(rawKafka(), brokers().join(','));
          await topics.ensureTopics(taskTopics(task)).finally(() => topics.close());
        }

        const children = await Promise.all(
          Array.from({ length: PROCESSES }, () => startEnqueuer(task.name, task.partitions, TASKS_EACH)),
        );
        for (const child of children) child.go();
        const reports = await Promise.all(children.map((c) => c.report));

        expect(
          reports.flatMap((r) => r.errors),
          `round ${round}`,
        ).toEqual([]);
        expect(
          reports.map((r) => r.acked),
          `round ${round}`,
        ).toEqual(Array(PROCESSES).fill(TASKS_EACH));
        const offsets = await topicOffsets(task.topic);
        expect(offsets.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0)).toBe(PROCESSES * TASKS_EACH);
        // One schema, and the level taskstream declares on a subject it creates.
        expect(await registry('GET', `/subjects/${task.subject}/versions`)).toMatchObject({ status: 200, body: [1] });
        expect(await registry('GET', `/config/${task.subject}`)).toMatchObject({
          status: 200,
          body: { compatibilityLevel: 'BACKWARD' },
        });
      }
    },
    ROUNDS * 120_000,
  );

  it('enqueues to a subject another system registered first with the same schema, and runs the task', async () => {
    const task = noteTask({ partitions: 1 });
    // What an upstream serializer does: register under <topic>-value over plain HTTP, setting no level.
    const upstream = await registry('POST', `/subjects/${task.subject}/versions`, {
      schema: JSON.stringify(noteSchema),
    });
    expect(upstream.status).toBe(200);
    const upstreamId = (upstream.body as { id: number }).id;
    const levelBefore = await registry('GET', `/config/${task.subject}`);

    const producer = await using(new TaskProducer());
    const sent = await producer.enqueue(task, { id: 'shared-1', key: 'k', seq: 1 });
    const seen: object[] = [];
    await startWorker({ handlers: [handle(task, (note) => void seen.push({ ...note }))] });
    await waitFor('the task to run', () => seen.length === 1);

    expect(seen).toEqual([{ id: 'shared-1', key: 'k', seq: 1 }]);
    const [record] = await readTopic(task.topic, 1);
    expect(record?.offset).toBe(sent.offset);
    // Written with the upstream system's schema id, and the subject's level is as its owner left it.
    expect(record?.value?.readUInt32BE(1)).toBe(upstreamId);
    expect(await registry('GET', `/config/${task.subject}`)).toEqual(levelBefore);
    expect(await registry('GET', `/subjects/${task.subject}/versions`)).toMatchObject({ body: [1] });
  });
});

interface Enqueuer {
  go(): void;
  readonly report: Promise<EnqueueReport>;
}

/** A producer process (fixtures/enqueueProcess.ts) that has loaded and waits for go(). */
async function startEnqueuer(taskName: string, partitions: number, count: number): Promise<Enqueuer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      TASKSTREAM_LOG_LEVEL: 'fatal',
      TASK_NAME: taskName,
      TASK_PARTITIONS: String(partitions),
      COUNT: String(count),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  onCleanup(async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  });
  await waitFor('an enqueueing process to be ready', () => stdout.includes('ready\n') || exited, {
    timeoutMs: 60_000,
  });
  if (exited) throw new Error(`enqueue process exited before it was ready (code ${await exit}): ${stderr}`);
  return {
    go: () => child.stdin.end('go\n'),
    report: exit.then((code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        throw new Error(`enqueue process exited ${code}: ${stderr || stdout}`);
      }
      return JSON.parse(last) as EnqueueReport;
    }),
  };
}

async function registry(
  method: 'GET' | 'POST',
  subPath: string,
  body?: object,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${await apiBase()}${subPath}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function apiBase(): Promise<string> {
  const url = services().registryUrl.replace(/\/+$/, '');
  const probe = await fetch(`${url}/subjects`);
  return probe.ok ? url : `${url}/apis/ccompat/v7`;
}
