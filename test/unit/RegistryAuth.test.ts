// Guarantee: a registry behind basic auth or a bearer token is reached with credentials from the URL, the options or the environment; the URL printed never carries the password, and refused credentials fail in one line without it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { resolveRegistry } from '../../pipeline/codec/RegistryEndpoint.js';
import { AuthenticationError, ConfigError } from '../../pipeline/errors.js';
import { FakeCcompatRegistry } from './support/FakeCcompatRegistry.js';

const schema = { type: 'record', name: 'Note', fields: [{ name: 'id', type: 'string' }] };
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let registry: FakeCcompatRegistry;
beforeEach(async () => {
  registry = await FakeCcompatRegistry.start();
});
afterEach(async () => {
  await registry.close();
});

/** The fake's URL with credentials put in, as a user writes SCHEMA_REGISTRY_URL. */
const withCredentials = (userinfo: string): string => registry.url.replace('http://', `http://${userinfo}@`);

describe('a registry behind auth', () => {
  it('is reached with the user and password of a user:password@ URL, sent as basic auth', async () => {
    registry.requiredAuthorization = basic('svc', 'p@ss word');
    const client = new RegistryClient({ url: withCredentials('svc:p%40ss%20word') });
    expect(await client.register('tasks.a-value', schema)).toBeGreaterThan(0);
  });

  it('keeps the password out of the URL it prints', () => {
    const client = new RegistryClient({ url: withCredentials('svc:s3cret') });
    expect(client.url).toBe(registry.url);
  });

  it('is reached with a bearer token', async () => {
    registry.requiredAuthorization = 'Bearer t0ken';
    const client = new RegistryClient({ url: registry.url, auth: { token: 't0ken' } });
    expect(await client.register('tasks.b-value', schema)).toBeGreaterThan(0);
  });

  it('prefers credentials given as an option to those in the URL', async () => {
    registry.requiredAuthorization = basic('svc', 'right');
    const client = new RegistryClient({
      url: withCredentials('svc:stale'),
      auth: { username: 'svc', password: 'right' },
    });
    expect(await client.register('tasks.c-value', schema)).toBeGreaterThan(0);
  });

  it('fails refused credentials with one AuthenticationError line that names the address but not the password', async () => {
    registry.requiredAuthorization = basic('svc', 'right');
    const attempt = new RegistryClient({ url: withCredentials('svc:wrong-s3cret') }).register('tasks.d-value', schema);
    const err = (await attempt.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ retriable: false, code: 'AUTH_FAILED' });
    expect(err.message).toBe(
      `schema registry at ${registry.url} refused the credentials (HTTP 401: Unauthorized); check registryAuth, the user:password in the registry URL, or SCHEMA_REGISTRY_USERNAME/PASSWORD or SCHEMA_REGISTRY_TOKEN`,
    );
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain('wrong-s3cret');
  });
});

describe('resolveRegistry', () => {
  it('takes basic auth from SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD', () => {
    const env = { SCHEMA_REGISTRY_USERNAME: 'svc', SCHEMA_REGISTRY_PASSWORD: 'pw' };
    expect(resolveRegistry({ url: 'https://registry.example' }, env).authorization).toBe(basic('svc', 'pw'));
  });

  it('takes a bearer token from SCHEMA_REGISTRY_TOKEN', () => {
    expect(resolveRegistry({}, { SCHEMA_REGISTRY_TOKEN: 'tk' }).authorization).toBe('Bearer tk');
  });

  it('refuses a token beside a username, which contradict each other', () => {
    expect(() => resolveRegistry({}, { SCHEMA_REGISTRY_TOKEN: 'tk', SCHEMA_REGISTRY_USERNAME: 'svc' })).toThrow(
      new ConfigError('set SCHEMA_REGISTRY_TOKEN or SCHEMA_REGISTRY_USERNAME/PASSWORD, not both'),
    );
  });

  it('refuses a CA for a registry that is not https', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(() => resolveRegistry({ url: 'http://registry:8081', ca }, {})).toThrow(
      'a registry CA is given but the registry url http://registry:8081 is not https://',
    );
  });

  it('refuses a URL that is not http, quoting it with its password masked', () => {
    expect(() => resolveRegistry({ url: 'ftp://svc:s3cret@registry' }, {})).toThrow(
      'schema registry url "ftp://svc:***@registry" must start with http:// or https://',
    );
  });
});
