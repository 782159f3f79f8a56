import { handle, TaskProducer, UnrecoverableError } from '../../pipeline/index.js';
import { dlqTopicOf } from '../../pipeline/retry/handOffHeaders.js';
import { noteTask } from './fixtures/taskTypes.js';
import { endOffsets } from './groups.js';
import { using } from './resources.js';
import { writeCliConfig } from './runCli.js';
import { waitFor } from './waitFor.js';
import { startWorker } from './workers.js';

/** Records in a topic now, over all its partitions. */
export const total = async (topic: string): Promise<number> =>
  [...(await endOffsets(topic)).values()].reduce((n, end) => n + Number(end), 0);

export type Failure = () => Error;
export const unrecoverable =
  (message: string): Failure =>
  () =>
    new UnrecoverableError(message);
export const notRetriable =
  (message: string): Failure =>
  () =>
    Object.assign(new TypeError(message), { retriable: false });

/**
 * A task type of its own (declared in a config file for the CLI), and a worker whose handler throws the
 * given failure for chosen ids (dead-lettering them at once) and records every task it completes.
 */
export async function deadLetterFixture(partitions = 3) {
  const cli = writeCliConfig({ partitions });
  const task = noteTask({ name: cli.name, partitions });
  const failing = new Map<string, Failure>();
  const completed: { id: string; taskId: string; attempt: number }[] = [];
  const producer = await using(new TaskProducer());
  const worker = await startWorker({
    handlers: [
      handle(task, (note, ctx) => {
        const fail = failing.get(note.id);
        if (fail) throw fail();
        completed.push({ id: note.id, taskId: ctx.taskId, attempt: ctx.attempt });
      }),
    ],
  });
  const dlq = dlqTopicOf(task.topic);
  /** Enqueues the notes; those with a failure end in the DLQ. Returns their task ids by note id. */
  const enqueue = async (notes: { id: string; fail?: Failure }[]): Promise<Map<string, string>> => {
    for (const n of notes) if (n.fail) failing.set(n.id, n.fail);
    const before = await total(dlq);
    const sent = await producer.enqueueMany(
      task,
      notes.map((n, i) => ({ id: n.id, key: `k${i % 4}`, seq: i })),
    );
    const dead = notes.filter((n) => n.fail).length;
    await waitFor(`${dead} new dead letters`, async () => (await total(dlq)) >= before + dead);
    await waitFor('the other tasks completed', () =>
      notes.filter((n) => !n.fail).every((n) => completed.some((c) => c.id === n.id)),
    );
    return new Map(notes.map((n, i) => [n.id, sent[i]?.taskId as string]));
  };
  return { cli, task, dlq, failing, completed, worker, enqueue };
}
