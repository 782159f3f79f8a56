// Guarantee: tasks travel through a Kafka listener that speaks SASL_SSL (SCRAM over TLS with a private CA), from the library's options and from the CLI's environment; a wrong password and an untrusted certificate each fail with one line naming the address and what to check, never the password.
import { describe, expect, it } from 'vitest';
import { AuthenticationError, handle, TaskProducer, TlsError } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { using } from '../../support/resources.js';
import { runCli, writeCliConfig } from '../../support/runCli.js';
import { saslSsl, saslSslOptions, withoutSaslSsl } from '../../support/saslSsl.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const WRONG_PASSWORD = 'not-the-password-7c1e';

/** What a refusal must look like: one line, no stack trace, no password. */
function expectOneCleanLine(err: unknown, password: string): string {
  expect(err).toBeInstanceOf(Error);
  const { message } = err as Error;
  expect(message).not.toContain('\n');
  expect(message).not.toContain(password);
  return message;
}

describe.skipIf(withoutSaslSsl())('Kafka over SASL_SSL', () => {
  it('enqueues and processes a task with SCRAM-SHA-512 and the stack’s CA', async () => {
    const task = noteTask();
    const ran: string[] = [];
    await startWorker({ ...saslSslOptions(), handlers: [handle(task, (note) => void ran.push(note.id))] });
    // The producer logs in with the other SCRAM mechanism: the stack knows the user under both.
    const { username, password } = saslSsl();
    const producer = await using(
      new TaskProducer(saslSslOptions({ sasl: { mechanism: 'SCRAM-SHA-256', username, password } })),
    );

    await producer.enqueue(task, { id: 'secured-1', key: 'k', seq: 1 });

    await waitFor('the worker to run the task it received over SASL_SSL', () => ran.includes('secured-1'));
  });

  it('fails a wrong password with one AuthenticationError line naming the address, not the password', async () => {
    const { bootstrap, username } = saslSsl();
    const options = saslSslOptions({ sasl: { mechanism: 'SCRAM-SHA-512', username, password: WRONG_PASSWORD } });
    const producer = await using(new TaskProducer(options));

    const err = await producer.prepare(noteTask()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(AuthenticationError);
    expect(expectOneCleanLine(err, WRONG_PASSWORD)).toMatch(
      new RegExp(
        `^Kafka at ${bootstrap} refused the credentials \\(SASL SCRAM SHA512 authentication failed.*\\); check the SASL username, password and mechanism`,
      ),
    );
  });

  it('fails without the stack’s CA with one TlsError line saying to give the CA', async () => {
    const { bootstrap, password } = saslSsl();
    const producer = await using(new TaskProducer(saslSslOptions({ ssl: true })));

    const err = await producer.prepare(noteTask()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(TlsError);
    expect(expectOneCleanLine(err, password)).toBe(
      `TLS with Kafka at ${bootstrap} failed (self-signed certificate in certificate chain); its certificate is not signed by a CA this process trusts: give that CA (ssl.ca, or KAFKA_SSL_CA_FILE)`,
    );
  });

  it('is reached by the CLI from KAFKA_SSL_CA_FILE and KAFKA_SASL_* alone', async () => {
    const { bootstrap, caFile, username, password } = saslSsl();
    const cfg = writeCliConfig();
    const env = {
      KAFKA_BROKERS: bootstrap,
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: username,
      KAFKA_SASL_PASSWORD: password,
    };

    const created = await runCli(['--config', cfg.file, 'topics', 'create', cfg.name], { env });

    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
  });

  it('tells the CLI user a wrong password in one line on stderr, without the password', async () => {
    const { bootstrap, username } = saslSsl();
    const cfg = writeCliConfig({
      code: "import fs from 'node:fs';",
      fields: `
  kafka: {
    brokers: ${JSON.stringify(bootstrap.split(','))},
    ssl: { ca: fs.readFileSync(${JSON.stringify(saslSsl().caFile)}) },
    sasl: { mechanism: 'SCRAM-SHA-512', username: ${JSON.stringify(username)}, password: process.env.APP_KAFKA_PASSWORD ?? '' },
  },`,
    });

    const r = await runCli(['--config', cfg.file, 'topics', 'list'], { env: { APP_KAFKA_PASSWORD: WRONG_PASSWORD } });

    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(WRONG_PASSWORD);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^taskstream: Kafka at ${bootstrap} refused the credentials`)),
    ]);
  });
});
