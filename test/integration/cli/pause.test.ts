// Guarantee: `taskstream pause <type>` stops every worker of the type from starting its tasks, a worker started
// while the type is paused starts none either, and `taskstream resume <type>` lets them continue.
import { describe, expect, it } from 'vitest';
import { handle, TaskProducer, type Worker } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { uniqueName, using } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

/** A type under a group prefix of its own, set in the config the CLI reads, and a log of what its workers did. */
function pausable() {
  const groupPrefix = uniqueName('g');
  const cli = writeCliConfig({ partitions: 2, fields: `\n  worker: { groupPrefix: '${groupPrefix}' },` });
  const task = noteTask({ name: cli.name, partitions: 2 });
  const log: string[] = [];
  const start = (name: string): Promise<Worker> =>
    startWorker({ groupPrefix, handlers: [handle(task, (n) => void log.push(`${name} ran ${n.id}`))] }, (w) => {
      w.on('type:paused', () => log.push(`${name} paused`));
      w.on('type:resumed', () => log.push(`${name} resumed`));
      w.on('task:started', () => log.push(`${name} started`));
    });
  const cliRun = async (command: 'pause' | 'resume') => {
    const r = await runCli(['--config', cli.file, command, task.name]);
    expect(r.code, r.stderr).toBe(0);
  };
  return { task, log, start, cliRun };
}

describe('taskstream pause and resume', () => {
  it('pause stops every worker of the type from starting its tasks, and resume lets them all continue', async () => {
    const { task, log, start, cliRun } = pausable();
    await Promise.all([start('w1'), start('w2')]);
    await cliRun('pause');
    await waitFor('both workers paused', () => log.includes('w1 paused') && log.includes('w2 paused'));
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(
      task,
      ['a', 'b', 'c', 'd'].map((id) => ({ id, key: id, seq: 1 })),
    );
    await cliRun('resume');
    await waitFor('every task ran', () => log.filter((l) => l.includes(' ran ')).length === 4);
    // Nothing started between a worker's pause and its resume.
    for (const w of ['w1', 'w2']) {
      const mine = log.filter((l) => l.startsWith(`${w} `));
      const paused = mine.indexOf(`${w} paused`);
      expect(mine.slice(paused + 1, mine.indexOf(`${w} resumed`))).toEqual([]);
    }
  });

  it('a worker started while its type is paused starts none of its tasks until the type is resumed', async () => {
    const { task, log, start, cliRun } = pausable();
    await cliRun('pause');
    const producer = await using(new TaskProducer());
    await producer.enqueueMany(task, [{ id: 'waiting', key: 'k', seq: 1 }]);
    await start('w');
    expect(log).toEqual(['w paused']);
    await cliRun('resume');
    await waitFor('the task ran', () => log.includes('w ran waiting'));
    expect(log).toEqual(['w paused', 'w resumed', 'w started', 'w ran waiting']);
  });
});
