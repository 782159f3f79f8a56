// Guarantee: when a connection fails for a wrong password (Kafka's SASL login, a Redis URL's, a registry URL's), neither the logs nor the error a caller gets, nor anything it wraps, contain that password.
import fs from 'node:fs';
import { Writable } from 'node:stream';
import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { handle, Scheduler, TaskProducer, Worker } from '../../../pipeline/index.js';
import { createLogger, type Logger } from '../../../pipeline/logging/logger.js';
import { everySecond } from '../../support/fixtures/schedules.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startRegistryProxy } from '../../support/registryProxy.js';
import { onCleanup, uniqueName, using } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { saslSsl, saslSslOptions, withoutSaslSsl } from '../../support/saslSsl.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/waitFor.js';

const PASSWORD = 'leak-canary-5e2f9a';

/** A debug-level logger whose every line is kept, as an operator's log collector would keep them. */
function collectedLogs(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({}, sink);
  logger.level = 'debug';
  return { logger, text: () => lines.join('') };
}

/** Everything a caller could print of an error: its message, and util.inspect of it with every cause. */
function everythingOf(err: unknown): string {
  return `${String(err)}\n${util.inspect(err, { depth: 20 })}`;
}

/** The test run's Redis, logged into as a user that does not exist, with the canary as password. */
function redisUrlWithWrongPassword(): string {
  return services().redisUrl.replace('redis://', `redis://taskstream-nobody:${PASSWORD}@`);
}

describe('a wrong password', () => {
  it.skipIf(withoutSaslSsl())(
    'for Kafka’s SASL login appears in no log line of a worker and not in its error',
    async () => {
      const { username } = saslSsl();
      const logs = collectedLogs();
      const worker = new Worker({
        ...saslSslOptions({ sasl: { mechanism: 'SCRAM-SHA-512', username, password: PASSWORD } }),
        handlers: [handle(noteTask(), () => undefined)],
        logger: logs.logger,
      });
      onCleanup(() => worker.close());

      const err = await worker.start().catch((e: unknown) => e);

      expect(err).toMatchObject({ code: 'AUTH_FAILED' });
      expect(logs.text()).toContain('authentication failed'); // kafkajs's own log line of the refusal was kept
      expect(logs.text()).not.toContain(PASSWORD);
      expect(everythingOf(err)).not.toContain(PASSWORD);
    },
  );

  it('in a Redis URL appears in no log line of a scheduler, which logs the refused login', async () => {
    const logs = collectedLogs();
    const task = noteTask();
    const scheduler = new Scheduler({
      schedules: [everySecond(task)],
      redisUrl: redisUrlWithWrongPassword(),
      logger: logs.logger,
    });
    onCleanup(() => scheduler.close());

    await scheduler.start();
    await waitFor('the scheduler to log the refused login', () => logs.text().includes('WRONGPASS'));

    expect(logs.text()).not.toContain(PASSWORD);
    expect(logs.text()).toContain('redis://taskstream-nobody:***@');
  });

  it('in a Redis URL appears neither in the CLI’s error line nor in its debug logs', async () => {
    const cfg = writeCliConfig({ schedule: { name: uniqueName('tick'), cron: '0 0 * * * *' } });

    const r = await runCli(['--config', cfg.file, 'schedule', 'list'], {
      env: { REDIS_URL: redisUrlWithWrongPassword(), TASKSTREAM_LOG_LEVEL: 'debug' },
    });

    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(PASSWORD);
    // The debug log lines come first on stderr; the failure is the last line.
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^taskstream: Redis at redis:\/\/taskstream-nobody:\*\*\*@[\d.:]+ refused the credentials \(WRONGPASS .*\); check the user and password in REDIS_URL/,
    );
  });

  it('in a registry URL appears neither in the error of a registry that does not answer nor in the logs', async () => {
    const logs = collectedLogs();
    const producer = await using(
      new TaskProducer({ registryUrl: `http://svc:${PASSWORD}@127.0.0.1:1`, logger: logs.logger }),
    );

    const err = await producer.prepare(noteTask()).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    expect((err as Error).message).toBe('schema registry at http://127.0.0.1:1 did not answer');
    expect(everythingOf(err)).not.toContain(PASSWORD);
    expect(logs.text()).not.toContain(PASSWORD);
  });

  it.skipIf(withoutSaslSsl())('in a registry URL appears nowhere in what a refusal of the login leaves', async () => {
    const logs = collectedLogs();
    const proxy = await startRegistryProxy({ username: 'svc', password: 'the-right-one' });
    const { caFile } = saslSsl();
    const producer = await using(
      new TaskProducer({
        registryUrl: proxy.url.replace('https://', `https://svc:${PASSWORD}@`),
        registryCa: fs.readFileSync(caFile),
        logger: logs.logger,
      }),
    );

    const err = await producer.prepare(noteTask()).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    expect(everythingOf(err)).not.toContain(PASSWORD);
    expect(logs.text()).not.toContain(PASSWORD);
  });
});
