// Guarantee: `taskstream worker` runs the config's handlers, else (with no --config) the shipped consumers; the config's worker options are checked with one clear message each.
import { describe, expect, it } from 'vitest';
import { ConfigError, handle } from '../../pipeline/index.js';
import { checkHandlers, checkWorkerOptions } from '../../ops/cli/config/checkWorkerConfig.js';
import type { LoadedConfig } from '../../ops/cli/config/loadConfig.js';
import { workerHandlers } from '../../ops/cli/config/workerHandlers.js';
import { generateReport, resizeImage, sendEmail, shippedTasks } from '../../schemas/tasks.js';
import { capturingLogger } from './support/capturingLogger.js';

const file = '/app/taskstream.config.ts';

function config(overrides: Partial<LoadedConfig> = {}): LoadedConfig {
  return {
    tasks: shippedTasks,
    schedules: [],
    handlers: [],
    worker: {},
    kafka: {},
    registry: {},
    source: file,
    ...overrides,
  };
}

describe('workerHandlers', () => {
  it("runs the config's handlers when it names some", async () => {
    const mine = handle(sendEmail, () => undefined);
    const lines: string[] = [];
    const chosen = await workerHandlers(config({ handlers: [mine] }), true, capturingLogger(lines));
    expect(chosen.handlers).toEqual([mine]);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      msg: "running the config's handlers",
      config: file,
      types: ['send-email'],
    });
  });

  it('runs the shipped consumers when no --config was given and the config found names no handlers', async () => {
    const lines: string[] = [];
    const chosen = await workerHandlers(config({ source: 'shipped' }), false, capturingLogger(lines));
    expect(chosen.handlers.map((h) => h.task)).toEqual([sendEmail, generateReport, resizeImage]);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain(
      'the config names no handlers: running the shipped consumers',
    );
    await chosen.close();
  });

  it('refuses a config named with --config that names no handlers', async () => {
    await expect(workerHandlers(config(), true, capturingLogger([]))).rejects.toThrow(
      `config file ${file} names no handlers for taskstream worker`,
    );
  });
});

describe('checkHandlers', () => {
  it('names a handler whose task type tasks does not declare', () => {
    const handlers = [handle(generateReport, () => undefined)];
    expect(() => checkHandlers({ handlers }, [sendEmail], file)).toThrow(
      new ConfigError(
        `config file ${file}: handlers[0] handles task type "generate-report", which tasks does not declare`,
      ),
    );
  });

  it('refuses two handlers for one task type, and values that are not handlers', () => {
    const twice = [handle(sendEmail, () => undefined), handle(sendEmail, () => undefined)];
    expect(() => checkHandlers({ handlers: twice }, shippedTasks, file)).toThrow(
      'task type "send-email" has two handlers',
    );
    expect(() => checkHandlers({ handlers: [() => undefined] }, shippedTasks, file)).toThrow(
      `config file ${file}: handlers[0] is not a handler (make it with handle(task, async (payload, ctx) => …))`,
    );
    expect(() => checkHandlers({ handlers: {} }, shippedTasks, file)).toThrow('handlers must be an array');
  });

  it('is empty when the config has no handlers', () => {
    expect(checkHandlers({}, shippedTasks, file)).toEqual([]);
  });
});

describe('checkWorkerOptions', () => {
  it('keeps the options it knows', () => {
    const worker = { groupPrefix: 'shop.prod', concurrency: 50, shutdownDeadlineMs: 20_000 };
    expect(checkWorkerOptions({ worker }, file)).toEqual(worker);
    expect(checkWorkerOptions({}, file)).toEqual({});
  });

  it.each([
    [
      { concurency: 4 },
      'worker.concurency is not a worker option (known: groupPrefix, concurrency, shutdownDeadlineMs)',
    ],
    [{ concurrency: 0 }, 'worker.concurrency must be a whole number of at least 1, got 0'],
    [{ concurrency: '8' }, 'worker.concurrency must be a whole number of at least 1, got "8"'],
    [{ shutdownDeadlineMs: 1.5 }, 'worker.shutdownDeadlineMs must be a whole number of at least 1, got 1.5'],
    [{ groupPrefix: 'my group' }, `worker.groupPrefix must be letters, digits, '.', '_' or '-', got "my group"`],
    [{ groupPrefix: '' }, `worker.groupPrefix must be letters, digits, '.', '_' or '-', got ""`],
  ])('refuses %j', (worker, message) => {
    expect(() => checkWorkerOptions({ worker }, file)).toThrow(new ConfigError(`config file ${file}: ${message}`));
  });

  it('refuses a worker that is not an object', () => {
    expect(() => checkWorkerOptions({ worker: 8 }, file)).toThrow(
      'worker must be an object such as { concurrency: 50 }',
    );
  });
});
