// Guarantee: `taskstream worker --config <file>` runs the handlers that config names, with its worker options, and a SIGTERM drains it to exit 0; a handler for an undeclared task type, an unknown worker option or bad usage fails with one line naming the problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedOffsets } from '../../support/groups.js';
import { onCleanup, uniqueName } from '../../support/resources.js';
import { moduleUrl, noteJson, runCli, startCli, writeCliConfig } from '../../support/runCli.js';
import { waitFor } from '../../support/waitFor.js';

interface Handled {
  readonly id: string;
  readonly taskId: string;
  readonly pid: number;
}

/** A file the config's handler appends one JSON line per task to, removed after the test. */
function handledFile(): { path: string; read(): Handled[] } {
  const file = path.join(os.tmpdir(), `${uniqueName('handled')}.jsonl`);
  onCleanup(() => fs.rmSync(file, { force: true }));
  return {
    path: file,
    read: () =>
      fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Handled)
        : [],
  };
}

const importHandle = `import fs from 'node:fs';\nimport { handle } from '${moduleUrl('pipeline/index.js')}';\n`;

describe('taskstream worker --config', () => {
  it("runs the config's handler with its worker options until SIGTERM, then exits 0", async () => {
    const handled = handledFile();
    const groupPrefix = uniqueName('g');
    const cfg = writeCliConfig({
      partitions: 1,
      code: `${importHandle}const appendNote = handle(note, (n, ctx) => {
  fs.appendFileSync(${JSON.stringify(handled.path)}, JSON.stringify({ id: n.id, taskId: ctx.taskId, pid: process.pid }) + '\\n');
});`,
      fields: `\n  handlers: [appendNote],\n  worker: { groupPrefix: '${groupPrefix}', concurrency: 4, shutdownDeadlineMs: 5000 },`,
    });
    const worker = startCli(['worker', '--config', cfg.file], { env: { TASKSTREAM_LOG_LEVEL: 'info' } });

    const enqueued = await runCli(['--config', cfg.file, 'enqueue', cfg.name, noteJson('n1'), '--json']);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const { taskId, offset } = enqueued.json<{ taskId: string; offset: string }>();
    await waitFor('the config handler to run the task', () => handled.read().length > 0);
    expect(handled.read()).toEqual([{ id: 'n1', taskId, pid: worker.pid }]);
    // The config's groupPrefix named the group, which committed past the task.
    await waitFor('the commit', async () => {
      const committed = await committedOffsets(`${groupPrefix}.${cfg.name}`, cfg.topic);
      return committed.get(0) === BigInt(offset) + 1n;
    });
    expect(worker.stdout()).toContain("running the config's handlers");

    worker.signal('SIGTERM');
    const r = await worker.result;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('worker stopped');
    expect(handled.read()).toHaveLength(1);
  });

  it('refuses a handler for a task type that tasks does not declare, naming it', async () => {
    const cfg = writeCliConfig({
      code: `${importHandle}import { defineTask } from '${moduleUrl('pipeline/index.js')}';
const stray = defineTask({ name: 'stray-type', schema: noteSchema });`,
      fields: `\n  handlers: [handle(note, () => undefined), handle(stray, () => undefined)],`,
    });
    const r = await runCli(['worker', '--config', cfg.file]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `taskstream: config file ${cfg.file}: handlers[1] handles task type "stray-type", which tasks does not declare`,
    );
  });

  it('refuses an unknown worker option and a config named with --config that has no handlers', async () => {
    const typo = writeCliConfig({ fields: `\n  worker: { concurency: 4 },` });
    const r = await runCli(['worker', '--config', typo.file]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `taskstream: config file ${typo.file}: worker.concurency is not a worker option (known: groupPrefix, concurrency, shutdownDeadlineMs)`.replace(
        'worker.concurrency is',
        'worker.concurency is',
      ),
    );

    const none = writeCliConfig();
    const r2 = await runCli(['worker', '--config', none.file]);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toBe(
      `taskstream: config file ${none.file} names no handlers for taskstream worker (export handlers: [handle(task, async (payload, ctx) => …)] beside tasks)`,
    );
  });

  it('exits 2 on bad usage', async () => {
    const extra = await runCli(['worker', 'send-email']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("too many arguments for 'worker'");
    const port = await runCli(['worker', '--metrics-port', 'nine']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('expected a port from 0 to 65535');
    const envPort = await runCli(['worker'], { env: { TASKSTREAM_METRICS_PORT: 'nine' } });
    expect(envPort.code).toBe(2);
    expect(envPort.stderr.trim()).toBe(
      'taskstream: TASKSTREAM_METRICS_PORT must be a port from 0 to 65535, got "nine"',
    );
  });
});
