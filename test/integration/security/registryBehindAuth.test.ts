// Guarantee: a schema registry behind HTTPS with a private CA and basic auth serves producers and workers alike, from a user:password@ URL; a wrong password and a missing CA each fail with one line naming what to check, never the password.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, handle, TaskProducer, TlsError } from '../../../pipeline/index.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startRegistryProxy } from '../../support/registryProxy.js';
import { using } from '../../support/resources.js';
import { withoutSaslSsl } from '../../support/saslSsl.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

const LOGIN = { username: 'svc', password: 'registry-s3cret' };

/** The proxy's URL with a user:password@ put in, as a user writes SCHEMA_REGISTRY_URL. */
const withLogin = (url: string, password = LOGIN.password): string =>
  url.replace('https://', `https://${LOGIN.username}:${password}@`);

// The local stack's certificates serve as the private CA, so this runs where the SASL_SSL tests run.
describe.skipIf(withoutSaslSsl())('a schema registry behind HTTPS and basic auth', () => {
  it('registers, encodes and decodes through it with the credentials in the URL and its CA', async () => {
    const proxy = await startRegistryProxy(LOGIN);
    const registry = { registryUrl: withLogin(proxy.url), registryCa: fs.readFileSync(proxy.caFile) };
    const task = noteTask();
    const ran: string[] = [];
    const producer = await using(new TaskProducer(registry));
    await producer.prepare(task);
    // The worker fetches the schema by id through the registry client library, the producer registers it by
    // plain HTTP: both paths carry the login and trust the CA.
    await startWorker({ ...registry, handlers: [handle(task, (note) => void ran.push(note.id))] });

    await producer.enqueue(task, { id: 'behind-auth', key: 'k', seq: 1 });

    await waitFor('the worker to decode and run the task', () => ran.includes('behind-auth'));
  });

  it('fails a wrong password with one AuthenticationError line naming the address, not the password', async () => {
    const proxy = await startRegistryProxy(LOGIN);
    const producer = await using(
      new TaskProducer({
        registryUrl: withLogin(proxy.url, 'wrong-s3cret'),
        registryCa: fs.readFileSync(proxy.caFile),
      }),
    );

    const err = (await producer.prepare(noteTask()).catch((e: unknown) => e)) as Error;

    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      `schema registry at ${proxy.url} refused the credentials (HTTP 401); check registryAuth, the user:password in the registry URL, or SCHEMA_REGISTRY_USERNAME/PASSWORD or SCHEMA_REGISTRY_TOKEN`,
    );
  });

  it('fails without its CA with one TlsError line saying to give the CA', async () => {
    const proxy = await startRegistryProxy(LOGIN);
    const producer = await using(new TaskProducer({ registryUrl: withLogin(proxy.url) }));

    const err = (await producer.prepare(noteTask()).catch((e: unknown) => e)) as Error;

    expect(err).toBeInstanceOf(TlsError);
    expect(err.message).toBe(
      `TLS with schema registry at ${proxy.url} failed (self-signed certificate in certificate chain); its certificate is not signed by a CA this process trusts: give that CA (registryCa, or SCHEMA_REGISTRY_CA_FILE)`,
    );
  });
});
